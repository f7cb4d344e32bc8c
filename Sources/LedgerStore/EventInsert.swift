import GRDB
import LedgerCore

/// The `INSERT INTO events` of one write transaction (recorded or received events, many to a
/// statement), bound through the SQLite C API so the bytes are handed to SQLite without
/// intermediate copies.
/// Nothing is written for an event's id: ``EventIDs`` settles the ids of the events after its mark
/// when they are many, with those of the events stored before it in the table (read from the
/// events) and those this insert stored (kept in memory, in the order stored), every
/// ``EventIDs/settleWithin`` events within a transaction and when one begins with
/// ``EventIDs/settleAfter`` after the mark.
///
/// A range being received (``init(_:receiving:after:)``) settles its ids at ``finish()``: nothing
/// looks an event up by id while a range is stored. Recording leaves them after the mark, and hands
/// them to the next append (``unsettled``, kept in ``WriteMemo``), so the settling that takes them
/// does not read them back from the event table.
final class EventInsert {
    private let db: Database
    /// The last event the settled ids hold.
    private(set) var settledThrough: Int64
    /// The last event stored: before the transaction, then the last one inserted.
    private(set) var lastRowid: Int64
    /// The ids of the last events stored, not yet in the settled table, in the order stored, through
    /// ``lastRowid`` (those before them, after the mark, are read from the events when settled).
    private(set) var unsettled: [EventIDs.Entry]
    private let receiving: Bool
    /// Each office's next seq and last run (``EventRuns``), kept as events are stored.
    private var runs: EventRuns.Writer

    /// - Parameters:
    ///   - receiving: a range is being received (its ids wait in memory: call ``finish()``).
    ///   - after: the last event stored and the id mark, when the caller knows them (``WriteMemo``).
    ///   - unsettled: ids stored after the mark that the caller holds: the last ones, in the order
    ///     stored, through `after.last` (others are left out and read from the events when settled).
    ///   - runs: an office's run tail as the last transaction left it, when the caller knows it
    ///     (``WriteMemo``; ``runTail(of:)`` gives it).
    init(
        _ db: Database, receiving: Bool = false, after known: (last: Int64, settled: Int64)? = nil,
        unsettled: consuming [EventIDs.Entry] = [], runs knownRuns: (office: String, tail: EventRuns.Tail)? = nil
    ) throws {
        (self.db, self.receiving) = (db, receiving)
        runs = try EventRuns.Writer(known: knownRuns, in: db)
        settledThrough = try known?.settled ?? EventIDs.mark(db)
        lastRowid = try known?.last ?? Int64.fetchOne(db.cachedStatement(sql: "SELECT max(rowid) FROM events")) ?? 0
        self.unsettled = known != nil && unsettled.last?.rowid == lastRowid ? unsettled : []
        // Settled when a transaction begins, so that one settling serves every event stored since.
        if lastRowid - settledThrough >= EventIDs.settleAfter { try settle(through: lastRowid) }
    }

    /// `office`'s run tail after this transaction's events, if it stored any of them.
    func runTail(of office: String) -> EventRuns.Tail? { runs.tail(of: office) }

    private func settle(through rowid: Int64) throws {
        try EventIDs.settle(db, after: settledThrough, through: rowid, adding: &unsettled)
        settledThrough = rowid
    }

    /// Puts the ids of the range received in the settled table (in the caller's transaction, before
    /// anything reads an event by id).
    func finish() throws {
        guard receiving, let last = unsettled.last?.rowid else { return }
        do {
            try settle(through: last)
        } catch let error as DatabaseError {
            throw StoreError(.database("settling the ids of a range: \(error.message ?? error.description)", code: error.resultCode.primaryResultCode.rawValue))
        }
    }

    /// Events inserted by one statement (``insert(_:arrived:projection:in:refuse:)``).
    static let eventsPerInsert = 32

    /// `INSERT OR ROLLBACK INTO events … VALUES (…), (…), …` of 1 to ``eventsPerInsert`` rows,
    /// rowids given. A conflict (an (office, seq) held) ends the whole transaction, as any error
    /// here does, so SQLite keeps no statement journal: a statement of many rows that could stop
    /// half-way otherwise copies every page it changes, to undo itself alone.
    private static let groupInserts: [String] = (1...eventsPerInsert).map { rows in
        "INSERT OR ROLLBACK INTO events(rowid, office, seq, id, hlc_wall, hlc_logical, type, effective, arrived_ms, canonical, id_key) VALUES "
            + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    /// The ids and canonical bytes of a group, end to end, bound in place.
    private var groupBytes: [UInt8] = []

    /// Inserts recorded or received events, ``eventsPerInsert`` to a statement, then feeds each of
    /// a statement's events to the projection in order; a refusal by the projection of the event
    /// at index `i` of `chunk` becomes `refuse(i, reason)`.
    ///
    /// A statement per event cost each its own execution (opening the table and its index, a
    /// descent of each to its end, halting and resetting): one of many keeps its cursors at the
    /// ends. The rowids are given, the next ones after the last stored (as SQLite would choose
    /// them: nothing else writes in the transaction). The projection sees an event after the rest of
    /// its statement's events are stored: none of them can be one it reads (an event names another
    /// only by its id, which hashes the events before it).
    func insert<Chunk: RandomAccessCollection<Item>, Item: InsertedEvent>(
        _ chunk: Chunk, arrived: Int64, projection: (any ProjectionTransaction)?, in db: Database, refuse: (Chunk.Index, String) -> StoreError
    ) throws {
        // The events are read in place, field by field: a copy of an event retains each of its
        // texts, bytes and body, and the writer made several of each event it stored.
        func inserting(_ items: UnsafeBufferPointer<Item>) throws {
            try insert(items, arrived: arrived, projection: projection) { offset, reason in
                refuse(chunk.index(chunk.startIndex, offsetBy: offset), reason)
            }
        }
        if try chunk.withContiguousStorageIfAvailable(inserting) == nil { try ContiguousArray(chunk).withUnsafeBufferPointer(inserting) }
    }

    private func insert<Item: InsertedEvent>(
        _ items: UnsafeBufferPointer<Item>, arrived: Int64, projection: (any ProjectionTransaction)?, refuse: (Int, String) -> StoreError
    ) throws {
        var start = 0
        while start < items.count {
            // A group ends where the ids are settled within the transaction, as one event at a time would.
            let untilSettling = Int(settledThrough + EventIDs.settleWithin - lastRowid)
            let end = start + min(Self.eventsPerInsert, items.count - start, max(1, untilSettling))
            let first = lastRowid + 1
            try insertGroup(UnsafeBufferPointer(rebasing: items[start..<end]), first: first, arrived: arrived)
            guard let projection else {
                start = end
                continue
            }
            var rowid = first
            for index in start..<end {
                do {
                    try projection.apply(items[index].event, prepared: items[index].prepared, rowid: rowid, arrived: arrived, in: db)
                } catch let error as DatabaseError {
                    throw error
                } catch {
                    throw refuse(index, "\(error)")
                }
                rowid += 1
            }
            start = end
        }
    }

    /// Inserts events with the rowids from `first` on, by one statement, and notes their ids.
    private func insertGroup<Item: InsertedEvent>(_ group: UnsafeBufferPointer<Item>, first: Int64, arrived: Int64) throws {
        let statement = try FastStatement(db, sql: Self.groupInserts[group.count - 1])
        for offset in group.indices {
            try runs.stored(
                office: group[offset].event.envelope.office, seq: Int64(group[offset].event.envelope.seq), rowid: first + Int64(offset), in: db)
        }
        groupBytes.removeAll(keepingCapacity: true)
        for offset in group.indices {
            groupBytes += group[offset].event.leafHash.bytes
            groupBytes += group[offset].event.canonical
        }
        do {
            try groupBytes.withUnsafeBytes { bytes in
                var at = 0
                for offset in group.indices {
                    let base = Int32(offset * 11)
                    let (idCount, canonicalCount) = (group[offset].event.leafHash.bytes.count, group[offset].event.canonical.count)
                    statement.bind(base + 1, first + Int64(offset))
                    statement.bind(base + 2, group[offset].event.envelope.office)
                    statement.bind(base + 3, Int64(group[offset].event.envelope.seq))
                    statement.bind(base + 4, blob: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + idCount)]))
                    at += idCount
                    statement.bind(base + 5, group[offset].event.envelope.hlc.wall)
                    statement.bind(base + 6, group[offset].event.envelope.hlc.logical)
                    statement.bind(base + 7, group[offset].event.envelope.type)
                    statement.bind(base + 8, group[offset].event.envelope.effective.description)
                    statement.bind(base + 9, arrived)
                    statement.bind(base + 10, blob: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + canonicalCount)]))
                    at += canonicalCount
                    statement.bind(base + 11, LedgerStore.idKey(group[offset].event.leafHash))
                }
                try statement.run()
            }
        } catch let error as DatabaseError {
            let (from, to) = (group.first?.event.envelope, group.last?.event.envelope)
            throw StoreError(
                .database(
                    "inserting \(from?.office ?? "")#\(from?.seq ?? 0)…\(to?.seq ?? 0): \(error.message ?? error.description)",
                    code: error.resultCode.primaryResultCode.rawValue))
        }
        for offset in group.indices { unsettled.append(EventIDs.Entry(id: group[offset].event.leafHash, rowid: first + Int64(offset))) }
        lastRowid = first + Int64(group.count) - 1
        if lastRowid - settledThrough >= EventIDs.settleWithin { try settle(through: lastRowid) }
    }
}

/// An event to insert, and what the projection prepared for it off the writer's thread.
protocol InsertedEvent {
    var event: Event { get }
    var prepared: (any Sendable)? { get }
}

extension AppendPipeline.Prepared: InsertedEvent {
    var prepared: (any Sendable)? { projection }
}

extension ReceivePipeline.Item: InsertedEvent {}
