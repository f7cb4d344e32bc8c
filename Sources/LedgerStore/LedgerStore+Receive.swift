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

    public init(office: String, stored: Int, alreadyHeld: Int, size: UInt64, aheadOfClock: Int = 0) {
        self.office = office
        self.stored = stored
        self.alreadyHeld = alreadyHeld
        self.size = size
        self.aheadOfClock = aheadOfClock
    }
}

extension LedgerStore {
    /// How far another office's clock may run ahead of this node's before its events are flagged:
    /// five minutes. Flagged events are stored all the same (the citywide order stays total), and
    /// the flag is kept in `clock_flags`, listed by the status endpoint.
    public static let clockSkewBound: Int64 = 5 * 60 * 1000

    /// Offices whose events arrived with clocks ahead of this node's, by office: the largest lead in ms.
    public func clockFlags() throws -> [String: Int64] {
        try Self.wrapDatabaseErrors {
            try pool.read { db in
                var flags: [String: Int64] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT office, max(ahead_ms) AS ahead FROM clock_flags GROUP BY office") {
                    flags[row["office"]] = row["ahead"]
                }
                return flags
            }
        }
    }

    /// Stores a range of another office's events, received from a peer or a file.
    ///
    /// Everything is checked before anything is kept: each event's canonical form, that the range
    /// continues the office's log held here (seq and `prev`), and that the resulting Merkle root is
    /// the one in `checkpoint`, signed by the office's trusted key. Events already held are skipped
    /// when identical; a different event at a held seq is a fork and refuses the range. The events,
    /// their projections and the new head commit in one transaction.
    ///
    /// - Parameters:
    ///   - events: the office's events in seq order (they may start at or before the held size).
    ///   - checkpoint: the office's signed checkpoint at the size the range ends at.
    ///   - now: this node's clock, for the arrival log.
    /// - Throws: ``StoreError`` naming the first refused event.
    @discardableResult
    public func receive(events: [Event], checkpoint note: String, now: () -> Int64 = LedgerStore.systemMilliseconds) throws
        -> ReceiveSummary
    {
        do {
            return try receiveRange(events: events, checkpoint: note, now: now)
        } catch let fork as ForkEvidence {
            // The range is refused (its transaction rolled back); the evidence is kept.
            try Self.wrapDatabaseErrors {
                try pool.write { db in
                    try db.execute(
                        sql: """
                            INSERT INTO forks(office, seq, held_id, other_canonical, held_checkpoint, other_checkpoint, reason, detected_ms)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            fork.office, Int64(fork.seq), fork.heldID.map { Data($0.bytes) }, fork.other.map { Data($0) }, fork.heldCheckpoint,
                            fork.otherCheckpoint, fork.reason, now(),
                        ])
                }
            }
            throw StoreError.refused(index: 0, "fork of \(fork.office) at seq \(fork.seq): \(fork.reason); the evidence is kept and nothing else was stored")
        }
    }

    /// Fork evidence held here, oldest first.
    public func forks() throws -> [ForkRecord] {
        try Self.wrapDatabaseErrors {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT office, seq, reason, detected_ms FROM forks ORDER BY rowid").map {
                    ForkRecord(office: $0["office"], seq: UInt64($0["seq"] as Int64), reason: $0["reason"], detected: $0["detected_ms"])
                }
            }
        }
    }

    private func receiveRange(events: [Event], checkpoint note: String, now: () -> Int64) throws -> ReceiveSummary {
        guard let office = events.first?.envelope.office else { throw StoreError.refused(index: 0, "no events to receive") }
        guard office != identity.office else {
            throw StoreError.refused(index: 0, "events of \(office) can only be recorded here, not received")
        }
        return try Self.wrapDatabaseErrors {
            try pool.write { db in
                guard let key = try Self.officeKeys(db)[office] else {
                    throw StoreError.refused(index: 0, "office \(office) has no trusted key here")
                }
                let signed: SignedCheckpoint
                do {
                    signed = try SignedCheckpoint(note: note, verifier: key)
                } catch {
                    throw StoreError.refused(index: 0, "checkpoint of \(office): \(error)")
                }
                let head = try OfficeHead.fetch(db, office: office) ?? .empty(office: office)
                var frontier = head.frontier
                var prev = head.lastHash
                var lastHLC = head.lastHLC
                var stored = 0
                var skipped = 0
                var ahead = 0
                var largestLead: Int64 = 0
                let arrived = now()
                let insert = try EventInsert(db)
                let projection = try projector?.begin(db)
                for (index, event) in events.enumerated() {
                    let envelope = event.envelope
                    func refuse(_ reason: String) -> StoreError {
                        StoreError.refused(index: index, "event \(office)#\(envelope.seq) (id \(event.id)): \(reason)")
                    }
                    guard envelope.office == office else { throw refuse("a range holds one office's events") }
                    if envelope.seq <= frontier.size {
                        let held = try Data.fetchOne(
                            db, sql: "SELECT id FROM events WHERE office = ? AND seq = ?", arguments: [office, Int64(envelope.seq)])
                        guard held.map({ Array($0) }) == event.leafHash.bytes else {
                            throw ForkEvidence(
                                office: office, seq: envelope.seq, heldID: held.map { Hash(bytes: Array($0)) }, other: event.canonical,
                                heldCheckpoint: head.checkpoint, otherCheckpoint: note, reason: "a different event is already held at this seq")
                        }
                        skipped += 1
                        continue
                    }
                    guard envelope.seq == frontier.size + 1 else { throw refuse("expected seq \(frontier.size + 1): the range has a gap") }
                    guard envelope.prev == prev else { throw refuse("prev does not name the previous event") }
                    let prepared: (any Sendable)?
                    do {
                        prepared = try projection?.prepare(event)
                    } catch {
                        throw refuse("\(error)")
                    }
                    try insert.insert(event, arrived: arrived, projection: projection, prepared: prepared, in: db, refuse: refuse)
                    let lead = envelope.hlc.wall - arrived
                    if lead > Self.clockSkewBound {
                        ahead += 1
                        largestLead = max(largestLead, lead)
                    }
                    frontier.append(event.leafHash)
                    prev = event.leafHash
                    lastHLC = max(lastHLC, envelope.hlc)
                    stored += 1
                }
                if signed.checkpoint.size == head.size, signed.checkpoint.root != head.root, head.size > 0, stored == 0 {
                    throw ForkEvidence(
                        office: office, seq: head.size, heldID: head.lastHash, other: nil, heldCheckpoint: head.checkpoint, otherCheckpoint: note,
                        reason: "the office signed two different roots for size \(head.size)")
                }
                guard signed.checkpoint.size == frontier.size, signed.checkpoint.root == frontier.root else {
                    throw StoreError.refused(
                        index: events.count - 1,
                        "the events do not match \(office)'s signed checkpoint (size \(signed.checkpoint.size)): altered in transit or forged")
                }
                try OfficeHead(
                    office: office, size: frontier.size, lastHash: prev, frontier: frontier, lastHLC: lastHLC, checkpoint: note
                ).save(db)
                if ahead > 0 {
                    try db.execute(
                        sql: "INSERT INTO clock_flags(office, events, ahead_ms, size, detected_ms) VALUES (?, ?, ?, ?, ?)",
                        arguments: [office, ahead, largestLead, Int64(frontier.size), arrived])
                }
                return ReceiveSummary(office: office, stored: stored, alreadyHeld: skipped, size: frontier.size, aheadOfClock: ahead)
            }
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
