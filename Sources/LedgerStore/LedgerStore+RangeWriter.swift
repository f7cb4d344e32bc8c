import Foundation
import GRDB
import LedgerCore

/// What a range announces before its events: whose they are, where they start, how many follow,
/// and the office's signed checkpoint at the range's end.
struct IncomingRange: Sendable {
    let office: String
    /// The first event is `after + 1`.
    let after: UInt64
    let count: UInt64
    let checkpoint: String
    /// How long the transaction waits for the next chunk.
    var idleTimeout: Duration = LedgerStore.rangeIdleTimeout

    var idleTimeoutText: String {
        let (seconds, attoseconds) = idleTimeout.components
        return attoseconds == 0 ? "\(seconds) s" : "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000) ms"
    }
}

extension LedgerStore {
    /// The write transaction of one received range, on the writer: the checks that need no events
    /// (office, trusted key, signature, extent), then the events as `next` yields them — checked and
    /// prepared by a ``ReceivePipeline`` thread, stored here — then the final root against the
    /// signed checkpoint. Any throw rolls the whole range back.
    ///
    /// - Parameters:
    ///   - next: the range's events in chunks (blocking), nil at the end; it may throw the source's error.
    ///   - stop: wakes a `next` that waits, when the range is refused early.
    /// - Throws: ``StoreError``, ``ForkFound``, or the error `next` threw.
    func storeRange(
        _ db: Database, _ range: IncomingRange, next: @escaping () throws -> [Event]?, stop: @escaping () -> Void, now: () -> Int64
    ) throws -> ReceiveSummary {
        let office = range.office
        guard office != identity.office else {
            throw StoreError.refused(index: 0, "events of \(office) can only be recorded here, not received")
        }
        guard range.count > 0 else { throw StoreError.refused(index: 0, "no events to receive") }
        guard let keys = try Self.keyHistory(db, office: office) else {
            throw StoreError.refused(index: 0, "office \(office) has no trusted key here")
        }
        let signed = try keys.verify(range.checkpoint)
        // The signed size bounds the work a range can cause: no more events than the office signed.
        let (end, overflow) = range.after.addingReportingOverflow(range.count)
        guard !overflow, end == signed.checkpoint.size else {
            throw StoreError.refused(
                index: 0,
                "the range of \(office) ends after seq \(range.after) + \(range.count), not at its checkpoint's size \(signed.checkpoint.size)")
        }
        let head = try OfficeHead.fetch(db, office: office) ?? .empty(office: office)
        // A checkpoint of a size held here is checked against the held log before any event: the
        // office signed it, so a contradiction is a fork, proven by the two signatures.
        if let proof = try Self.contradiction(db, office: office, signed: signed, note: range.checkpoint, head: head) {
            throw ForkFound(office: office, proof: proof)
        }
        let arrived = now()
        let insert = try EventInsert(db, receiving: true)
        let projection = try beginProjection(db, mode: .receive)
        let clockBefore = try Self.nodeClock(db)
        let pipeline = ReceivePipeline(
            chain: .init(frontier: head.frontier, prev: head.lastHash, lastHLC: head.lastHLC),
            work: .init(office: office, after: range.after, heldSize: head.size, next: next, stop: stop, projection: projection))
        var tally = Tally(clock: HybridLogicalClock(last: clockBefore))
        let chain: ReceivePipeline.Chain
        do {
            let heldID = try db.cachedStatement(sql: EventRuns.select("e.id"))
            while let chunk = pipeline.nextChunk() {
                var start = 0
                while start < chunk.count {
                    if chunk[start].isHeld {
                        let event = chunk[start].event
                        let held = try Data.fetchOne(heldID, arguments: [office, Int64(event.envelope.seq) - 1, Int64(event.envelope.seq)])
                        // Unsigned bytes prove nothing about the office: refused, never kept as evidence.
                        // (If the office did sign another history, gossip finds it from the checkpoints.)
                        guard held.map({ Array($0) }) == event.leafHash.bytes else {
                            throw StoreError.refused(
                                index: chunk[start].index,
                                "event \(office)#\(event.envelope.seq) (id \(event.id)) differs from the one held here: the range diverges from the held log, or was altered; nothing was stored")
                        }
                        tally.skipped += 1
                        start += 1
                        continue
                    }
                    // The events not held from here on, stored many to a statement (each read in
                    // place: a copy of an event retains each of its parts).
                    var end = start + 1
                    while end < chunk.count, !chunk[end].isHeld { end += 1 }
                    try insert.insert(chunk[start..<end], arrived: arrived, projection: projection, in: db) { index, reason in
                        let event = chunk[index].event
                        return StoreError.refused(index: chunk[index].index, "event \(office)#\(event.envelope.seq) (id \(event.id)): \(reason)")
                    }
                    for index in start..<end {
                        tally.add(
                            stored: chunk[index].event.envelope.hlc, seq: chunk[index].event.envelope.seq, arrived: arrived, clockBefore: clockBefore)
                    }
                    start = end
                }
                pipeline.done(with: consume chunk)
            }
            chain = try pipeline.finish()
        } catch {
            pipeline.cancel()
            throw error
        }
        try insert.finish()
        try projection?.finish(in: db)
        let frontier = chain.frontier
        guard signed.checkpoint.size == frontier.size, signed.checkpoint.root == frontier.root else {
            throw StoreError.refused(
                index: Int(range.count) - 1,
                "the events do not match \(office)'s signed checkpoint (size \(signed.checkpoint.size)): altered in transit or forged")
        }
        // A range of events all held (sent again) changes nothing, not even the held note.
        if tally.stored > 0 {
            try OfficeHead(
                office: office, size: frontier.size, lastHash: chain.prev, frontier: frontier, lastHLC: chain.lastHLC, checkpoint: range.checkpoint
            ).save(db)
            try Self.saveNodes(db, office: office, chain.nodes)
        }
        for flag in [tally.ahead, tally.late] where flag.events > 0 {
            try db.execute(
                sql: """
                    INSERT INTO arrival_flags(office, kind, events, first_seq, last_seq, extreme_ms, size, detected_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    office, flag.kind.rawValue, flag.events, flag.first.map(Int64.init), flag.last.map(Int64.init), flag.extreme,
                    Int64(frontier.size), arrived,
                ])
        }
        if tally.clock.last != clockBefore { try Self.saveNodeClock(db, tally.clock.last) }
        try Self.keepBoundary(db, office: office, size: frontier.size, note: range.checkpoint)
        var summary = ReceiveSummary(
            office: office, stored: tally.stored, alreadyHeld: tally.skipped, size: frontier.size, aheadOfClock: tally.ahead.events)
        summary.arrivedLate = tally.late.events
        return summary
    }
}

/// Counts kept by the writer while it stores a range, and this node's clock moved by its events.
private struct Tally {
    /// Flagged events of one kind: how many, the first and last, the largest lead or lag.
    struct Flag {
        let kind: ArrivalFlag.Kind
        var events = 0
        var first: UInt64?
        var last: UInt64?
        var extreme: Int64 = 0

        mutating func add(seq: UInt64, by amount: Int64) {
            events += 1
            first = first ?? seq
            last = seq
            extreme = max(extreme, amount)
        }
    }

    var stored = 0
    var skipped = 0
    var ahead = Flag(kind: .ahead)
    var late = Flag(kind: .late)
    /// This node's clock: it follows stored events, except those whose clock runs ahead of the bound.
    var clock: HybridLogicalClock

    init(clock: HybridLogicalClock) {
        self.clock = clock
    }

    /// Counts an event stored, of timestamp `hlc` and number `seq`.
    mutating func add(stored hlc: HLCTimestamp, seq: UInt64, arrived: Int64, clockBefore: HLCTimestamp) {
        stored += 1
        let lead = hlc.wall - arrived
        if lead > LedgerStore.clockSkewBound {
            ahead.add(seq: seq, by: lead)
        } else {
            clock.observe(hlc)
        }
        let lag = clockBefore.wall - hlc.wall
        if lag > LedgerStore.lateArrivalBound { late.add(seq: seq, by: lag) }
    }
}
