import Foundation
import GRDB
import LedgerCore

/// What one received range changed.
public struct ReceiveSummary: Sendable {
    public let office: String
    /// Events newly stored.
    public let stored: Int
    /// Events already held with the same id (sent again), skipped.
    public let alreadyHeld: Int
    public let size: UInt64
    /// Stored events whose clock ran ahead of this node's by more than ``LedgerStore/clockSkewBound``.
    public let aheadOfClock: Int
    /// Stored events recorded further behind this node's clock than ``LedgerStore/lateArrivalBound``.
    public var arrivedLate: Int = 0
    /// Events held in quarantine: their office is not trusted here yet (see ``LedgerStore/quarantined()``).
    public let quarantined: Int

    public init(office: String, stored: Int, alreadyHeld: Int, size: UInt64, aheadOfClock: Int = 0, quarantined: Int = 0) {
        self.office = office
        self.stored = stored
        self.alreadyHeld = alreadyHeld
        self.size = size
        self.aheadOfClock = aheadOfClock
        self.quarantined = quarantined
    }
}

extension LedgerStore {
    /// Stores a range of another office's events, received from a peer or a file.
    ///
    /// Everything is checked before anything is kept: each event's canonical form, that the range
    /// is one office's consecutive events continuing the office's log held here (seq and `prev`),
    /// and that the resulting Merkle root is the one in `checkpoint`, signed by the office's
    /// trusted key. Events already held are skipped when identical; a different event at a held seq
    /// is a fork and refuses the range. The events, their projections and the new head commit in
    /// one transaction. This is the in-memory form of
    /// ``receive(office:after:count:checkpoint:now:events:)``, which takes the events as a stream.
    ///
    /// ```swift
    /// let summary = try hall.receive(events: policeEvents, checkpoint: policeNote)
    /// ```
    /// - Parameters:
    ///   - events: the office's events in seq order (they may start at or before the held size).
    ///   - checkpoint: the office's signed checkpoint at the size the range ends at.
    ///   - now: this node's clock, for the arrival log.
    /// - Returns: what the range changed.
    /// - Throws: ``StoreError`` naming the first refused event.
    @discardableResult
    public func receive(events: [Event], checkpoint note: String, now: () -> Int64 = LedgerStore.systemMilliseconds) throws
        -> ReceiveSummary
    {
        guard let first = events.first else { throw StoreError.refused(index: 0, "no events to receive") }
        if try needsQuarantine(first.envelope.office) {
            return try quarantine(office: first.envelope.office, after: first.envelope.seq - 1, checkpoint: note, events: events, now: now())
        }
        let summary = try store(events: events, checkpoint: note, now: now)
        try releaseQuarantine(now: now)
        return summary
    }

    /// Verifies and stores a range held in memory, in one transaction.
    func store(events: [Event], checkpoint note: String, now: () -> Int64) throws -> ReceiveSummary {
        guard let first = events.first else { throw StoreError.refused(index: 0, "no events to receive") }
        let range = IncomingRange(
            office: first.envelope.office, after: first.envelope.seq - 1, count: UInt64(events.count), checkpoint: note)
        var position = 0
        let next: () throws -> [Event]? = {
            guard position < events.count else { return nil }
            let end = min(events.count, position + ReceivePipeline.chunkSize)
            defer { position = end }
            return Array(events[position..<end])
        }
        do {
            return try Self.wrapDatabaseErrors {
                try pool.write { db in try storeRange(db, range, next: next, stop: {}, now: now) }
            }
        } catch let fork as ForkEvidence {
            try Self.wrapDatabaseErrors {
                try pool.write { db in try fork.record(db, detected: now()) }
            }
            throw fork.refusal
        }
    }

    /// Fork evidence held here, oldest first.
    public func forks() throws -> [ForkRecord] {
        try Self.wrapDatabaseErrors {
            try pool.read { db in try Self.forks(db) }
        }
    }

    /// ``forks()`` in a read the caller holds.
    public static func forks(_ db: Database) throws -> [ForkRecord] {
        try Row.fetchAll(db, sql: "SELECT office, seq, reason, detected_ms FROM forks ORDER BY rowid").map {
            ForkRecord(office: $0["office"], seq: UInt64($0["seq"] as Int64), reason: $0["reason"], detected: $0["detected_ms"])
        }
    }
}

/// A fork found while receiving: kept as evidence, never applied.
struct ForkEvidence: Error {
    let office: String
    let seq: UInt64
    let heldID: Hash?
    let other: [UInt8]?
    let heldCheckpoint: String?
    let otherCheckpoint: String
    let reason: String

    /// The error the range is refused with once the evidence is kept.
    var refusal: StoreError {
        StoreError.refused(index: 0, "fork of \(office) at seq \(seq): \(reason); the evidence is kept and nothing else was stored")
    }

    /// Keeps the evidence (in its own transaction: the range's was rolled back).
    func record(_ db: Database, detected: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO forks(office, seq, held_id, other_canonical, held_checkpoint, other_checkpoint, reason, detected_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                office, Int64(seq), heldID.map { Data($0.bytes) }, other.map { Data($0) }, heldCheckpoint, otherCheckpoint, reason, detected,
            ])
    }
}

/// Fork evidence as reported by `civic verify` and the status endpoint.
public struct ForkRecord: Sendable, Equatable {
    public let office: String
    public let seq: UInt64
    public let reason: String
    public let detected: Int64

    public init(office: String, seq: UInt64, reason: String, detected: Int64) {
        self.office = office
        self.seq = seq
        self.reason = reason
        self.detected = detected
    }
}
