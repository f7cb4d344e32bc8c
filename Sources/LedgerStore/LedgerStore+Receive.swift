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
                try pool.writeTransaction { db in try storeRange(db, range, next: next, stop: {}, now: now) }
            }
        } catch let fork as ForkFound {
            try keep(fork.proof, office: fork.office, now: now)
            throw fork.refusal
        }
    }
}
