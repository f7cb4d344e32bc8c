import GRDB
import GRDBSQLite

/// A cached statement of the write path, bound and stepped through the SQLite C API: the bulk
/// inserts of a range (events and projection rows) skip GRDB's argument arrays and hooks.
///
/// The statement is GRDB's cached one, so it goes back to GRDB's cache after each row: ``run()``
/// resets it and clears its bindings (none is left pointing into the arena), and a binding that
/// SQLite refused makes ``run()`` throw without stepping.
///
/// ```swift
/// let insert = try FastStatement(db, sql: "INSERT INTO t(a, b) VALUES (?, ?)")
/// insert.bind(1, 42)
/// insert.bind(2, "text")
/// try insert.run()
/// ```
package struct FastStatement {
    private let statement: Statement
    private let connection: OpaquePointer?
    private let arena = BindingArena()
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    package init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        connection = db.sqliteConnection
    }

    private var handle: SQLiteStatement { statement.sqliteStatement }

    package func bind(_ index: Int32, _ value: Int64) { arena.check(sqlite3_bind_int64(handle, index, value), index) }

    /// Binds a text, or NULL for nil. The bytes are copied into the statement's arena, which SQLite
    /// reads in place until ``run()``, instead of into an allocation of its own per value.
    package func bind(_ index: Int32, _ text: String?) {
        guard var text else {
            arena.check(sqlite3_bind_null(handle, index), index)
            return
        }
        let placed = text.withUTF8 { utf8 in
            guard let start = arena.place(utf8) else { return false }
            arena.check(sqlite3_bind_text(handle, index, start, Int32(utf8.count), nil), index)
            return true
        }
        if !placed { arena.check(sqlite3_bind_text(handle, index, text, -1, Self.transient), index) }
    }

    /// Steps the statement once (it must not return rows), resets it and clears its bindings.
    ///
    /// - Throws: `DatabaseError` when a binding was refused (nothing is stepped) or the step fails.
    package func run() throws {
        _ = try step(readingRow: false)
    }

    /// Steps a statement that returns at most one row, as ``run()`` does: the row's first column as
    /// an integer, or nil when there is no row.
    package func int64() throws -> Int64? {
        try step(readingRow: true)
    }

    private func step(readingRow: Bool) throws -> Int64? {
        defer {
            sqlite3_clear_bindings(handle)
            arena.clear()
        }
        if let (code, index) = arena.refused {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: "binding parameter \(index) failed: \(String(cString: sqlite3_errstr(code)))")
        }
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        if readingRow, code == SQLITE_ROW { return sqlite3_column_int64(handle, 0) }
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)))
        }
        return nil
    }

    /// Binds a blob without copying it: the bytes must stay as they are until ``run()`` returns.
    /// No bytes bind an empty blob (SQLite would take a blob without an address for NULL).
    package func bind(_ index: Int32, blob: UnsafeRawBufferPointer) {
        guard let address = blob.baseAddress, !blob.isEmpty else {
            arena.check(sqlite3_bind_zeroblob(handle, index, 0), index)
            return
        }
        arena.check(sqlite3_bind_blob(handle, index, address, Int32(blob.count), nil), index)
    }

    /// Binds a blob without copying it (it is only valid during the call), then runs the statement.
    package func run(blob: [UInt8], at index: Int32) throws {
        try blob.withUnsafeBytes { bytes in
            bind(index, blob: bytes)
            try run()
        }
    }

    /// Binds two blobs without copying them (they are only valid during the call), then runs the statement.
    package func run(blob first: [UInt8], at firstIndex: Int32, blob second: [UInt8], at secondIndex: Int32) throws {
        try first.withUnsafeBytes { firstBytes in
            try second.withUnsafeBytes { secondBytes in
                bind(firstIndex, blob: firstBytes)
                bind(secondIndex, blob: secondBytes)
                try run()
            }
        }
    }
}

/// Room for the texts bound to one row; SQLite reads them in place (`SQLITE_STATIC`) until the
/// statement has run, then the room is reused. Also the first binding SQLite refused, if any.
private final class BindingArena {
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

    /// The first refused binding of the row: its result code and parameter index.
    private(set) var refused: (Int32, Int32)?

    func check(_ code: Int32, _ index: Int32) {
        if code != SQLITE_OK, refused == nil { refused = (code, index) }
    }

    func clear() {
        used = 0
        refused = nil
    }
}
