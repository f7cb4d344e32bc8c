import AsyncHTTPClient
import Foundation
import LedgerCore
import LedgerStore
import NIOCore
import NIOHTTP1

/// A node reached over HTTP, as a sync peer. Ranges stream both ways: a fetched range is read
/// from the response body as the receiving store consumes it, a pushed one is sent as a streamed
/// request body (chunked) as it is read from its source.
public struct HTTPPeer: SyncPeer {
    public let base: String
    let client: HTTPClient
    /// The largest answer read whole (status, receive summaries, errors).
    static let maximumAnswerBytes = 16 * 1024 * 1024

    /// The client sync uses unless given another: it follows no redirect (a peer cannot send this
    /// node's requests to another address) and decompresses nothing.
    public static let client = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .init(redirectConfiguration: .disallow, decompression: .disabled))

    /// - Parameter base: e.g. `http://127.0.0.1:8080` (no trailing slash needed).
    public init(base: String, client: HTTPClient = HTTPPeer.client) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.client = client
    }

    public func status() async throws -> PeerStatus {
        let response = try await client.execute(HTTPClientRequest(url: base + "/v1/status"), timeout: .seconds(120))
        return try StatusJSON.decode(try await Self.answer(response))
    }

    /// Starts `GET /v1/logs/{office}/events?after=N`; the events are read as the returned range is
    /// consumed. (The 120 s timeout covers the answer's head; the body streams without a deadline.)
    public func fetch(office: String, after: UInt64) async throws -> RangeStream {
        let response = try await client.execute(
            HTTPClientRequest(url: base + "/v1/logs/\(office)/events?after=\(after)"), timeout: .seconds(120))
        guard response.status == .ok else { throw await Self.refusal(response) }
        return try await RangeStream.read(ByteChunks(response.body), office: office)
    }

    /// `POST /v1/logs/{office}/events` with the range streamed as the body. The peer answers once
    /// it has stored the range (or at its first refusal), so the deadline grows with the range:
    /// two minutes plus a millisecond per event (at most a day more).
    public func push(_ range: RangeStream) async throws -> ReceiveSummary {
        var request = HTTPClientRequest(url: base + "/v1/logs/\(range.office)/events")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: RangeBatchCodec.contentType)
        request.body = .stream(try range.wire(), length: .unknown)
        let timeout = TimeAmount.seconds(120) + .milliseconds(Int64(min(range.header.count, 100_000_000)))
        let bytes = try await Self.answer(try await client.execute(request, timeout: timeout))
        let reply: JSONValue
        do {
            reply = try JSONParser.parse(bytes, profile: .general)
        } catch {
            throw WireError("the peer's answer to a pushed range is not JSON: \(error)")
        }
        /// A count the answer must carry, a non-negative safe integer (a peer's answer is not trusted either).
        func count(_ name: String, required: Bool = true) throws -> Int {
            guard let value = reply[name] else {
                if required { throw WireError("the peer's answer to a pushed range lacks \(name)") }
                return 0
            }
            guard let number = value.integerValue, number >= 0, number <= JSONParser.maximumSafeInteger else {
                throw WireError("the peer's answer to a pushed range has a bad \(name)")
            }
            return Int(number)
        }
        return ReceiveSummary(
            office: range.office, stored: try count("stored"), alreadyHeld: try count("already_held"), size: UInt64(try count("size")),
            aheadOfClock: try count("ahead_of_clock", required: false), quarantined: try count("quarantined", required: false))
    }

    /// The body of a short answer; an error status becomes a ``PeerRefusal``.
    static func answer(_ response: HTTPClientResponse) async throws -> [UInt8] {
        guard response.status == .ok else { throw await refusal(response) }
        return Array(buffer: try await response.body.collect(upTo: maximumAnswerBytes))
    }

    /// An error answer, with the peer's one-line message.
    private static func refusal(_ response: HTTPClientResponse) async -> PeerRefusal {
        let bytes = (try? await response.body.collect(upTo: 64 * 1024)).map { Array(buffer: $0) } ?? []
        let parsed = (try? JSONParser.parse(bytes, profile: .general))?["error"]?["message"]?.stringValue
        let message = parsed ?? String(decoding: bytes.prefix(300), as: UTF8.self)
        return PeerRefusal(status: Int(response.status.code), message: message)
    }
}

/// A peer answered with an error status.
public struct PeerRefusal: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let message: String

    public var description: String { "peer answered \(status): \(message)" }
}
