import CivicDomain
import CivicTestSupport
import Foundation
import Hummingbird
import LedgerCore
import LedgerStore
import LedgerSync
import Logging
import NIOCore
import Testing

/// An HTTP server on 127.0.0.1 answering as `routes` say (a peer that lies), while `body` runs.
func withHostilePeer<T: Sendable>(_ routes: @Sendable (Router<BasicRequestContext>) -> Void, _ body: (String) async throws -> T) async throws -> T {
    let (ports, announce) = AsyncStream<Int>.makeStream()
    let router = Router()
    routes(router)
    let quiet = Logger(label: "hostile", factory: { _ in SwiftLogNoOpLogHandler() })
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in announce.yield(channel.localAddress?.port ?? 0) }, logger: quiet)
    let server = Task { try await app.runService() }
    defer { server.cancel() }
    var iterator = ports.makeAsyncIterator()
    let port = try #require(await iterator.next())
    return try await body("http://127.0.0.1:\(port)")
}

/// A peer's answers are checked like everything else that crosses the network: a lying peer gets
/// its range refused or its round ended, never a crash, a loop or a request sent elsewhere.
@Suite("Hostile peers")
struct HostilePeerTests {
    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The peer claims a billion police events and answers every request for them with the same
    /// genuine first range; it answers a push with a negative size. The round ends, having stored
    /// the one genuine range, with both lies refused.
    @Test func aLyingPeerNeitherCrashesNorLoopsARound() async throws {
        let city = try StreamedCity(events: 50)
        defer { withExtendedLifetime(city) {} }
        var genuine: [UInt8] = []
        let range = try await LocalPeer(store: city.police).fetch(office: "police", after: 0)
        for try await chunk in try range.wire() { genuine += Array(buffer: chunk) }
        let body = genuine
        _ = try city.pair.city.record("cityhall", "district.defined", "2026-01-01", Bodies.district("h1"))
        let report = try await withHostilePeer({ router in
            router.get("/v1/status") { _, _ in
                Self.json(#"{"city":"springfield","office":"evil","registrar":null,"logs":[{"office":"police","size":1000000000,"root":"\#(Hash.sha256([]).base64)","checkpoint":null}]}"#)
            }
            router.get("/v1/logs/police/events") { _, _ in
                Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
            }
            router.post("/v1/logs/{office}/events") { request, _ in
                _ = try await request.body.collect(upTo: 1 << 24)
                return Self.json(#"{"office":"cityhall","stored":1,"already_held":0,"size":-1}"#)
            }
            router.post("/v1/checkpoints") { _, _ in Self.json(#"{"verdict":"consistent"}"#) }
        }) { url in
            try await SyncEngine.round(local: LocalPeer(store: city.hall), remote: HTTPPeer(base: url))
        }
        #expect(report.pulled["police"] == 50)
        #expect(report.refused["police"]?.contains("when asked for police after 50") == true, "\(report.refused)")
        #expect(report.refused["cityhall"]?.contains("bad size") == true, "\(report.refused)")
        #expect(try city.hall.head(office: "police")?.size == 50)
    }

    /// A peer that redirects is not followed: the request never reaches the other address.
    @Test func redirectsAreNotFollowed() async throws {
        let city = try StreamedCity(events: 1)
        defer { withExtendedLifetime(city) {} }
        let reached = LockedCounter()
        try await withHostilePeer({ router in
            router.get("/{path}") { _, _ in
                reached.increment()
                return Self.json("{}")
            }
        }) { canary in
            try await withHostilePeer({ router in
                router.get("/v1/status") { _, _ in
                    Response(status: .found, headers: [.location: canary + "/status"], body: .init(byteBuffer: ByteBuffer()))
                }
            }) { url in
                let error = await #expect(throws: PeerRefusal.self) {
                    try await SyncEngine.round(local: LocalPeer(store: city.hall), remote: HTTPPeer(base: url))
                }
                #expect(error?.status == 302)
            }
        }
        #expect(reached.value == 0)
    }
}

/// A counter shared with a server's handlers.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
