import Foundation
import GRDB
import LedgerCore

/// An office's ledger on disk: an SQLite database (WAL, `synchronous=FULL`) holding the append-only
/// event log, the per-office Merkle heads and the latest signed checkpoint of each office.
///
/// ```swift
/// let store = try LedgerStore.create(at: path, identity: identity, verifier: signer.verifier)
/// let summary = try store.append(drafts: [draft], signer: signer)
/// ```
public final class LedgerStore: Sendable {
    public let identity: LedgerIdentity
    public let path: String
    /// The store's connections (``Connections``): a `DatabasePool`, or one `DatabaseQueue`.
    let pool: any DatabaseWriter
    let projector: (any LedgerProjector)?
    /// The projector the ledger was created with (`ledger_meta`), without which it is never written.
    let requiredProjector: String?
    /// What the last append left, for the next one (``WriteMemo``).
    let writeMemo = WriteMemo()
    /// A pool's checkpoints, beside its writer (``WALCheckpointer``); nil for a single connection.
    let checkpointer: WALCheckpointer?

    private init(
        path: String, connected: (writer: any DatabaseWriter, checkpointer: WALCheckpointer?), identity: LedgerIdentity,
        projector: (any LedgerProjector)?, requiredProjector: String?
    ) {
        self.path = path
        self.pool = connected.writer
        self.checkpointer = connected.checkpointer
        self.identity = identity
        self.projector = projector
        self.requiredProjector = requiredProjector
    }

    /// Starts the projection of a write transaction. A ledger created with a projector is not
    /// written without it (its events would go unchecked and its projection rows missing).
    ///
    /// - Parameter after: when recording, the last event stored if it is this store's last append's
    ///   and nothing was written since (``WriteMemo``): the projector may go on from what it kept.
    func beginProjection(_ db: Database, mode: ProjectionMode, after: (rowid: Int64, id: Hash)? = nil) throws -> (any ProjectionTransaction)? {
        guard let projector else {
            if let requiredProjector {
                throw StoreError(.badIdentity("this ledger is kept with the \(requiredProjector) projection; it cannot be written without it"))
            }
            return nil
        }
        if mode == .record, let after { return try projector.beginRecording(db, after: after) }
        return try projector.begin(db, mode: mode)
    }

    /// The store's migrations followed by the projector's.
    static func migrator(projector: (any LedgerProjector)?) -> DatabaseMigrator {
        var migrator = Self.migrator
        projector?.registerMigrations(&migrator)
        return migrator
    }

    /// The connection settings every ledger uses: WAL (from DatabasePool), a busy timeout for
    /// concurrent CLI use, and the function that finds an id in a block of settled ids
    /// (``EventIDs/findFunction``). See ``connect(at:connections:)`` for durability.
    static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in db.add(function: EventIDs.findFunction) }
        return configuration
    }

    /// Page cache of the writer connection: the pages its transactions come back to (the tables'
    /// interior pages, the facts recording loads by key, the runs a merge of settled ids reads).
    /// It was 64 MB while the ids were one random-keyed index (some 50 MB on a million events);
    /// settled in sorted runs they need no such room, and a received million filled the 64 MB with
    /// pages it never read again: `Tools/bench-sync 1000000`'s server peaked at 140 – 147 MB with
    /// it, at 91 – 97 MB with 16 MB, at the same rates, and recording ran as fast either way.
    static let writerCacheKiB = 16_384

    /// Page cache of a connection that reads much of the ledger once (SQLite's default).
    static let oneReadingCacheKiB = 2_000

    /// How much of the database file a connection that reads much of the ledger once maps into
    /// memory: all of it (SQLite holds it to its own limit, 2 GB as Debian builds it).
    static let oneReadingMapBytes: Int64 = 1 << 40

    /// How a store connects to its database file.
    public enum Connections: Sendable {
        /// A writer and, beside it, readers that never wait for a write (a server, a sync round).
        case pool
        /// One connection, for a process that opens the ledger, does one thing and ends (most
        /// `civic` commands): there is no reader connection to open, and no WAL file to make at
        /// each start (a pool makes it with a write of its own when it finds none, and SQLite
        /// removes it when the last connection closes). Reads and writes take turns.
        case single
    }

    /// Opens the connections and sets `synchronous=FULL` on the writer, so a committed transaction
    /// survives power loss. (DatabasePool sets NORMAL when it enables WAL, after
    /// `prepareDatabase` runs, so this must happen once the pool is open.) A single connection
    /// puts the ledger in WAL mode itself; every ledger is made in it, and it is kept in the file.
    /// A pool's checkpoints run beside its writer (``WALCheckpointer``).
    static func connect(at path: String, connections: Connections = .pool) throws
        -> (writer: any DatabaseWriter, checkpointer: WALCheckpointer?)
    {
        let writer: any DatabaseWriter
        switch connections {
        case .pool:
            writer = try DatabasePool(path: path, configuration: configuration())
        case .single:
            let queue = try DatabaseQueue(path: path, configuration: configuration())
            let mode = try queue.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
            guard mode == "wal" else { throw StoreError(.database("\(path) cannot be put in WAL mode", code: ResultCode.SQLITE_ERROR.rawValue)) }
            writer = queue
        }
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = -\(writerCacheKiB)")
        }
        guard case .pool = connections else { return (writer, nil) }
        return (writer, WALCheckpointer(path: path, writer: writer))
    }

    /// Creates a new ledger database for `identity`, trusting `verifier` as the office's own key.
    ///
    /// - Throws: ``StoreError`` when a database already exists at `path` or cannot be created.
    ///   `registrarKey` is the registrar office's key, trusted from the start (an office's ledger);
    ///   the registrar itself passes nil.
    public static func create(
        at path: String, identity: LedgerIdentity, verifier: NoteVerifier, registrarKey: NoteVerifier? = nil,
        projector: (any LedgerProjector)? = nil
    ) throws -> LedgerStore {
        guard !FileManager.default.fileExists(atPath: path) else { throw StoreError(.alreadyExists(path)) }
        guard verifier.name == identity.origin else {
            throw StoreError(.badIdentity("key name \(verifier.name) is not the office origin \(identity.origin)"))
        }
        return try wrapDatabaseErrors {
            let connected = try connect(at: path)
            let pool = connected.writer
            try migrator(projector: projector).migrate(pool)
            try pool.write { db in
                var meta = ["format": "1", "city": identity.city, "office": identity.office, "origin": identity.origin]
                meta["registrar"] = identity.registrar
                meta["projector"] = projector?.name
                for (key, value) in meta {
                    try db.execute(sql: "INSERT INTO ledger_meta(key, value) VALUES (?, ?)", arguments: [key, value])
                }
                try Self.addKey(db, office: identity.office, fromSize: 1, verifier: verifier)
                if let registrarKey, let registrar = identity.registrar, registrar != identity.office {
                    guard registrarKey.name == Identifiers.origin(city: identity.city, office: registrar) else {
                        throw StoreError(.badIdentity("the registrar key is named \(registrarKey.name), not \(Identifiers.origin(city: identity.city, office: registrar))"))
                    }
                    try Self.addKey(db, office: registrar, fromSize: 1, verifier: registrarKey)
                }
            }
            return LedgerStore(path: path, connected: connected, identity: identity, projector: projector, requiredProjector: projector?.name)
        }
    }

    /// Opens an existing ledger, applying any pending schema migration.
    ///
    /// - Parameter connections: a pool (the default), or one connection for a short process.
    /// - Throws: ``StoreError`` when there is no ledger at `path` or it is not one.
    public static func open(at path: String, projector: (any LedgerProjector)? = nil, connections: Connections = .pool) throws -> LedgerStore {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError(.noLedger(path)) }
        return try wrapDatabaseErrors {
            let connected = try connect(at: path, connections: connections)
            let pool = connected.writer
            try migrator(projector: projector).migrate(pool)
            let meta = try pool.read { db in
                try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT key, value FROM ledger_meta").map {
                    (($0["key"] as String?) ?? "", ($0["value"] as String?) ?? "")
                })
            }
            guard let city = meta["city"], let office = meta["office"] else { throw StoreError(.corrupt("ledger_meta lacks city or office")) }
            var required = meta["projector"]
            if let projector {
                if let required, required != projector.name {
                    throw StoreError(.badIdentity("this ledger is kept with the \(required) projection, not \(projector.name)"))
                }
                if required == nil {
                    // A ledger older than the record (or created bare, now projected by the migrations).
                    try pool.write { db in
                        try db.execute(sql: "INSERT INTO ledger_meta(key, value) VALUES ('projector', ?)", arguments: [projector.name])
                    }
                    required = projector.name
                }
            }
            return LedgerStore(
                path: path, connected: connected, identity: try LedgerIdentity(city: city, office: office, registrar: meta["registrar"]), projector: projector,
                requiredProjector: required)
        }
    }

    /// Sets the writer connection up for the rest of a process that reads much of the ledger once
    /// and ends (`civic state`, `civic report`):
    /// - its page cache is SQLite's default (2 MB). The writer's 16 MB would take a fresh slot for
    ///   each page read: memory faulted in and never read again (with the 64 MB a writer kept
    ///   once, 12 – 16 MB of it in a state as of an instant on a large ledger);
    /// - it reads the database file through a memory map (`PRAGMA mmap_size`), not a `pread` for
    ///   each page: a fold snapshot's blob of some 8 MB is otherwise two thousand system calls, and
    ///   a state as of an instant on a million-event ledger some four thousand. SQLite maps the file
    ///   read-only and writes through `pwrite` as before; the pages it maps are the kernel's page
    ///   cache, counted in the process's resident memory but not its own. A ledger's file never
    ///   shrinks (nothing vacuums it), which is what a map needs of it; a read of the map that fails
    ///   all the same ends the process with one line (``MappedFileFaults``), not a bare `SIGBUS`.
    public func prepareForOneReading() throws {
        MappedFileFaults.report()
        try Self.wrapDatabaseErrors {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA cache_size = -\(Self.oneReadingCacheKiB)")
                try db.execute(sql: "PRAGMA mmap_size = \(Self.oneReadingMapBytes)")
            }
        }
    }

    /// Closes the store's database connections now, as releasing the store does (a single
    /// connection, the last, copies the WAL into the database file and removes it). For a process's
    /// last use of its ledger: the store must not be used afterwards (GRDB's single connection does
    /// not check, and crashes).
    package func close() throws {
        try Self.wrapDatabaseErrors {
            try checkpointer?.close()
            try pool.close()
        }
    }

    /// Runs `body`, turning SQLite errors into ``StoreError`` and passing others through.
    static func wrapDatabaseErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError.database(error)
        }
    }
}

extension LedgerStore {
    /// Reads with a database connection (for the domain's queries).
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.wrapDatabaseErrors { try pool.read(body) }
    }

    /// The `PRAGMA synchronous` level of the store's connections (2 = FULL).
    public func synchronousSetting() throws -> Int { try writerPragma("synchronous") }

    /// The writer's automatic checkpoint interval in WAL pages: SQLite's 1,000 on a single
    /// connection, and 0 on a pool, whose checkpoints run beside the writer instead.
    public func walAutocheckpointSetting() throws -> Int { try writerPragma("wal_autocheckpoint") }

    /// What a pool's checkpoints beside its writer have done (nil: a single connection), once
    /// any running is done.
    package func checkpointActivity() -> WALCheckpointer.Activity? {
        checkpointer?.waitForCheckpoint()
        return checkpointer?.activity
    }

    /// The writer connection's `PRAGMA cache_size` (negative: KiB).
    public func pageCacheSetting() throws -> Int { try writerPragma("cache_size") }

    /// How many bytes of the database file the writer connection reads through a memory map
    /// (`PRAGMA mmap_size`; 0: none).
    public func memoryMapSetting() throws -> Int { try writerPragma("mmap_size") }

    private func writerPragma(_ name: String) throws -> Int {
        try Self.wrapDatabaseErrors {
            try pool.write { db in try Int.fetchOne(db, sql: "PRAGMA \(name)") ?? -1 }
        }
    }
}

extension DatabaseWriter {
    /// Runs `body` in an immediate write transaction, as `write(_:)` does, but begins and commits it
    /// with statements prepared once per connection: `write(_:)` prepares `BEGIN` and `COMMIT`
    /// again for every transaction, about 4 % of the writer's time in a transaction of one event.
    /// On any error the transaction is rolled back (if SQLite has not already) and the error thrown.
    func writeTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try writeWithoutTransaction { db in
            try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
            let result: T
            do {
                result = try body(db)
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            } catch {
                try? db.rollback()
                throw error
            }
            return result
        }
    }
}

extension LedgerStore {
    /// Runs `body` in a write transaction, for the tables a projection derives from the events and
    /// may rebuild at any time (snapshots, caches). The event tables stay append-only: their
    /// triggers refuse any change.
    public func updateDerived<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.wrapDatabaseErrors { try pool.write { db in try body(db) } }
    }

    /// The keys of `ledger_meta` that say what the ledger is; ``setSetting(_:_:)`` never changes them.
    static let identityKeys: Set<String> = ["format", "city", "office", "origin", "registrar", "projector"]

    /// A setting of this node kept in `ledger_meta` beside its identity (e.g. `ocid_prefix`), or nil.
    public func setting(_ key: String) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM ledger_meta WHERE key = ?", arguments: [key]) }
    }

    /// Sets a setting of this node (not one of the identity's keys).
    ///
    /// - Throws: ``StoreError`` for an identity key.
    public func setSetting(_ key: String, _ value: String) throws {
        guard !Self.identityKeys.contains(key) else { throw StoreError(.badIdentity("\(key) is part of the ledger's identity and is set only when it is created")) }
        try Self.wrapDatabaseErrors {
            try pool.write { db in
                try db.execute(
                    sql: "INSERT INTO ledger_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [key, value])
            }
        }
    }
}
