import GRDB
import GRDBSQLite

/// A cached statement of the write path, bound and stepped through the SQLite C API: the bulk
/// inserts of a range (events and projection rows) skip GRDB's argument arrays and hooks.
///
/// ```swift
/// let insert = try FastStatement(db, sql: "INSERT INTO t(a, b) VALUES (?, ?)")
/// insert.bind(1, 42)
/// insert.bind(2, "text")
/// try insert.run()
/// ```
public struct FastStatement {
    private let statement: Statement
    private let connection: OpaquePointer?
    private let arena = TextArena()
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    public init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        connection = db.sqliteConnection
    }

    private var handle: SQLiteStatement { statement.sqliteStatement }

    public func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }

    /// Binds a text, or NULL for nil. The bytes are copied into the statement's arena, which SQLite
    /// reads in place until ``run()``, instead of into an allocation of its own per value.
    public func bind(_ index: Int32, _ text: String?) {
        guard var text else {
            sqlite3_bind_null(handle, index)
            return
        }
        let placed = text.withUTF8 { utf8 in
            guard let start = arena.place(utf8) else { return false }
            sqlite3_bind_text(handle, index, start, Int32(utf8.count), nil)
            return true
        }
        if !placed { sqlite3_bind_text(handle, index, text, -1, Self.transient) }
    }

    /// Steps the statement once (it must not return rows) and resets it.
    public func run() throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        arena.clear()
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)))
        }
    }

    /// Binds two blobs without copying them (they are only valid during the call), then runs the statement.
    public func run(blob first: [UInt8], at firstIndex: Int32, blob second: [UInt8], at secondIndex: Int32) throws {
        try first.withUnsafeBytes { firstBytes in
            try second.withUnsafeBytes { secondBytes in
                sqlite3_bind_blob(handle, firstIndex, firstBytes.baseAddress, Int32(firstBytes.count), nil)
                sqlite3_bind_blob(handle, secondIndex, secondBytes.baseAddress, Int32(secondBytes.count), nil)
                try run()
            }
        }
    }

    /// The rowid of the connection's last insert.
    public var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(connection) }
}

/// Room for the texts bound to one row; SQLite reads them in place (`SQLITE_STATIC`) until the
/// statement has run, then the room is reused.
private final class TextArena {
    private static let capacity = 4096
    private let base = UnsafeMutablePointer<CChar>.allocate(capacity: capacity)
    private var used = 0

    deinit { base.deallocate() }

    /// A copy of `bytes` in the arena, or nil when it is full.
    func place(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafePointer<CChar>? {
        guard bytes.count <= Self.capacity - used else { return nil }
        let start = base + used
        if let source = bytes.baseAddress {
            UnsafeMutableRawPointer(start).copyMemory(from: source, byteCount: bytes.count)
        }
        used += bytes.count
        return UnsafePointer(start)
    }

    func clear() { used = 0 }
}
