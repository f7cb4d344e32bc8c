import GRDB
import LedgerCore

/// The prepared `INSERT INTO events` of one write transaction, bound through the SQLite C API so
/// the bytes are handed to SQLite without intermediate copies.
/// Nothing is written for an event's id: ``EventIDs`` settles the ids of the events after its mark
/// when they are many, reading them from the events.
///
/// A range being received (``init(_:receiving:)``) keeps its ids in memory instead and puts them in
/// the settled table in key order, with those of the events stored before it, every
/// ``EventIDs/settleWithin`` events and at ``finish()``: nothing looks an event up by id while a
/// range is stored, and the range's own ids need not be read back.
final class EventInsert {
    private let statement: FastStatement
    private let db: Database
    /// The last event the settled ids hold.
    private(set) var settledThrough: Int64
    /// The last event stored: before the transaction, then the last one inserted.
    private(set) var lastRowid: Int64
    /// The ids of a range being received, not yet in the settled table, in the order stored (empty
    /// when recording: the ids are read from the events when they are settled).
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
        settledThrough = try known?.settled ?? EventIDs.mark(db)
        lastRowid = try known?.last ?? Int64.fetchOne(db.cachedStatement(sql: "SELECT max(rowid) FROM events")) ?? 0
        // Settled when a transaction begins, so that one settling serves every event stored since.
        if lastRowid - settledThrough >= EventIDs.settleAfter { try settle(through: lastRowid) }
    }

    private func settle(through rowid: Int64) throws {
        try EventIDs.settle(db, after: settledThrough, through: rowid, adding: &pending)
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
            if receiving { pending.append((idKey, rowid)) }
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
