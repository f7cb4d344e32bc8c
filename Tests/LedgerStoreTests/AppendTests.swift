import CivicTestSupport
import Foundation
import GRDB
import LedgerCore
import LedgerStore
import Testing

@Suite("Appending events")
struct AppendTests {
    @Test func appendsAChainAndSignsACheckpoint() throws {
        let ledger = try TestLedger()
        let summary = try ledger.store.append((0..<3).map { try TestLedger.draft($0) }, signer: ledger.signer)
        #expect(summary.firstSeq == 1)
        #expect(summary.count == 3)
        #expect(summary.checkpoint.checkpoint.size == 3)

        var events: [Event] = []
        try ledger.store.forEachEvent { events.append(try Event(canonical: $0.canonical)); return true }
        #expect(events.map(\.envelope.seq) == [1, 2, 3])
        #expect(events[0].envelope.prev == nil)
        #expect(events[1].envelope.prev == events[0].leafHash)
        #expect(events[2].envelope.prev == events[1].leafHash)
        #expect(events[0].envelope.hlc < events[1].envelope.hlc && events[1].envelope.hlc < events[2].envelope.hlc)
        #expect(summary.checkpoint.checkpoint.root == MerkleTree.root(events.map(\.leafHash)[...]))
        let reread = try SignedCheckpoint(note: summary.checkpoint.note.serialized, verifier: ledger.signer.verifier)
        #expect(reread.checkpoint.origin == "civic/springfield/transport")
        let report = try ledger.store.verify()
        #expect(report.eventCount == 3)
    }

    /// `close()` ends a store's connections as releasing it does, for a pool and for one
    /// connection, and the ledger opens again with its events; one connection, the last to close,
    /// has copied the WAL into the database file and removed it. (A closed store is not used again:
    /// GRDB's single connection would crash.)
    @Test(arguments: [LedgerStore.Connections.pool, .single]) func aClosedStoreLeavesItsFileWhole(connections: LedgerStore.Connections) throws {
        let ledger = try TestLedger()
        let opened = try ledger.directory.open(connections: connections)
        try opened.store.append((0..<2).map { try TestLedger.draft($0) }, signer: opened.signer)
        try ledger.store.close()
        try opened.store.close()
        for suffix in ["-wal", "-shm"] where connections == .single {
            #expect(!FileManager.default.fileExists(atPath: ledger.directory.databasePath + suffix), "ledger.sqlite\(suffix) is left")
        }
        if connections == .pool {
            // A pool says it is closed (a single connection is not asked: GRDB does not check it).
            #expect(throws: StoreError.self) { try opened.store.eventCount() }
        }
        #expect(try ledger.directory.open(connections: connections).store.verify().eventCount == 2)
    }

    @Test func aRefusedDraftStoresNothing() throws {
        let ledger = try TestLedger()
        _ = try ledger.store.append([try TestLedger.draft(0)], signer: ledger.signer)
        let before = try ledger.store.head(office: "transport")
        let error = #expect(throws: StoreError.self) {
            _ = try ledger.store.append((1..<4).map { try TestLedger.draft($0) }, signer: ledger.signer, validate: { draft in
                if draft.body["district"]?.stringValue == "d3" { throw CocoaError(.fileReadUnknown) }
            })
        }
        #expect(error?.refusedIndex == 2)
        #expect(try ledger.store.eventCount() == 1)
        #expect(try ledger.store.head(office: "transport") == before)
    }

    @Test func anOversizedEventIsRefused() throws {
        let ledger = try TestLedger()
        let big = try EventDraft(
            type: "district.defined", effective: LedgerDate(unixMilliseconds: 0),
            body: .object([("note", .string(String(repeating: "x", count: EventEnvelope.maximumCanonicalBytes)))]))
        #expect(throws: StoreError.self) { try ledger.store.append([big], signer: ledger.signer) }
        #expect(try ledger.store.eventCount() == 0)
        #expect(try ledger.store.head(office: "transport") == nil)
    }

    @Test func theClockNeverRunsBackwardsAcrossRestarts() throws {
        let ledger = try TestLedger()
        _ = try ledger.store.append([try TestLedger.draft(0)], signer: ledger.signer, now: { 5_000_000 })
        let reopened = try ledger.directory.open()
        let summary = try reopened.store.append([try TestLedger.draft(1)], signer: reopened.signer, now: { 1_000 })
        let hlc = try #require(summary.lastEvent?.envelope.hlc)
        #expect(hlc == HLCTimestamp(wall: 5_000_000, logical: 1))
    }

    /// Recording leaves `node_clock` alone (one page less per commit): the node's clock is the later
    /// of it and the office's own head, so it still reads the last timestamp recorded, and an empty
    /// batch changes nothing.
    @Test func recordingKeepsTheNodeClockInItsHead() throws {
        let ledger = try TestLedger()
        func stored() throws -> Row? { try ledger.store.read { db in try Row.fetchOne(db, sql: "SELECT wall, logical FROM node_clock") } }
        let before = try stored()
        let summary = try ledger.store.append([try TestLedger.draft(0), try TestLedger.draft(1)], signer: ledger.signer, now: { 7_000_000 })
        #expect(try stored() == before)
        #expect(try ledger.store.nodeClock() == summary.lastEvent?.envelope.hlc)
        _ = try ledger.store.append([], signer: ledger.signer, now: { 1_000 })
        #expect(try stored() == before)
        #expect(try ledger.store.nodeClock() == summary.lastEvent?.envelope.hlc)
    }

    /// A projection that keeps one table and records its name in `ledger_meta`.
    struct CountingProjector: LedgerProjector {
        var name = "counting/1"
        func registerMigrations(_ migrator: inout DatabaseMigrator) {
            migrator.registerMigration("counting-v1") { db in try db.execute(sql: "CREATE TABLE counted(rowid INTEGER PRIMARY KEY)") }
        }
        func begin(_ db: Database, mode: ProjectionMode) throws -> any ProjectionTransaction { Counting() }
        final class Counting: ProjectionTransaction, Sendable {
            func prepare(_ event: Event) throws -> (any Sendable)? { nil }
            func apply(_ event: Event, prepared: (any Sendable)?, rowid: Int64, arrived: Int64, in db: Database) throws {
                try db.execute(sql: "INSERT INTO counted(rowid) VALUES (?)", arguments: [rowid])
            }
        }
    }

    /// A projection that prepares a tracker for each event, which notes the thread it is freed on,
    /// and refuses the event at `refuseAt` (its 1-based rowid), if any.
    struct TrackingProjector: LedgerProjector {
        /// Which threads freed the trackers: the writer's (the thread that applied events) or another.
        final class Freed: @unchecked Sendable {
            private let lock = NSLock()
            private var writers = Set<UInt>()
            private var threads: [UInt] = []
            private var madeCount = 0
            func made() { lock.withLock { madeCount += 1 } }
            var madeSoFar: Int { lock.withLock { madeCount } }
            func applied() { _ = lock.withLock { writers.insert(UInt(bitPattern: Int(bitPattern: UInt(pthread_self())))) } }
            func note() { lock.withLock { threads.append(UInt(bitPattern: Int(bitPattern: UInt(pthread_self())))) } }
            var byThread: [String: Int] {
                lock.withLock { Dictionary(threads.map { (writers.contains($0) ? "writer" : "other", 1) }, uniquingKeysWith: +) }
            }
        }
        final class Tracker: Sendable {
            let freed: Freed
            init(_ freed: Freed) {
                self.freed = freed
                freed.made()
            }
            deinit { freed.note() }
        }
        let freed: Freed
        let refuseAt: Int64?
        var name: String { "tracking/1" }
        func registerMigrations(_ migrator: inout DatabaseMigrator) {}
        func begin(_ db: Database, mode: ProjectionMode) throws -> any ProjectionTransaction { Tracking(freed: freed, refuseAt: refuseAt) }
        final class Tracking: ProjectionTransaction, Sendable {
            let freed: Freed
            let refuseAt: Int64?
            init(freed: Freed, refuseAt: Int64?) { (self.freed, self.refuseAt) = (freed, refuseAt) }
            func prepare(_ event: Event) throws -> (any Sendable)? { Tracker(freed) }
            func apply(_ event: Event, prepared: (any Sendable)?, rowid: Int64, arrived: Int64, in db: Database) throws {
                freed.applied()
                if rowid == refuseAt { throw CocoaError(.fileReadUnknown) }
            }
        }
    }

    /// A long batch's events are freed on the producer's thread once inserted, not on the writer's;
    /// a long batch refused by the writer (the projection) or by the producer (validation) stores
    /// nothing, frees every event it prepared, and the next append goes on.
    @Test func aLongBatchIsFreedBesideTheWriterAndRefusedWhole() throws {
        let folder = try TemporaryFolder()
        let directory = LedgerDirectory(path: folder.path("ledger"))
        let identity = try LedgerIdentity(city: "springfield", office: "transport")
        _ = try directory.initialize(identity: identity, projector: TrackingProjector(freed: .init(), refuseAt: nil))
        let drafts = try (0..<3_000).map { try TestLedger.draft($0) }

        let freed = TrackingProjector.Freed()
        let opened = try directory.open(projector: TrackingProjector(freed: freed, refuseAt: nil))
        _ = try opened.store.append(drafts, signer: opened.signer)
        #expect(freed.byThread == ["other": 3_000])

        let refusing = TrackingProjector.Freed()
        let writerRefuses = try directory.open(projector: TrackingProjector(freed: refusing, refuseAt: 5_000))
        let refused = #expect(throws: StoreError.self) { try writerRefuses.store.append(drafts, signer: writerRefuses.signer) }
        #expect(refused?.refusedIndex == 1_999)
        #expect(refusing.madeSoFar >= 2_000)
        #expect(refusing.byThread.values.reduce(0, +) == refusing.madeSoFar, "every event prepared is freed")
        #expect(try writerRefuses.store.eventCount() == 3_000)

        let invalid = #expect(throws: StoreError.self) {
            try opened.store.append(drafts, signer: opened.signer, validate: { draft in
                if draft.body["district"]?.stringValue == "d2500" { throw CocoaError(.fileReadUnknown) }
            })
        }
        #expect(invalid?.refusedIndex == 2_500)
        #expect(try writerRefuses.store.eventCount() == 3_000)
        _ = try opened.store.append(drafts, signer: opened.signer)
        #expect(try opened.store.verify().eventCount == 6_000)
    }

    /// A ledger created with a projection is never written without it (its events would go unchecked
    /// and its rows missing), nor opened with another; it can still be read without it.
    @Test func aProjectedLedgerIsNotWrittenWithoutItsProjection() throws {
        let folder = try TemporaryFolder()
        let directory = LedgerDirectory(path: folder.path("ledger"))
        let opened = try directory.initialize(identity: LedgerIdentity(city: "springfield", office: "transport"), projector: CountingProjector())
        _ = try opened.store.append([try TestLedger.draft(0)], signer: opened.signer)
        let bare = try directory.open()
        let error = #expect(throws: StoreError.self) { try bare.store.append([try TestLedger.draft(1)], signer: bare.signer) }
        #expect(error?.description.contains("counting/1") == true, "\(error?.description ?? "")")
        #expect(try bare.store.eventCount() == 1)
        #expect(try bare.store.verify().eventCount == 1)
        let other = #expect(throws: StoreError.self) { try directory.open(projector: CountingProjector(name: "other/1")) }
        #expect(other?.description.contains("not other/1") == true, "\(other?.description ?? "")")
        let again = try directory.open(projector: CountingProjector())
        _ = try again.store.append([try TestLedger.draft(1)], signer: again.signer)
        #expect(try again.store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM counted") } == 2)
    }

    @Test func aForeignKeyCannotSign() throws {
        let ledger = try TestLedger()
        let other = try NoteSigner(name: "civic/springfield/transport")
        #expect(throws: StoreError.self) { try ledger.store.append([try TestLedger.draft(0)], signer: other) }
        #expect(try ledger.store.eventCount() == 0)
    }

    @Test func theDatabaseIsDurable() throws {
        let ledger = try TestLedger()
        let pool = try DatabasePool(path: ledger.directory.databasePath)
        let mode = try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        // The store's own connections run with synchronous=FULL (2).
        _ = try ledger.store.append([try TestLedger.draft(0)], signer: ledger.signer)
        #expect(try ledger.store.synchronousSetting() == 2)
    }

    /// A short command's store (one connection) works on the same file as a pool beside it, with
    /// the same durability, and each sees what the other wrote.
    @Test func aSingleConnectionWorksBesideAPool() throws {
        let ledger = try TestLedger()
        _ = try ledger.store.append((0..<3).map { try TestLedger.draft($0) }, signer: ledger.signer)
        let single = try ledger.directory.open(connections: .single)
        #expect(try single.store.synchronousSetting() == 2)
        #expect(try single.store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try single.store.eventCount() == 3)
        let summary = try single.store.append((3..<5).map { try TestLedger.draft($0) }, signer: single.signer)
        #expect(summary.firstSeq == 4 && summary.count == 2)
        #expect(try ledger.store.eventCount() == 5)
        _ = try ledger.store.append([try TestLedger.draft(5)], signer: ledger.signer)
        #expect(try single.store.verify().eventCount == 6)
        #expect(try ledger.store.verify().eventCount == 6)
    }

    /// A writer keeps 16 MB of pages and reads with `pread`; a process that reads the ledger once
    /// gives it SQLite's default 2 MB and maps the file (``LedgerStore/prepareForOneReading()``),
    /// and still reads and writes, what it wrote read back through the map.
    @Test(arguments: [LedgerStore.Connections.pool, .single]) func aStoreThatReadsOnceKeepsAFewPagesAndMapsTheFile(connections: LedgerStore.Connections) throws {
        let ledger = try TestLedger()
        _ = try ledger.store.append((0..<3).map { try TestLedger.draft($0) }, signer: ledger.signer)
        let opened = try ledger.directory.open(connections: connections)
        #expect(try opened.store.pageCacheSetting() == -16_384)
        #expect(try opened.store.memoryMapSetting() == 0)
        try opened.store.prepareForOneReading()
        #expect(try opened.store.pageCacheSetting() == -2_000)
        #expect(try opened.store.memoryMapSetting() >= 1 << 30, "SQLite maps at least a gigabyte of the file")
        _ = try opened.store.append((3..<5).map { try TestLedger.draft($0) }, signer: opened.signer)
        #expect(try opened.store.eventCount() == 5)
        #expect(try opened.store.verify().eventCount == 5)
        #expect(try ledger.store.pageCacheSetting() == -16_384, "another store's connections keep theirs")
        #expect(try ledger.store.memoryMapSetting() == 0)
    }

    /// A read through a memory map that fails (here a file cut short under its map, as another
    /// program could cut the ledger's) ends a process that prepared for one reading with one line
    /// on stderr and exit status 1 (``MappedFileFaults``), not a bare `SIGBUS`.
    @Test func aFailedReadOfAMappedFileEndsTheProcessWithOneLine() async throws {
        let result = await #expect(processExitsWith: .exitCode(1), observing: [\.standardErrorContent]) {
            let ledger = try TestLedger()
            try ledger.store.prepareForOneReading()
            let descriptor = open(ledger.folder + "/cut-short", O_RDWR | O_CREAT, 0o600)
            guard descriptor >= 0, ftruncate(descriptor, 8_192) == 0 else { return }
            guard let map = mmap(nil, 8_192, PROT_READ, MAP_SHARED, descriptor, 0), map != MAP_FAILED, ftruncate(descriptor, 0) == 0 else { return }
            print(map.load(fromByteOffset: 4_096, as: UInt8.self))
        }
        let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        let lines = text.split(separator: "\n").filter { $0.contains("error:") }
        #expect(lines.count == 1)
        #expect(lines.first?.hasSuffix(
            ": error: the ledger's database file could not be read through its memory map (a disk error, or the file was cut short while it was read)") == true)
    }

    /// The heap of a process that reads once is grown and advised to take 2 MB pages
    /// (``ReadingMemory``): the kernel shows the advice as the `hg` flag of the heap's mapping, and
    /// the memory is usable as before. (A test runs on a thread other than the main one, whose
    /// blocks come from an arena of its own: advised the same.)
    @Test func aReadingsHeapIsAdvisedToTakeHugePages() throws {
        #if os(Linux)
            try #require(
                FileManager.default.fileExists(atPath: "/sys/kernel/mm/transparent_hugepage/enabled"),
                "this kernel has no transparent huge pages")
            let span = try #require(ReadingMemory.prepare(hugePageBytes: 32 << 20))
            // At least two whole 2 MB pages: the blocks may land in more than one run (another
            // test's allocations between them, or a thread arena's heap filling up).
            #expect(span.count >= 4 << 20 && span.start % (2 << 20) == 0 && span.count % (2 << 20) == 0)
            let flags = try Self.mappingFlags(containing: span.start)
            #expect(flags?.contains("hg") == true, "the advised span's mapping has flags \(flags ?? [])")
            let block = try #require(malloc(4 << 20))
            memset(block, 7, 4 << 20)
            #expect(block.load(fromByteOffset: (4 << 20) - 1, as: UInt8.self) == 7)
            free(block)
        #endif
    }

    /// A thread of a process that reads once grows its own arena at once, advised as the heap
    /// is (``ReadingMemory/prepareThisThread(bytes:)``), where glibc would extend it by each
    /// allocation; the memory is usable as before.
    @Test func aReadingThreadsArenaIsGrownAtOnce() throws {
        #if os(Linux)
            try #require(
                FileManager.default.fileExists(atPath: "/sys/kernel/mm/transparent_hugepage/enabled"),
                "this kernel has no transparent huge pages")
            ReadingMemory.prepare(hugePageBytes: 16 << 20)
            let outcome = JoinableThread(name: "test-arena") { () -> (start: UInt, count: Int)? in
                guard let span = ReadingMemory.prepareThisThread(bytes: 16 << 20), let block = malloc(1 << 20) else { return nil }
                memset(block, 7, 1 << 20)
                free(block)
                return span
            }.join()
            let span = try #require(outcome ?? nil, "the thread's arena was not grown")
            #expect(span.count >= 4 << 20 && span.start % (2 << 20) == 0 && span.count % (2 << 20) == 0)
            // The mappings are the process's: read here, on the test's own task.
            let flags = try Self.mappingFlags(containing: span.start)
            #expect(flags?.contains("hg") == true, "the advised span's mapping has flags \(flags ?? [])")
        #endif
    }

    /// The 2 MB pages holding the headers of the blocks the heap is grown by were touched before
    /// the advice, as 4 KB pages; they are collapsed into 2 MB pages at once (MADV_COLLAPSE, Linux
    /// 6.1), so right after ``ReadingMemory/prepare(hugePageBytes:)``, before anything else is
    /// touched, the advised span already holds 2 MB pages. In a process of its own, whose heap no
    /// other test allocates from meanwhile.
    @Test(.enabled(if: Self.kernelCollapsesPages)) func theHeadersOfTheHeapsBlocksLieInHugePages() async {
        await #expect(processExitsWith: .success) {
            guard let span = ReadingMemory.prepare(hugePageBytes: 64 << 20) else { exit(2) }
            let smaps = FileHandle(forReadingAtPath: "/proc/self/smaps")?.readDataToEndOfFile() ?? Data()
            let fields = AppendTests.mappingFields(of: String(decoding: smaps, as: UTF8.self), containing: span.start)
            let kib = fields["AnonHugePages"].flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0
            exit(kib >= 2_048 ? 0 : 3)
        }
    }

    /// Whether this kernel collapses pages on request (MADV_COLLAPSE: Linux 6.1 and later, with
    /// transparent huge pages not turned off).
    static var kernelCollapsesPages: Bool {
        guard let setting = try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8),
            !setting.contains("[never]")
        else { return false }
        var names = utsname()
        uname(&names)
        let release = withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let numbers = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        return numbers.count == 2 && (numbers[0], numbers[1]) >= (6, 1)
    }

    /// The `VmFlags` of the mapping holding `address`, from /proc/self/smaps (read to its end: its
    /// size is given as 0, and Foundation's read of a file by its size stops short).
    private static func mappingFlags(containing address: UInt) throws -> [Substring]? {
        let smaps = try #require(FileHandle(forReadingAtPath: "/proc/self/smaps")).readDataToEndOfFile()
        return mappingFields(of: String(decoding: smaps, as: UTF8.self), containing: address)["VmFlags"]?.split(separator: " ")
    }

    /// The fields of the mapping holding `address` in `smaps` (the text of /proc/self/smaps), by
    /// name, their values trimmed: a mapping's "start-end perms …" line, then its "Name: value" lines.
    static func mappingFields(of smaps: String, containing address: UInt) -> [Substring: Substring] {
        var fields: [Substring: Substring] = [:]
        var inside = false
        for line in smaps.split(separator: "\n") {
            if let dash = line.firstIndex(of: "-"), let space = line.firstIndex(of: " "), dash < space,
                let low = UInt(line[..<dash], radix: 16), let high = UInt(line[line.index(after: dash)..<space], radix: 16)
            {
                inside = low <= address && address < high
            } else if inside, let colon = line.firstIndex(of: ":") {
                fields[line[..<colon]] = line[line.index(after: colon)...].drop(while: { $0 == " " })
            }
        }
        return fields
    }

    @Test func theKeyFileIsPrivate() throws {
        let ledger = try TestLedger()
        let attributes = try FileManager.default.attributesOfItem(atPath: ledger.directory.keyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(throws: StoreError.self) { try ledger.directory.initialize(identity: LedgerIdentity(city: "springfield", office: "transport")) }
        chmod(ledger.directory.keyPath, 0o644)
        #expect(throws: StoreError.self) { try ledger.directory.open() }
    }

    @Test func aMissingFolderIsNamed() {
        let error = #expect(throws: StoreError.self) { try LedgerDirectory(path: "/nonexistent/civic").open() }
        #expect(error?.description.contains("/nonexistent/civic") == true)
    }
}

@Suite("Reading events")
struct ReadTests {
    @Test func findsAnEventById() throws {
        let ledger = try TestLedger()
        let summary = try ledger.store.append((0..<5).map { try TestLedger.draft($0) }, signer: ledger.signer)
        let last = try #require(summary.lastEvent)
        let found = try #require(try ledger.store.event(id: last.leafHash))
        #expect(found.seq == 5 && found.canonical == last.canonical)
        #expect(try ledger.store.event(id: Hash.leaf([9])) == nil)
        #expect(try ledger.store.event(office: "transport", seq: 2)?.seq == 2)
        #expect(try ledger.store.leafHashes(office: "transport", size: 5).last == last.leafHash)
        #expect(throws: StoreError.self) { try ledger.store.leafHashes(office: "transport", size: 6) }
    }
}
