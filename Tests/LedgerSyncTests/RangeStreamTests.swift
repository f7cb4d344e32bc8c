import CivicDomain
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync
import Logging
import NIOCore
import Testing

/// A `SyncServer` of `store` on 127.0.0.1 (a free port) while `body` runs.
@discardableResult
func withServer<T: Sendable>(
    _ store: LedgerStore, rangeIdleTimeout: Duration = LedgerStore.rangeIdleTimeout, _ body: (String) async throws -> T
) async throws -> T {
    let (ports, announce) = AsyncStream<Int>.makeStream()
    let server = Task {
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        try await SyncServer(store: store, rangeIdleTimeout: rangeIdleTimeout).run(host: "127.0.0.1", port: 0, logger: quiet) { port in announce.yield(port) }
    }
    var iterator = ports.makeAsyncIterator()
    let port = try #require(await iterator.next())
    do {
        let result = try await body("http://127.0.0.1:\(port)")
        server.cancel()
        _ = await server.result
        return result
    } catch {
        server.cancel()
        _ = await server.result
        throw error
    }
}

/// The chunks of `base` until `limit` of them went by, then an interruption: a failure (a
/// connection lost mid-range) or silence (a sender that stalls: an hour, or until cancelled).
struct CutChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    struct Lost: Error {}
    enum Then: Sendable { case fail, stall }

    let base: ByteChunks
    let limit: Int
    var then = Then.fail

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), left: limit, then: then) }

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: ByteChunks.AsyncIterator
        var left: Int
        let then: Then

        mutating func next() async throws -> ByteBuffer? {
            if left == 0 {
                switch then {
                case .fail: throw Lost()
                case .stall: try await Task.sleep(for: .seconds(3600))
                }
            }
            left -= 1
            return try await base.next()
        }
    }
}

/// Police with `count` districts, and a fresh city hall trusting police's key (make more with ``newHall()``).
final class StreamedCity {
    let pair: PoliceAndCityHall
    var police: LedgerStore { pair.police.store }
    var hall: LedgerStore { pair.hall.store }

    init(events count: Int) throws {
        pair = try PoliceAndCityHall()
        var index = 0
        _ = try pair.police.store.append(signer: pair.police.signer) {
            guard index < count else { return nil }
            defer { index += 1 }
            return try PoliceAndCityHall.district("d\(index)")
        }
    }

    /// Another empty city hall trusting police.
    func newHall(_ name: String) throws -> LedgerStore {
        let opened = try LedgerDirectory(path: pair.folder + "/" + name).initialize(
            identity: LedgerIdentity(city: "springfield", office: "cityhall"), projector: CivicProjector())
        try opened.store.trust(office: "police", verifier: pair.police.signer.verifier)
        return opened.store
    }

    /// Police's range after `after`, with its header altered by `header` and its lines by `lines`.
    func range(header: (RangeHeader) -> RangeHeader = { $0 }, lines: ([[UInt8]]) -> [[UInt8]] = { $0 }) async throws -> RangeStream {
        let range = try await LocalPeer(store: police).fetch(office: "police", after: 0)
        var bytes: [UInt8] = []
        for try await chunk in range.events { bytes += Array(buffer: chunk) }
        let edited = lines(bytes.split(separator: 0x0A).map(Array.init)).map { $0 + [0x0A] }.joined()
        return RangeStream(header: header(range.header), events: ByteChunks([ByteBuffer(bytes: Array(edited))]))
    }
}

@Suite("Ranges streamed over HTTP")
struct RangeStreamTests {
    /// A range of several read chunks pushed to one node and pulled from another, each in one request.
    @Test func aLongRangeStreamsBothWays() async throws {
        let city = try StreamedCity(events: 10_000)
        defer { withExtendedLifetime(city) {} }
        let pushed = try await withServer(city.hall) { url async throws in
            try await SyncEngine.round(local: LocalPeer(store: city.police), remote: HTTPPeer(base: url))
        }
        #expect(pushed.pushed["police"] == 10_000 && pushed.refused.isEmpty)
        let other = try city.newHall("cityhall-2")
        let pulled = try await withServer(city.police) { url async throws in
            try await SyncEngine.round(local: LocalPeer(store: other), remote: HTTPPeer(base: url))
        }
        #expect(pulled.pulled["police"] == 10_000 && pulled.refused.isEmpty)
        let expected = try city.police.citywideCheckpoint().logs
        #expect(try city.hall.citywideCheckpoint().logs.filter { $0.origin.hasSuffix("/police") } == expected)
        #expect(try other.citywideCheckpoint().logs.filter { $0.origin.hasSuffix("/police") } == expected)
        // Nothing more to send.
        try await withServer(city.police) { url async throws in
            await #expect(throws: PeerRefusal.self) { try await HTTPPeer(base: url).fetch(office: "police", after: 10_000) }
        }
    }

    @Test func aPushCutInTheMiddleStoresNothing() async throws {
        let city = try StreamedCity(events: 10_000)
        defer { withExtendedLifetime(city) {} }
        try await withServer(city.hall) { url async throws in
            let range = try await LocalPeer(store: city.police).fetch(office: "police", after: 0)
            let cut = RangeStream(header: range.header, events: ByteChunks(CutChunks(base: range.events, limit: 1)))
            await #expect(throws: (any Error).self) { try await HTTPPeer(base: url).push(cut) }
            #expect(try city.hall.head(office: "police") == nil)
            let whole = try await HTTPPeer(base: url).push(try await LocalPeer(store: city.police).fetch(office: "police", after: 0))
            #expect(whole.stored == 10_000)
        }
    }

    /// A client that stops sending mid-range gets 408 once the idle timeout passes, and the writer
    /// it held is free again for other ranges.
    @Test func aStalledPushIsGivenUpWith408() async throws {
        let city = try StreamedCity(events: 10_000)
        defer { withExtendedLifetime(city) {} }
        try await withServer(city.hall, rangeIdleTimeout: .seconds(1)) { url async throws in
            let range = try await LocalPeer(store: city.police).fetch(office: "police", after: 0)
            let stalled = RangeStream(header: range.header, events: ByteChunks(CutChunks(base: range.events, limit: 1, then: .stall)))
            let refusal = await #expect(throws: PeerRefusal.self) { try await HTTPPeer(base: url).push(stalled) }
            #expect(refusal?.status == 408 && refusal?.message.contains("stalled") == true, "\(String(describing: refusal))")
            #expect(try city.hall.head(office: "police") == nil)
        }
        // The writer is free: the whole range goes through (at the default timeout, whatever the load).
        try await withServer(city.hall) { url async throws in
            let whole = try await HTTPPeer(base: url).push(try await LocalPeer(store: city.police).fetch(office: "police", after: 0))
            #expect(whole.stored == 10_000)
        }
    }

    /// The receiver refuses a range whose checkpoint fails the office's key before reading its
    /// events; the client gets the answer while it is still sending.
    @Test func aRefusalArrivesWhileTheRangeIsStillSent() async throws {
        let city = try StreamedCity(events: 20_000)
        defer { withExtendedLifetime(city) {} }
        let untrusting = try LedgerDirectory(path: city.pair.folder + "/works").initialize(
            identity: LedgerIdentity(city: "springfield", office: "works"), projector: CivicProjector())
        // It trusts another key for police than the one police signs with.
        try untrusting.store.trust(office: "police", verifier: try NoteSigner(name: "civic/springfield/police").verifier)
        try await withServer(untrusting.store) { url async throws in
            let refusal = await #expect(throws: PeerRefusal.self) {
                try await HTTPPeer(base: url).push(try await LocalPeer(store: city.police).fetch(office: "police", after: 0))
            }
            #expect(refusal?.status == 422 && refusal?.message.contains("checkpoint of police") == true, "\(String(describing: refusal))")
            #expect(try untrusting.store.eventCount() == 0)
            // The connection was given up, not the server: it still answers.
            #expect(try await HTTPPeer(base: url).status().office == "works")
        }
    }

    @Test func aRangeWithFewerOrMoreLinesThanAnnouncedIsRefused() async throws {
        let city = try StreamedCity(events: 10)
        defer { withExtendedLifetime(city) {} }
        try await withServer(city.hall) { url async throws in
            let truncated = await #expect(throws: PeerRefusal.self) {
                try await HTTPPeer(base: url).push(try await city.range(lines: { Array($0.dropLast()) }))
            }
            #expect(truncated?.status == 400 && truncated?.message.contains("truncated") == true)
            let padded = await #expect(throws: PeerRefusal.self) {
                try await HTTPPeer(base: url).push(try await city.range(lines: { $0 + [$0[0]] }))
            }
            #expect(padded?.status == 400 && padded?.message.contains("carries more") == true)
            let long = await #expect(throws: PeerRefusal.self) {
                try await HTTPPeer(base: url).push(try await city.range(lines: { [Array(repeating: 0x20, count: 70_000)] + $0.dropFirst() }))
            }
            #expect(long?.status == 400 && long?.message.contains("longer than") == true)
            #expect(try city.hall.head(office: "police") == nil)
        }
        // In process, the same checks refuse with a WireError.
        await #expect(throws: WireError.self) {
            try await LocalPeer(store: city.hall).push(try await city.range(lines: { Array($0.dropLast()) }))
        }
        #expect(try city.hall.head(office: "police") == nil)
    }

    @Test func theWireFormSplitsAnywhere() async throws {
        let city = try StreamedCity(events: 50)
        defer { withExtendedLifetime(city) {} }
        let range = try await LocalPeer(store: city.police).fetch(office: "police", after: 0)
        var wire: [UInt8] = []
        for try await chunk in try range.wire() { wire += Array(buffer: chunk) }
        // One byte per chunk: the header and every line cross chunk boundaries.
        let bytewise = try await RangeStream.read(ByteChunks(wire.map { ByteBuffer(bytes: [$0]) }), office: "police")
        #expect(bytewise.header == range.header)
        let summary = try await LocalPeer(store: city.hall).push(bytewise)
        #expect(summary.stored == 50)
        await #expect(throws: WireError.self) { try await RangeStream.read(ByteChunks([ByteBuffer(bytes: wire)]), office: "transport") }
        await #expect(throws: WireError.self) { try await RangeStream.read(ByteChunks([]), office: "police") }
    }
}
