import Foundation
import LedgerCore

/// Two-stage receive: a checker thread takes the range's parsed events in order, checks that they
/// form one office's consecutive range continuing the held log (seq, `prev`), extends the Merkle
/// frontier and prepares each new event for the projection, while the writer thread stores the
/// previous chunk. The writer always joins the checker before returning, so nothing of the caller
/// is used after `receive` returns.
///
/// A refusal found by the checker reaches the writer after every event before it, so the first
/// refused event of the range is the one reported, whichever thread found it.
final class ReceivePipeline: @unchecked Sendable {
    /// The office's log as the checker has extended it; handed back to the writer at the end.
    struct Chain {
        var frontier: MerkleFrontier
        /// The Merkle nodes the range completed, stored with its events.
        var nodes: [MerkleNode] = []
        var prev: Hash?
        var lastHLC: HLCTimestamp
        /// Events taken from the range so far (held ones included).
        var count: UInt64 = 0
    }

    /// What the checker needs, moved to its thread. Only that thread uses it.
    struct Work: @unchecked Sendable {
        let office: String
        /// The range's first event is `after + 1`.
        let after: UInt64
        /// Events up to this seq are already held: the writer compares them with what it holds.
        let heldSize: UInt64
        /// The next chunk of the range's events (blocking), nil at its end.
        let next: () throws -> [Event]?
        /// Wakes a `next` that waits, when the writer gives up.
        let stop: () -> Void
        let projection: (any ProjectionTransaction)?
    }

    /// One event for the writer: held ones are compared, new ones stored with what the projection prepared.
    struct Item: Sendable {
        let event: Event
        /// 0-based position in the range.
        let index: Int
        let isHeld: Bool
        let prepared: (any Sendable)?
    }

    static let chunkSize = 512

    private let channel = BoundedChannel<[Item]>(capacity: 8)
    /// Chunks the writer has stored, freed by the checker: an event's parsed body is a tree of
    /// small allocations, and releasing it costs the busier writer about a microsecond.
    private let spent = SpentChunks<Item>()
    private let stop: () -> Void
    private let checker: JoinableThread<Result<Chain, any Error>>

    init(chain: Chain, work: Work) {
        stop = work.stop
        checker = JoinableThread(name: "civic-receive-checker") { [channel, spent] in
            var chain = chain
            let outcome: Result<Chain, any Error>
            do {
                try Self.check(&chain, work: work, into: channel, freeing: spent)
                outcome = .success(chain)
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

    /// The next chunk to store, or nil when the checker is done (``finish()`` tells how).
    func nextChunk() -> [Item]? { channel.pop() }

    /// Hands a stored chunk back, so the checker thread frees it.
    func done(with chunk: consuming [Item]) { spent.give(chunk) }

    /// Waits for the checker and returns the extended chain, or rethrows the range's first refusal.
    func finish() throws -> Chain {
        spent.close()
        guard let outcome = checker.join() else { throw StoreError(.internalFault("receive checker ended without a result")) }
        return try outcome.get()
    }

    /// Stops the checker and the range's source, and waits for the checker (the writer failed).
    func cancel() {
        spent.close()
        channel.cancel()
        stop()
        _ = checker.join()
    }

    private static func check(_ chain: inout Chain, work: Work, into channel: BoundedChannel<[Item]>, freeing spent: SpentChunks<Item>) throws {
        var chunk: [Item] = []
        chunk.reserveCapacity(chunkSize)
        do {
            try check(&chain, chunk: &chunk, work: work, into: channel, freeing: spent)
        } catch {
            // The events before the refused one still go to the writer, which may refuse one of them first.
            if !chunk.isEmpty, !(error is CancellationError) { try? channel.push(chunk) }
            throw error
        }
        if !chunk.isEmpty { try channel.push(chunk) }
    }

    private static func check(
        _ chain: inout Chain, chunk: inout [Item], work: Work, into channel: BoundedChannel<[Item]>, freeing spent: SpentChunks<Item>
    ) throws {
        let office = work.office
        while let events = try work.next() {
            for event in events {
                let envelope = event.envelope
                let index = Int(chain.count)
                func refuse(_ reason: String) -> StoreError {
                    StoreError.refused(index: index, "event \(office)#\(envelope.seq) (id \(event.id)): \(reason)")
                }
                guard envelope.office == office else { throw refuse("a range holds one office's events") }
                let expected = work.after + chain.count + 1
                guard envelope.seq == expected else { throw refuse("expected seq \(expected): the range has a gap or is out of order") }
                chain.count += 1
                if envelope.seq <= work.heldSize {
                    chunk.append(Item(event: event, index: index, isHeld: true, prepared: nil))
                } else {
                    guard envelope.seq == chain.frontier.size + 1 else {
                        throw refuse("expected seq \(chain.frontier.size + 1): the range has a gap")
                    }
                    guard envelope.prev == chain.prev else { throw refuse("prev does not name the previous event") }
                    // An office's clock never runs backwards along its log (ENCODING.md §1).
                    guard envelope.seq == 1 || envelope.hlc > chain.lastHLC else {
                        throw refuse("its hlc \(envelope.hlc) is not later than the previous event's \(chain.lastHLC)")
                    }
                    let prepared: (any Sendable)?
                    do {
                        prepared = try work.projection?.prepare(event)
                    } catch {
                        throw refuse("\(error)")
                    }
                    chain.frontier.append(event.leafHash, completing: &chain.nodes)
                    chain.prev = event.leafHash
                    chain.lastHLC = envelope.hlc
                    chunk.append(Item(event: event, index: index, isHeld: false, prepared: prepared))
                }
                if chunk.count == chunkSize {
                    try channel.push(chunk)
                    chunk.removeAll(keepingCapacity: true)
                    spent.release()
                }
            }
        }
    }
}
