import Foundation
import LedgerCore

/// Two-stage append: a producer thread turns drafts into chained, hashed events while the writer
/// thread inserts the previous chunk, so a batch costs about max(prepare, insert) per event, not the
/// sum. The producer runs only while the writer waits for it inside one transaction, and the writer
/// always joins it before returning, so the caller's closures are never used after `append` returns.
final class AppendPipeline: @unchecked Sendable {
    /// Where the producer has got to; handed back to the writer when it finishes.
    struct Chain {
        var frontier: MerkleFrontier
        /// The Merkle nodes the batch completed, stored with its events.
        var nodes: [MerkleNode] = []
        var prev: Hash?
        var clock: HybridLogicalClock
        var firstSeq: UInt64?
        var lastEvent: Event?
        var count = 0
        /// Whether an event of the batch is an `office.` one (a registration, rotation or
        /// revocation), which changes the keys this node trusts.
        var registers = false
    }

    /// The caller's closures, moved to the producer thread. Only one thread calls them at a time.
    struct Work: @unchecked Sendable {
        let office: String
        let now: () -> Int64
        let validate: (EventDraft) throws -> Void
        let progress: ((Int) -> Void)?
        let next: () throws -> EventDraft?
        /// Prepares each event for the projection (its database-free checks), on the producer.
        let projection: (any ProjectionTransaction)?
    }

    /// An event ready for the writer, with what the projection prepared for it.
    struct Prepared: @unchecked Sendable {
        let event: Event
        let projection: (any Sendable)?
    }

    static let chunkSize = 512

    private let channel = BoundedChannel<[Prepared]>(capacity: 8)
    private let spent = SpentChunks<Prepared>()
    private var producer: JoinableThread<Result<Chain, any Error>>?
    /// A small batch is produced on the writer's own thread, chunk by chunk, without a second thread.
    private var inline: Producer?
    private var inlineOutcome: Result<Chain, any Error>?

    /// Starts the producer from `chain` (the office's head): on its own thread, or, when `inline`
    /// (a batch of a few events, where starting a thread would cost more than it saves), on the
    /// caller's as it asks for chunks. The thread's closure drops `work` when it returns, before
    /// ``finish()`` or ``cancel()`` can return.
    init(chain: Chain, work: Work, inline: Bool = false) {
        if inline {
            self.inline = Producer(chain: chain, work: work)
            return
        }
        producer = JoinableThread(name: "civic-append-producer") { [channel, spent] in
            var producer = Producer(chain: chain, work: work)
            let outcome: Result<Chain, any Error>
            do {
                while let chunk = try producer.nextChunk() {
                    try channel.push(chunk)
                    spent.release()
                }
                outcome = .success(producer.chain)
            } catch {
                outcome = .failure(error)
            }
            channel.close()
            spent.releaseUntilClosed()
            return outcome
        }
    }

    // A pipeline dropped without finish() or cancel() still lets its thread end.
    deinit { spent.close() }

    /// Hands back a chunk the writer has inserted, so the producer's thread frees it
    /// (``SpentChunks``). A small batch frees it here.
    func spend(_ chunk: consuming [Prepared]) {
        guard inline == nil, producer != nil else { return }
        spent.give(chunk)
    }

    /// The next chunk of events to insert, or nil when the producer is done.
    func nextChunk() -> [Prepared]? {
        guard inline != nil else { return channel.pop() }
        do {
            if let chunk = try inline?.nextChunk() { return chunk }
            inlineOutcome = inline.map { .success($0.chain) }
        } catch {
            inlineOutcome = .failure(error)
        }
        inline = nil
        return nil
    }

    /// Waits for the producer to end and returns its final chain, or rethrows its error.
    func finish() throws -> Chain {
        if let inlineOutcome { return try inlineOutcome.get() }
        spent.close()
        guard let outcome = producer?.join() else { throw StoreError(.internalFault("append producer ended without a result")) }
        return try outcome.get()
    }

    /// Stops the producer after its current draft and waits for it (the writer failed).
    func cancel() {
        inline = nil
        spent.close()
        channel.cancel()
        _ = producer?.join()
    }

    /// Turns drafts into chained, hashed, prepared events, a chunk at a time.
    private struct Producer {
        var chain: Chain
        let work: Work
        var done = false
        /// The size of the next chunk: small at first, so the writer starts inserting early (a batch of
        /// a hundred events overlaps too), doubling up to ``AppendPipeline/chunkSize``.
        var limit = 16

        init(chain: Chain, work: Work) {
            self.chain = chain
            self.work = work
        }

        /// Up to `limit` more events, or nil when the drafts are used up.
        mutating func nextChunk() throws -> [Prepared]? {
            guard !done else { return nil }
            var chunk: [Prepared] = []
            chunk.reserveCapacity(limit)
            defer { limit = min(limit * 2, AppendPipeline.chunkSize) }
            while chunk.count < limit {
                guard let prepared = try next() else {
                    done = true
                    break
                }
                chunk.append(prepared)
            }
            return chunk.isEmpty ? nil : chunk
        }

        private mutating func next() throws -> Prepared? {
            let draft: EventDraft
            do {
                guard let pulled = try work.next() else { return nil }
                draft = pulled
                try work.validate(draft)
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError.refused(index: chain.count, "\(error)")
            }
            let seq = chain.frontier.size + 1
            let event: Event
            do {
                let envelope = try EventEnvelope(
                    office: work.office, seq: seq, prev: chain.prev, hlc: chain.clock.tick(now: work.now()), type: draft.type,
                    effective: draft.effective, author: draft.author, body: draft.body)
                event = try Event(envelope: envelope)
            } catch {
                throw StoreError.refused(index: chain.count, "\(error)")
            }
            let prepared: (any Sendable)?
            do {
                prepared = try work.projection?.prepare(event)
            } catch {
                throw StoreError.refused(index: chain.count, "\(error)")
            }
            chain.frontier.append(event.leafHash, completing: &chain.nodes)
            chain.prev = event.leafHash
            chain.firstSeq = chain.firstSeq ?? seq
            chain.lastEvent = event
            chain.count += 1
            if !chain.registers, draft.type.hasPrefix("office.") { chain.registers = true }
            if chain.count % 10_000 == 0 { work.progress?(chain.count) }
            return Prepared(event: event, projection: prepared)
        }
    }
}
