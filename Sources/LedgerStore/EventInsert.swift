import GRDB
import GRDBSQLite
import LedgerCore

/// The prepared `INSERT INTO events` of one write transaction, bound through the SQLite C API so
/// the bytes are handed to SQLite without intermediate copies.
struct EventInsert {
    private let statement: Statement
    private let connection: OpaquePointer?

    init(_ db: Database) throws {
        statement = try db.cachedStatement(
            sql: """
                INSERT INTO events(office, seq, id, hlc_wall, hlc_logical, type, effective, arrived_ms, canonical, id_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        connection = db.sqliteConnection
    }

    /// Inserts one event; `arrived` is this node's arrival time in Unix ms. Returns its rowid.
    @discardableResult
    func insert(_ event: Event, arrived: Int64) throws -> Int64 {
        let handle = statement.sqliteStatement
        let envelope = event.envelope
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        sqlite3_bind_text(handle, 1, envelope.office, -1, transient)
        sqlite3_bind_int64(handle, 2, Int64(envelope.seq))
        sqlite3_bind_int64(handle, 4, envelope.hlc.wall)
        sqlite3_bind_int64(handle, 5, envelope.hlc.logical)
        sqlite3_bind_text(handle, 6, envelope.type, -1, transient)
        sqlite3_bind_text(handle, 7, envelope.effective.description, -1, transient)
        sqlite3_bind_int64(handle, 8, arrived)
        sqlite3_bind_int64(handle, 10, LedgerStore.idKey(event.leafHash))
        let code = event.leafHash.bytes.withUnsafeBytes { id in
            event.canonical.withUnsafeBytes { canonical in
                sqlite3_bind_blob(handle, 3, id.baseAddress, Int32(id.count), nil)
                sqlite3_bind_blob(handle, 9, canonical.baseAddress, Int32(canonical.count), nil)
                defer { sqlite3_reset(handle) }
                return sqlite3_step(handle)
            }
        }
        guard code == SQLITE_DONE else {
            throw StoreError(.database("inserting \(envelope.office)#\(envelope.seq): \(String(cString: sqlite3_errmsg(connection)))"))
        }
        return sqlite3_last_insert_rowid(connection)
    }

    /// Inserts one event and feeds it to the projection; a refusal by the projection becomes `refuse(reason)`.
    @discardableResult
    func insert(
        _ event: Event, arrived: Int64, projection: (any ProjectionTransaction)?, prepared: (any Sendable)?, in db: Database,
        refuse: (String) -> StoreError
    ) throws -> Int64 {
        let rowid = try insert(event, arrived: arrived)
        guard let projection else { return rowid }
        do {
            try projection.apply(event, prepared: prepared, rowid: rowid, arrived: arrived, in: db)
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw refuse("\(error)")
        }
        return rowid
    }
}
