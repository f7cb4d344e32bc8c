import Foundation
import GRDB
import LedgerCore

/// An event as stored: its exact canonical bytes and the indexed columns beside them.
public struct StoredEvent: Sendable {
    public let office: String
    public let seq: UInt64
    public let id: Hash
    public let hlc: HLCTimestamp
    public let type: String
    public let effective: String
    /// When this node stored the event (Unix ms): the arrival log.
    public let arrivedMilliseconds: Int64
    public let canonical: [UInt8]

    init(row: Row) {
        office = row["office"]
        seq = UInt64(row["seq"] as Int64)
        id = Hash(bytes: Array(row["id"] as Data))
        hlc = HLCTimestamp(wall: row["hlc_wall"], logical: row["hlc_logical"])
        type = row["type"]
        effective = row["effective"]
        arrivedMilliseconds = row["arrived_ms"]
        canonical = Array(row["canonical"] as Data)
    }
}

extension LedgerStore {
    /// The head of every office held here, by office.
    public func heads() throws -> [String: OfficeHead] {
        try Self.wrapDatabaseErrors {
            try pool.read { db in
                var heads: [String: OfficeHead] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT * FROM office_heads") {
                    let head = try OfficeHead(row: row)
                    heads[head.office] = head
                }
                return heads
            }
        }
    }

    /// The head of one office, or nil when nothing of it is held.
    public func head(office: String) throws -> OfficeHead? {
        try Self.wrapDatabaseErrors {
            try pool.read { db in try OfficeHead.fetch(db, office: office) }
        }
    }

    /// ``head(office:)`` for async callers.
    public func headAsync(office: String) async throws -> OfficeHead? {
        try await readAsync { db in try OfficeHead.fetch(db, office: office) }
    }

    /// Visits events in (office, seq) order, or only one office's, streaming from one read transaction.
    ///
    /// - Parameters:
    ///   - office: only this office's events when given.
    ///   - recordedBy: only events whose HLC wall time is at or before this (Unix ms).
    ///   - arrivedBy: only events this node stored at or before this (Unix ms).
    ///   - effectiveBy: only events effective on or before this date (`YYYY-MM-DD`).
    ///   - body: called for each event; return false to stop.
    public func forEachEvent(
        office: String? = nil, recordedBy: Int64? = nil, arrivedBy: Int64? = nil, effectiveBy: String? = nil,
        _ body: (StoredEvent) throws -> Bool
    ) throws {
        let (conditions, bounds) = TimeBounds(recordedBy: recordedBy, arrivedBy: arrivedBy, effectiveBy: effectiveBy).sql(prefix: "e.")
        let (sql, arguments): (String, StatementArguments) =
            if let office {
                ("SELECT e.* FROM \(EventRuns.from()) AND \(conditions) ORDER BY r.first_seq, e.rowid", [office, 0, Int64.max] + bounds)
            } else {
                ("SELECT e.* FROM \(EventRuns.everyOffice) AND \(conditions) ORDER BY \(EventRuns.everyOfficeOrder)", bounds)
            }
        try Self.wrapDatabaseErrors {
            try pool.read { db in
                let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                while let row = try rows.next() {
                    guard try body(StoredEvent(row: row)) else { return }
                }
            }
        }
    }

    /// One office's event at `seq`, or nil.
    public func event(office: String, seq: UInt64) throws -> StoredEvent? {
        try Self.wrapDatabaseErrors {
            try pool.read { db in
                try Row.fetchOne(db.cachedStatement(sql: EventRuns.select("e.*")), arguments: [office, Int64(seq) - 1, Int64(seq)])
                    .map(StoredEvent.init(row:))
            }
        }
    }

    private static let eventByID = "SELECT * FROM events WHERE rowid IN (\(EventIDs.rowids(withKey: ":key", id: ":id"))) AND id = :id"

    /// The event with this id, or nil.
    public func event(id: Hash) throws -> StoredEvent? {
        try Self.wrapDatabaseErrors {
            try pool.read { db in
                // A cached statement: preparing this one took two thirds of a lookup.
                try Row.fetchOne(db.cachedStatement(sql: Self.eventByID), arguments: ["key": Self.idKey(id), "id": Data(id.bytes)])
                    .map(StoredEvent.init(row:))
            }
        }
    }

    /// The leaf hashes of the first `size` events of an office, in seq order.
    ///
    /// - Throws: ``StoreError`` when fewer than `size` events are held.
    public func leafHashes(office: String, size: UInt64) throws -> [Hash] {
        try Self.wrapDatabaseErrors {
            try pool.read { db in try Self.leafHashes(db, office: office, size: size) }
        }
    }

    /// The Merkle root of the first `size` events of `office`, from the stored subtrees (O(log n)
    /// reads); nil when fewer are held.
    static func root(_ db: Database, office: String, size: UInt64) throws -> Hash? {
        guard size >= 1, let head = try OfficeHead.fetch(db, office: office), size <= head.size else { return nil }
        if size == head.size { return head.root }
        return try withTree(db, office: office, size: size) { tree throws(StoredTreeError<any Error>) in try tree.root() }
    }

    /// Number of events held, over all offices.
    public func eventCount() throws -> Int {
        try Self.wrapDatabaseErrors {
            try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0 }
        }
    }
}
