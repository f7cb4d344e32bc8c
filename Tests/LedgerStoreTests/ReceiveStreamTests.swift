import CivicTestSupport
import Foundation
import LedgerCore
import LedgerStore
import Testing

/// A police ledger holding `events` events, and a city-hall ledger that trusts police's key.
final class PolicePair {
    let police: TestLedger
    let hall: TestLedger

    init(events count: Int) throws {
        police = try TestLedger(office: "police")
        hall = try TestLedger(office: "cityhall")
        try hall.store.trust(office: "police", verifier: police.signer.verifier)
        var index = 0
        _ = try police.store.append(signer: police.signer) {
            guard index < count else { return nil }
            defer { index += 1 }
            return try TestLedger.draft(index)
        }
    }

    /// Police's signed checkpoint at its head.
    func checkpoint() throws -> String {
        try #require(try police.store.head(office: "police")?.checkpoint)
    }

    /// Police's events `seqs`, read back from its ledger and parsed.
    func stream(_ seqs: ClosedRange<UInt64>, chunk: UInt64 = 1000) -> StoredEvents {
        StoredEvents(store: police.store, office: "police", seqs: seqs, chunk: chunk)
    }

    /// City hall receives `stream` as the range after `after` up to police's head, with police's checkpoint there.
    @discardableResult
    func hallReceives(_ stream: StoredEvents, after: UInt64 = 0, idleTimeout: Duration = LedgerStore.rangeIdleTimeout) async throws
        -> ReceiveSummary
    {
        let size = try #require(try police.store.head(office: "police")?.size)
        return try await hall.store.receive(
            office: "police", after: after, count: size - after, checkpoint: try checkpoint(), idleTimeout: idleTimeout, events: stream)
    }
}

/// A sender's silence: an hour, unless its task is cancelled (which is noted).
final class Silence: @unchecked Sendable {
    private let lock = NSLock()
    private var entered = false
    private var cancelled = false

    var wasEntered: Bool { lock.withLock { entered } }
    var wasCancelled: Bool { lock.withLock { cancelled } }

    func keep() async throws {
        lock.withLock { entered = true }
        do {
            try await Task.sleep(for: .seconds(3600))
        } catch {
            lock.withLock { cancelled = true }
            throw error
        }
    }
}

/// An office's events read back from a ledger a chunk at a time and parsed, as a receiving store
/// takes them; the stream can be cut, or one event replaced, on the way.
struct StoredEvents: AsyncSequence {
    typealias Element = [Event]

    struct Cut: Error {}

    let store: LedgerStore
    let office: String
    let seqs: ClosedRange<UInt64>
    var chunk: UInt64 = 1000
    /// The stream fails once events up to this seq were delivered.
    var cutAfter: UInt64?
    /// The stream goes quiet (an hour, or until cancelled) once events up to this seq were delivered.
    var stallAfter: UInt64?
    /// Whether that silence was cancelled.
    let silence = Silence()
    var replace: (seq: UInt64, with: Event)?

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: self, next: seqs.lowerBound) }

    struct AsyncIterator: AsyncIteratorProtocol {
        let source: StoredEvents
        var next: UInt64

        mutating func next() async throws -> [Event]? {
            if let cut = source.cutAfter, next > cut { throw Cut() }
            if let stall = source.stallAfter, next > stall { try await source.silence.keep() }
            guard next <= source.seqs.upperBound else { return nil }
            let last = Swift.min(source.seqs.upperBound, next + source.chunk - 1, source.cutAfter ?? .max, source.stallAfter ?? .max)
            let lines = try await source.store.readCanonical(office: source.office, seqs: next...last, into: [[UInt8]]()) { lines, bytes in
                lines.append(Array(bytes))
            }
            let first = next
            next = last + 1
            return try lines.enumerated().map { offset, bytes in
                if let replace = source.replace, replace.seq == first + UInt64(offset) { return replace.with }
                return try Event(canonical: bytes)
            }
        }
    }
}

@Suite("Receiving a streamed range")
struct ReceiveStreamTests {
    /// More events than the old 200,000-event cap on one range, in one transaction.
    @Test func aRangeLongerThanTheOldCapIsStoredWhole() async throws {
        let pair = try PolicePair(events: 300_000)
        let summary = try await pair.hallReceives(pair.stream(1...300_000, chunk: 4096))
        #expect(summary.stored == 300_000 && summary.alreadyHeld == 0 && summary.size == 300_000)
        #expect(try pair.hall.store.head(office: "police")?.root == pair.police.store.head(office: "police")?.root)
        #expect(try pair.hall.store.eventCount() == 300_000)
    }

    /// A long range's WAL checkpoint runs after the answer, beside the writer, and checkpoints are
    /// on again after it, whether the range was stored or refused.
    @Test func theCheckpointAfterALongRangeRunsBesideTheWriter() async throws {
        let count = LedgerStore.deferredCheckpointEvents
        let pair = try PolicePair(events: Int(count))
        let before = try #require(pair.hall.store.checkpointActivity())
        #expect(!before.held)
        try await pair.hallReceives(pair.stream(1...count))
        let after = try #require(pair.hall.store.checkpointActivity())
        // The range's commit copied nothing itself; the one checkpoint after it ran beside the writer.
        #expect(!after.held && after.inCommit == before.inCommit && after.beside == before.beside + 1)
        var cut = pair.stream(1...count)
        cut.cutAfter = 10
        await #expect(throws: StoredEvents.Cut.self) { try await pair.hallReceives(cut) }
        #expect(try pair.hall.store.checkpointActivity()?.held == false)
    }

    /// A sender that goes quiet mid-range loses the transaction after the idle timeout, so other
    /// writes are not held back; nothing of the range is stored.
    ///
    /// Stalling before the first event (0) or mid-range (1000): under a heavy load the timeout may
    /// pass while the sender is still reading, before it goes quiet; its silence, once entered, must
    /// be cut short either way (the first case always enters it).
    @Test(arguments: [UInt64(0), 1000])
    func aStalledSenderIsGivenUp(stallAfter: UInt64) async throws {
        let pair = try PolicePair(events: 3000)
        var stalled = pair.stream(1...3000, chunk: 500)
        stalled.stallAfter = stallAfter
        let error = try await #require(throws: StoreError.self) { try await pair.hallReceives(stalled, idleTimeout: .seconds(3)) }
        #expect(error.isStall)
        #expect("\(error)" == "the range of police stalled: nothing arrived for 3 s; nothing of it was stored")
        // The sender's silence was interrupted when the range was given up, not waited out.
        #expect(stalled.silence.wasEntered || stallAfter > 0)
        #expect(stalled.silence.wasCancelled || !stalled.silence.wasEntered)
        #expect(try pair.hall.store.eventCount() == 0)
        // The writer is free again: the whole range goes through.
        #expect(try await pair.hallReceives(pair.stream(1...3000)).stored == 3000)
    }

    @Test func aStreamCutInTheMiddleStoresNothing() async throws {
        let pair = try PolicePair(events: 5000)
        var cut = pair.stream(1...5000)
        cut.cutAfter = 3000
        await #expect(throws: StoredEvents.Cut.self) { try await pair.hallReceives(cut) }
        #expect(try pair.hall.store.eventCount() == 0)
        #expect(try pair.hall.store.head(office: "police") == nil)
        // The same range, whole, is then stored.
        #expect(try await pair.hallReceives(pair.stream(1...5000)).stored == 5000)
    }

    @Test func anEventAlteredInTransitRefusesTheWholeRange() async throws {
        let pair = try PolicePair(events: 3000)
        let original = try #require(try pair.police.store.event(office: "police", seq: 2500))
        let event = try Event(canonical: original.canonical)
        let altered = try Event(
            envelope: EventEnvelope(
                office: "police", seq: 2500, prev: event.envelope.prev, hlc: event.envelope.hlc, type: event.envelope.type,
                effective: event.envelope.effective, author: nil, body: .object([("district", .string("forged"))])))
        var stream = pair.stream(1...3000)
        stream.replace = (2500, altered)
        let error = await #expect(throws: StoreError.self) { try await pair.hallReceives(stream) }
        // The altered event still chains to its predecessor; its successor does not chain to it.
        #expect(error?.refusedIndex == 2500)
        #expect(error?.description.contains("police#2501") == true)
        #expect(try pair.hall.store.eventCount() == 0)
    }

    @Test func theRangeMustEndAtItsSignedCheckpoint() async throws {
        let pair = try PolicePair(events: 12)
        let error = await #expect(throws: StoreError.self) {
            try await pair.hall.store.receive(
                office: "police", after: 0, count: 10, checkpoint: try pair.checkpoint(),
                events: StoredEvents(store: pair.police.store, office: "police", seqs: 1...10))
        }
        #expect(error?.description.contains("checkpoint's size 12") == true)
        #expect(try pair.hall.store.eventCount() == 0)
    }

    @Test func aRangeStartingInsideTheHeldLogSkipsWhatIsHeld() async throws {
        let pair = try PolicePair(events: 1500)
        let first = try await pair.hallReceives(pair.stream(1...1500))
        #expect(first.stored == 1500)
        let again = try await pair.hallReceives(pair.stream(501...1500), after: 500)
        #expect(again.stored == 0 && again.alreadyHeld == 1000 && again.size == 1500)
        // In memory too: the first thousand events do not reach the checkpoint at 1,500.
        var events: [Event] = []
        try pair.police.store.forEachEvent(office: "police") { stored in
            events.append(try Event(canonical: stored.canonical))
            return stored.seq < 1000
        }
        #expect(throws: StoreError.self) { try pair.hall.store.receive(events: events, checkpoint: try pair.checkpoint()) }
    }

    /// A range that begins inside the held log and goes past it: the held events are checked and
    /// skipped, the rest stored many to a statement (the first of them in the pipeline's chunk
    /// after 500 held ones), in order, with the ids the office's own log has.
    @Test func aRangeOverlappingTheHeldLogStoresWhatFollowsIt() async throws {
        let pair = try PolicePair(events: 1000)
        #expect(try await pair.hallReceives(pair.stream(1...1000)).stored == 1000)
        var index = 1000
        _ = try pair.police.store.append(signer: pair.police.signer) {
            guard index < 1600 else { return nil }
            defer { index += 1 }
            return try TestLedger.draft(index)
        }
        let summary = try await pair.hallReceives(pair.stream(501...1600), after: 500)
        #expect(summary.stored == 600 && summary.alreadyHeld == 500 && summary.size == 1600)
        var held: [(UInt64, [UInt8])] = [], sent: [(UInt64, [UInt8])] = []
        try pair.hall.store.forEachEvent(office: "police") { held.append(($0.seq, $0.canonical)); return true }
        try pair.police.store.forEachEvent(office: "police") { sent.append(($0.seq, $0.canonical)); return true }
        #expect(held.count == 1600 && held.map(\.0) == Array(1...1600))
        #expect(held.elementsEqual(sent) { $0.0 == $1.0 && $0.1 == $1.1 })
        #expect(try pair.hall.store.verify().eventCount == 1600)
        #expect(try pair.hall.store.event(office: "police", seq: 1234)?.canonical == sent[1233].1)
    }

    @Test func eventsOutOfOrderAreRefused() async throws {
        let pair = try PolicePair(events: 20)
        let error = await #expect(throws: StoreError.self) {
            try await pair.hall.store.receive(
                office: "police", after: 1, count: 19, checkpoint: try pair.checkpoint(),
                events: StoredEvents(store: pair.police.store, office: "police", seqs: 1...19))
        }
        #expect(error?.refusedIndex == 0)
        #expect(error?.description.contains("expected seq 2") == true)
    }
}
