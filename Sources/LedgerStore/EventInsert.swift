import GRDB
import LedgerCore

/// The prepared `INSERT INTO events` of one write transaction, bound through the SQLite C API so
/// the bytes are handed to SQLite without intermediate copies.
struct EventInsert {
    private let statement: FastStatement

    init(_ db: Database) throws {
        statement = try FastStatement(
            db,
            sql: """
                INSERT INTO events(office, seq, id, hlc_wall, hlc_logical, type, effective, arrived_ms, canonical, id_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
    }

    /// Inserts one event; `arrived` is this node's arrival time in Unix ms. Returns its rowid.
    @discardableResult
    func insert(_ event: Event, arrived: Int64) throws -> Int64 {
        let envelope = event.envelope
        statement.bind(1, envelope.office)
        statement.bind(2, Int64(envelope.seq))
        statement.bind(4, envelope.hlc.wall)
        statement.bind(5, envelope.hlc.logical)
        statement.bind(6, envelope.type)
        statement.bind(7, envelope.effective.description)
        statement.bind(8, arrived)
        statement.bind(10, LedgerStore.idKey(event.leafHash))
        do {
            try statement.run(blob: event.leafHash.bytes, at: 3, blob: event.canonical, at: 9)
        } catch let error as DatabaseError {
            throw StoreError(.database("inserting \(envelope.office)#\(envelope.seq): \(error.message ?? error.description)", code: error.resultCode.primaryResultCode.rawValue))
        }
        return statement.lastInsertedRowID
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
