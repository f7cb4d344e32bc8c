import AsyncHTTPClient
import Foundation
import LedgerCore
import LedgerStore
import NIOCore
import NIOHTTP1

/// A node reached over HTTP, as a sync peer.
public struct HTTPPeer: SyncPeer {
    public let base: String
    let client: HTTPClient
    /// The largest response body read.
    static let maximumResponseBytes = 256 * 1024 * 1024

    /// - Parameter base: e.g. `http://127.0.0.1:8080` (no trailing slash needed).
    public init(base: String, client: HTTPClient = .shared) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.client = client
    }

    public func status() async throws -> PeerStatus {
        try StatusJSON.decode(try await send(HTTPClientRequest(url: base + "/v1/status")))
    }

    public func fetch(office: String, after: UInt64) async throws -> RangeBatch {
        try RangeBatchCodec.decode(try await send(HTTPClientRequest(url: base + "/v1/logs/\(office)/events?after=\(after)")), office: office)
    }

    public func push(_ batch: RangeBatch) async throws -> ReceiveSummary {
        var request = HTTPClientRequest(url: base + "/v1/logs/\(batch.office)/events")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: RangeBatchCodec.contentType)
        request.body = .bytes(ByteBuffer(bytes: try RangeBatchCodec.encode(batch, after: batch.after)))
        let reply = try JSONParser.parse(try await send(request), profile: .general)
        return ReceiveSummary(
            office: batch.office, stored: Int(reply["stored"]?.integerValue ?? 0), alreadyHeld: Int(reply["already_held"]?.integerValue ?? 0),
            size: UInt64(reply["size"]?.integerValue ?? 0), aheadOfClock: Int(reply["ahead_of_clock"]?.integerValue ?? 0))
    }

    /// Sends a request and returns the body; a refusal (422) becomes a ``StoreError``-like ``PeerRefusal``.
    private func send(_ request: HTTPClientRequest) async throws -> [UInt8] {
        let response = try await client.execute(request, timeout: .seconds(120))
        let body = try await response.body.collect(upTo: Self.maximumResponseBytes)
        let bytes = Array(buffer: body)
        guard response.status == .ok else {
            let message = (try? JSONParser.parse(bytes, profile: .general))?["error"]?["message"]?.stringValue
                ?? String(decoding: bytes.prefix(300), as: UTF8.self)
            throw PeerRefusal(status: Int(response.status.code), message: message)
        }
        return bytes
    }
}

/// A peer answered with an error status.
public struct PeerRefusal: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let message: String

    public var description: String { "peer answered \(status): \(message)" }
}
