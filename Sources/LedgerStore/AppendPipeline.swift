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
        var prev: Hash?
        var clock: HybridLogicalClock
        var firstSeq: UInt64?
        var lastEvent: Event?
        var count = 0
    }

    /// The caller's closures, moved to the producer thread. Only one thread calls them at a time.
    struct Work: @unchecked Sendable {
        let office: String
        let now: () -> Int64
        let validate: (EventDraft) throws -> Void
        let progress: ((Int) -> Void)?
        let next: () throws -> EventDraft?
    }

    static let chunkSize = 512
    static let capacity = 8

    private let condition = NSCondition()
    private var chunks: [[Event]] = []
    private var outcome: Result<Chain, any Error>?
    private var cancelled = false
    private let done = DispatchSemaphore(value: 0)

    /// The caller's closures; cleared by the producer before it signals that it is done, so nothing
    /// holds them once ``finish()`` or ``cancel()`` has returned.
    private var work: Work?

    /// Starts the producer from `chain` (the office's head).
    init(chain: Chain, work: Work) {
        self.work = work
        let thread = Thread { [self] in
            runProducer(from: chain)
            done.signal()
        }
        thread.name = "civic-append-producer"
        thread.start()
    }

    private func runProducer(from start: Chain) {
        condition.lock()
        let taken = work
        work = nil
        condition.unlock()
        guard let taken else { return finish(.failure(StoreError(.database("append producer started twice")))) }
        var chain = start
        do {
            try produce(&chain, work: taken)
            finish(.success(chain))
        } catch {
            finish(.failure(error))
        }
    }

    /// The next chunk of events to insert, or nil when the producer is done.
    func nextChunk() -> [Event]? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && outcome == nil { condition.wait() }
        guard !chunks.isEmpty else { return nil }
        condition.broadcast()
        return chunks.removeFirst()
    }

    /// Waits for the producer to end and returns its final chain, or rethrows its error.
    func finish() throws -> Chain {
        done.wait()
        condition.lock()
        defer { condition.unlock() }
        guard let outcome else { throw StoreError(.database("append producer ended without a result")) }
        return try outcome.get()
    }

    /// Stops the producer after its current draft and waits for it (the writer failed).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
        done.wait()
    }

    private func push(_ chunk: [Event]) throws {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count >= Self.capacity && !cancelled { condition.wait() }
        guard !cancelled else { throw CancellationError() }
        chunks.append(chunk)
        condition.broadcast()
    }

    private func finish(_ result: Result<Chain, any Error>) {
        condition.lock()
        outcome = result
        condition.broadcast()
        condition.unlock()
    }

    private func produce(_ chain: inout Chain, work: Work) throws {
        var chunk: [Event] = []
        chunk.reserveCapacity(Self.chunkSize)
        while true {
            let draft: EventDraft
            do {
                guard let pulled = try work.next() else { break }
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
            chain.frontier.append(event.leafHash)
            chain.prev = event.leafHash
            chain.firstSeq = chain.firstSeq ?? seq
            chain.lastEvent = event
            chain.count += 1
            if chain.count % 10_000 == 0 { work.progress?(chain.count) }
            chunk.append(event)
            if chunk.count == Self.chunkSize {
                try push(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty { try push(chunk) }
    }
}
