import Foundation
import GRDB
import LedgerCore

/// What one committed append produced.
public struct AppendSummary: Sendable {
    public let office: String
    /// Seq of the first event appended; nil when the batch was empty.
    public let firstSeq: UInt64?
    public let count: Int
    /// The last event appended, if any.
    public let lastEvent: Event?
    /// The checkpoint signed over the log after this batch.
    public let checkpoint: SignedCheckpoint
    /// Quarantined ranges applied after the batch, because it registered their office.
    public var released: [ReceiveSummary] = []
}

extension LedgerStore {
    /// Wall-clock Unix milliseconds.
    public static func systemMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Appends a batch of this office's events in one transaction and signs a checkpoint over it.
    ///
    /// Each draft gets the next seq, the previous leaf hash and a fresh HLC timestamp. The batch is
    /// acknowledged only after the transaction commits with `synchronous=FULL`; if any draft is refused
    /// or `next` throws, nothing is stored.
    ///
    /// ```swift
    /// var drafts = [draft].makeIterator()
    /// let summary = try store.append(signer: signer) { drafts.next() }
    /// ```
    /// - Parameters:
    ///   - signer: the office key; its name must be this ledger's origin.
    ///   - now: the wall clock in Unix milliseconds.
    ///   - validate: checks a draft before it is stored (the vocabulary); throwing refuses the batch.
    ///   - progress: called with the number of events appended so far, every 10,000 events.
    ///   - small: the batch is a few events: they are prepared on the writer's thread rather than
    ///     on a second one (which would cost more to start than it saves).
    ///   - next: yields the drafts in order, nil at the end.
    /// - Returns: what was appended and the new signed checkpoint.
    /// - Throws: ``StoreError`` (a refusal names the 0-based index of the draft).
    public func append(
        signer: NoteSigner,
        now: () -> Int64 = LedgerStore.systemMilliseconds,
        validate: (EventDraft) throws -> Void = { _ in },
        progress: ((Int) -> Void)? = nil,
        small: Bool = false,
        next: () throws -> EventDraft?
    ) throws -> AppendSummary {
        guard signer.name == identity.origin else {
            throw StoreError(.keyFile("the key is for \(signer.name), not this ledger's \(identity.origin)"))
        }
        let office = identity.office
        let (appended, registers, memo) = try Self.wrapDatabaseErrors {
            try pool.writeTransaction { db in
                // What the last append left, unless something else has written since (WriteMemo).
                let counters = try WriteMemo.Counters(db)
                var kept = writeMemo.take(counters)
                // Moved out of the memo, so the insert appends to them in place.
                let unsettled = kept?.unsettled ?? []
                kept?.unsettled = []
                let head = try kept?.head ?? OfficeHead.fetch(db, office: office) ?? .empty(office: office)
                let keys = try kept.map(\.keys) ?? Self.keyHistory(db, office: office)
                try Self.checkSigner(keys, signer: signer, office: office, size: head.size + 1)
                let arrived = now()
                // The run tail is checked against the ledger's head by the insert's runs writer.
                let insert = try EventInsert(
                    db, after: kept.map { (last: $0.last.rowid, settled: $0.settled) }, unsettled: consume unsettled,
                    runs: kept?.runs.map { (office: office, tail: $0) })
                let projection = try beginProjection(db, mode: .record, after: kept?.last)
                let clock = try kept?.clock ?? Self.nodeClock(db)
                let start = AppendPipeline.Chain(frontier: head.frontier, prev: head.lastHash, clock: HybridLogicalClock(last: clock))
                // The producer thread is joined before this closure returns (finish or cancel), so the
                // caller's closures do not actually escape.
                let chain = try withoutActuallyEscaping(now) { now in
                    try withoutActuallyEscaping(validate) { validate in
                        try withoutActuallyEscaping(next) { next in
                            let pipeline = AppendPipeline(
                                chain: start,
                                work: .init(office: office, now: now, validate: validate, progress: progress, next: next, projection: projection),
                                inline: small)
                            do {
                                var index = 0
                                while let chunk = pipeline.nextChunk() {
                                    try insert.insert(chunk, arrived: arrived, projection: projection, in: db) { offset, reason in
                                        StoreError.refused(index: index + offset, reason)
                                    }
                                    index += chunk.count
                                    pipeline.spend(consume chunk)
                                }
                            } catch {
                                pipeline.cancel()
                                throw error
                            }
                            return try pipeline.finish()
                        }
                    }
                }
                try projection?.finish(in: db)
                let (frontier, registers) = (chain.frontier, chain.registers)
                // The batch may have rotated this office's own key (the registrar's): its checkpoint
                // must still be signed by the key valid at its size.
                let keysAfter = registers ? try Self.keyHistory(db, office: office) : keys
                if frontier.size > head.size { try Self.checkSigner(keysAfter, signer: signer, office: office, size: frontier.size) }
                let checkpoint = try SignedCheckpoint(
                    checkpoint: Checkpoint(origin: identity.origin, size: frontier.size, root: frontier.root), signer: signer)
                // Serialized once: the head and the key boundary keep the same text.
                let note = checkpoint.note.serialized
                let newHead = OfficeHead(
                    office: office, size: frontier.size, lastHash: chain.prev, frontier: frontier,
                    lastHLC: chain.lastEvent?.envelope.hlc ?? head.lastHLC,
                    checkpoint: note)
                try newHead.save(db)
                try Self.saveNodes(db, office: office, chain.nodes)
                // The node clock is the later of node_clock and this head (nodeClock(_:)): the batch's
                // last timestamp is in the head, so node_clock is not written (a page less per commit).
                try Self.keepBoundary(db, keys: keysAfter, office: office, size: frontier.size, note: note)
                let memo = chain.lastEvent.map { event in
                    WriteMemo.Contents(
                        version: counters.version, changes: Int64(db.totalChangesCount), head: newHead, keys: keysAfter,
                        clock: max(clock, event.envelope.hlc), last: (insert.lastRowid, event.leafHash), settled: insert.settledThrough,
                        unsettled: insert.unsettled, runs: insert.runTail(of: office))
                }
                return (
                    AppendSummary(office: office, firstSeq: chain.firstSeq, count: chain.count, lastEvent: chain.lastEvent, checkpoint: checkpoint),
                    registers, memo
                )
            }
        }
        // Kept only now that the transaction has committed.
        if let memo { writeMemo.keep(memo) }
        // A registration (or rotation) recorded here, at the registrar, frees the ranges waiting for
        // it. The batch is committed whatever happens next: a release that fails is tried again after
        // the next range received.
        var summary = appended
        if registers { summary.released = (try? releaseQuarantine(now: now)) ?? [] }
        return summary
    }

    /// Appends the given drafts (a convenience over the pulling form). Up to 128 are prepared on
    /// the writer's thread: a producer thread costs a batch of 100 more than it saves, and saves a
    /// batch of 300 more than it costs.
    public func append(
        _ drafts: [EventDraft], signer: NoteSigner, now: () -> Int64 = LedgerStore.systemMilliseconds,
        validate: (EventDraft) throws -> Void = { _ in }
    ) throws -> AppendSummary {
        var iterator = drafts.makeIterator()
        return try append(signer: signer, now: now, validate: validate, small: drafts.count <= 128) { iterator.next() }
    }

    /// Refuses a signer that is not the office's key at `size`: rotated (the key file is the old
    /// one), or revoked there.
    static func checkSigner(_ keys: KeyHistory?, signer: NoteSigner, office: String, size: UInt64) throws {
        guard let key = keys?.key(forSize: size) else {
            throw StoreError(.keyFile("the ledger holds no key of \(office)"))
        }
        guard key.verifier == signer.verifier else {
            if key.fromSize > 1 {
                throw StoreError(
                    .keyFile(
                        "the registrar rotated this office's key to \(key.verifier.vkey) from size \(key.fromSize); the key file is another (see civic key rotate)"
                    ))
            }
            throw StoreError(.keyFile("the key file does not match the office key recorded in the ledger"))
        }
        if let revoked = key.revokedAfter, size > revoked {
            throw StoreError(.keyFile("the registrar revoked this office's key after size \(revoked): it signs no more (a new key must be registered)"))
        }
    }
}
