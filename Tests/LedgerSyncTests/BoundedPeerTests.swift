import CivicDomain
import CivicTestSupport
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync
import Hummingbird
import NIOCore
import Testing

/// Chunks of `base` sent one at a time with a pause before each: a sender that drips a range.
struct DrippedChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: [ByteBuffer]
    let pause: Duration

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: base[...], pause: pause) }

    struct AsyncIterator: AsyncIteratorProtocol {
        var chunks: ArraySlice<ByteBuffer>
        let pause: Duration

        mutating func next() async throws -> ByteBuffer? {
            guard let chunk = chunks.popFirst() else { return nil }
            try await Task.sleep(for: pause)
            return chunk
        }
    }
}

/// No peer can hold the writer, fill the disk or the memory: ranges wait on disk until they have
/// arrived, too slow or too many are turned away, and quarantine keeps its bounds.
@Suite("Peers get bounded resources")
struct BoundedPeerTests {
    /// Police's range of `count` events as wire lines, cut in chunks of `per` lines.
    static func lines(_ city: StreamedCity, per: Int) async throws -> (RangeHeader, [ByteBuffer]) {
        let range = try await LocalPeer(store: city.police).fetch(office: "police", after: 0)
        var bytes: [UInt8] = []
        for try await chunk in range.events { bytes += Array(buffer: chunk) }
        let lines = bytes.split(separator: 0x0A).map { Array($0) + [0x0A] }
        let chunks = stride(from: 0, to: lines.count, by: per).map { ByteBuffer(bytes: lines[$0..<min($0 + per, lines.count)].joined()) }
        return (range.header, chunks)
    }

    /// A sender drips whole chunks of a genuine range, each well within the idle timeout: it is cut
    /// off once it falls below the minimum rate, and meanwhile the node records as usual.
    @Test func aDrippingSenderIsCutOffAndRecordingGoesOn() async throws {
        let city = try StreamedCity(events: 3_000)
        defer { withExtendedLifetime(city) {} }
        let (header, chunks) = try await Self.lines(city, per: 100)
        var limits = RangeSpool.Limits()
        limits.grace = .seconds(1)
        limits.minimumBytesPerSecond = 1 << 20
        let spool = RangeSpool(directory: city.pair.folder + "/spool", limits: limits)
        let drip = RangeStream(header: header, events: ByteChunks(DrippedChunks(base: chunks, pause: .milliseconds(300))))
        let hall = city.hall
        let pushed = Task { [hall, spool, drip] in try await LocalPeer(store: hall, spool: spool).push(drip) }
        // While the drip goes on, the node's own office records: the writer is not held.
        try await Task.sleep(for: .milliseconds(500))
        let recorded = try city.pair.city.record("cityhall", "district.defined", "2026-01-01", Bodies.district("own"))
        #expect(recorded.envelope.seq == 1)
        let error = await #expect(throws: SpoolError.self) { try await pushed.value }
        #expect(error?.isStall == true && error?.description.contains("stalled: it arrived at less than") == true, "\(String(describing: error))")
        #expect(try city.hall.head(office: "police") == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: city.pair.folder + "/spool").isEmpty)
        // The genuine range, sent at full speed, goes through (under the default limits).
        let whole = try await LocalPeer(store: city.hall).push(try await LocalPeer(store: city.police).fetch(office: "police", after: 0))
        #expect(whole.stored == 3_000)
    }

    /// More ranges at once than the node takes are turned away (busy: retry later), not queued.
    @Test func tooManyRangesAtOnceAreTurnedAway() async throws {
        let city = try StreamedCity(events: 200)
        defer { withExtendedLifetime(city) {} }
        let (header, chunks) = try await Self.lines(city, per: 100)
        var limits = RangeSpool.Limits()
        limits.concurrentRanges = 1
        let spool = RangeSpool(directory: city.pair.folder + "/spool", limits: limits)
        let slow = RangeStream(header: header, events: ByteChunks(DrippedChunks(base: chunks, pause: .milliseconds(400))))
        let hall = city.hall
        let first = Task { [hall, spool, slow] in try await LocalPeer(store: hall, spool: spool).push(slow) }
        try await Task.sleep(for: .milliseconds(200))
        let second = try await LocalPeer(store: city.police).fetch(office: "police", after: 0)
        let busy = await #expect(throws: SpoolError.self) { try await LocalPeer(store: city.hall, spool: spool).push(second) }
        #expect(busy?.isBusy == true)
        #expect(try await first.value.stored == 200)
    }

    /// Ranges of offices nobody trusts yet fill quarantine only to its bounds: the oldest make room,
    /// and a range too large to hold is refused before it is read whole.
    @Test func aQuarantineFloodStaysWithinItsBounds() async throws {
        let city = try StreamedCity(events: 1)
        defer { withExtendedLifetime(city) {} }
        let hall = LocalPeer(store: city.hall)
        for index in 0..<(LedgerStore.quarantineRanges + 6) {
            let office = "zz-\(index)"
            let ledger = try LedgerDirectory(path: city.pair.folder + "/" + office).initialize(
                identity: LedgerIdentity(city: "springfield", office: office))
            _ = try ledger.store.append([try PoliceAndCityHall.district("q\(index)")], signer: ledger.signer)
            let summary = try await hall.push(try await LocalPeer(store: ledger.store).fetch(office: office, after: 0))
            #expect(summary.quarantined == 1)
        }
        let held = try city.hall.quarantined()
        #expect(held.count == LedgerStore.quarantineRanges)
        #expect(held.first?.office == "zz-6")  // the six oldest made room
        // A range over the quarantine's per-range bytes is refused while it arrives, before it is parsed.
        let stranger = try NoteSigner(name: "civic/springfield/zz-big")
        let note = try SignedCheckpoint(
            checkpoint: Checkpoint(origin: "civic/springfield/zz-big", size: 300, root: Hash.sha256([1])), signer: stranger)
        let junk = ByteBuffer(bytes: [UInt8](repeating: 0x41, count: 60_000) + [0x0A])
        let flood = RangeStream(
            header: RangeHeader(office: "zz-big", after: 0, count: 300, checkpoint: note.note.serialized),
            events: ByteChunks([ByteBuffer](repeating: junk, count: 300)))
        let tooLarge = await #expect(throws: SpoolError.self) { try await hall.push(flood) }
        #expect(tooLarge?.isTooLarge == true)
        #expect(try city.hall.quarantined().count == LedgerStore.quarantineRanges)
        // A header whose checkpoint is not one of that office's log is refused before any event is read.
        let other = try await LocalPeer(store: city.police).fetch(office: "police", after: 0)
        let forged = RangeStream(header: RangeHeader(office: "zz-new", after: 0, count: 1, checkpoint: other.header.checkpoint), events: other.events)
        await #expect(throws: StoreError.self) { try await hall.push(forged) }
    }

    /// Report pages fold the ledger on threads of their own, two at once: a third request while two
    /// run is answered 503 at once, and the work goes on once they finish.
    @Test func blockingWorkIsBoundedAndAnswersBusy() async throws {
        let work = BlockingWork(limit: 2, busy: "busy")
        let gate = DispatchSemaphore(value: 0)
        let (started, starting) = AsyncStream<Void>.makeStream()
        let running = (0..<2).map { index in
            Task {
                try await work.run {
                    starting.yield()
                    gate.wait()  // on the work's own thread, not the test's
                    return index
                }
            }
        }
        var iterator = started.makeAsyncIterator()
        await iterator.next()
        await iterator.next()
        await #expect(throws: HTTPError.self) { try await work.run { 99 } }
        gate.signal()
        gate.signal()
        #expect(try await running[0].value + running[1].value == 1)
        #expect(try await work.run { 7 } == 7)
    }
}
