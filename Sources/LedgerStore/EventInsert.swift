import GRDB
import LedgerCore

/// The prepared `INSERT INTO events` of one write transaction, bound through the SQLite C API so
/// the bytes are handed to SQLite without intermediate copies.
/// Each event's id goes to ``EventIDs``; the recent ids are settled when they are many.
///
/// A range being received (``init(_:receiving:)``) keeps its ids in memory instead and puts them in
/// the settled table in key order, with the recent ids, every ``EventIDs/settleWithin`` events and
/// at ``finish()``: nothing looks an event up by id while a range is stored, and an id written to
/// the recent table would be read and deleted again to settle it.
final class EventInsert {
    private let statement: FastStatement
    private let recentID: FastStatement
    private let db: Database
    /// The last event the settled ids hold.
    private(set) var settledThrough: Int64
    /// The last event stored: before the transaction, then the last one inserted.
    private(set) var lastRowid: Int64
    /// The ids of a range being received, not yet in a table (empty when recording: each id goes
    /// to the recent table at once).
    private var pending: [(key: Int64, rowid: Int64)] = []
    private let receiving: Bool

    /// - Parameters:
    ///   - receiving: a range is being received (its ids wait in memory: call ``finish()``).
    ///   - after: the last event stored and the id mark, when the caller knows them (``WriteMemo``).
    init(_ db: Database, receiving: Bool = false, after known: (last: Int64, settled: Int64)? = nil) throws {
        (self.db, self.receiving) = (db, receiving)
        statement = try FastStatement(
            db,
            sql: """
                INSERT INTO events(office, seq, id, hlc_wall, hlc_logical, type, effective, arrived_ms, canonical, id_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        recentID = try FastStatement(db, sql: "INSERT INTO event_ids_recent(id_key, event_rowid) VALUES (?, ?)")
        settledThrough = try known?.settled ?? EventIDs.mark(db)
        lastRowid = try known?.last ?? Int64.fetchOne(db.cachedStatement(sql: "SELECT max(rowid) FROM events")) ?? 0
        // Settled when a transaction begins, so that one settling serves every event stored since.
        if lastRowid - settledThrough >= EventIDs.settleAfter { try settle(through: lastRowid) }
    }

    private func settle(through rowid: Int64) throws {
        try EventIDs.settle(db, through: rowid, adding: &pending)
        settledThrough = rowid
    }

    /// Puts the ids of the range received in the settled table (in the caller's transaction, before
    /// anything reads an event by id); nothing when recording.
    func finish() throws {
        guard let last = pending.last?.rowid else { return }
        do {
            try settle(through: last)
        } catch let error as DatabaseError {
            throw StoreError(.database("settling the ids of a range: \(error.message ?? error.description)", code: error.resultCode.primaryResultCode.rawValue))
        }
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
        let idKey = LedgerStore.idKey(event.leafHash)
        statement.bind(10, idKey)
        let rowid: Int64
        do {
            try statement.run(blob: event.leafHash.bytes, at: 3, blob: event.canonical, at: 9)
            rowid = statement.lastInsertedRowID
            lastRowid = rowid
            if receiving {
                pending.append((idKey, rowid))
            } else {
                recentID.bind(1, idKey)
                recentID.bind(2, rowid)
                try recentID.run()
            }
            // Within a large transaction (a long range received), once in a while.
            if rowid - settledThrough >= EventIDs.settleWithin { try settle(through: rowid) }
        } catch let error as DatabaseError {
            throw StoreError(.database("inserting \(envelope.office)#\(envelope.seq): \(error.message ?? error.description)", code: error.resultCode.primaryResultCode.rawValue))
        }
        return rowid
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
