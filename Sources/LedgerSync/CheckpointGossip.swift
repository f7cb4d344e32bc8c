import AsyncHTTPClient
import LedgerCore
import LedgerStore
import NIOCore
import NIOHTTP1

/// A peer that can be shown a signed checkpoint seen elsewhere (`POST /v1/checkpoints`); every sync peer is one.
public protocol CheckpointGossip: Sendable {
    func consider(checkpoint: String, office: String) async throws -> GossipVerdict
}

extension LocalPeer {
    public func consider(checkpoint: String, office: String) async throws -> GossipVerdict {
        try store.consider(checkpoint: checkpoint, office: office)
    }
}

extension HTTPPeer {
    public func consider(checkpoint: String, office: String) async throws -> GossipVerdict {
        var request = HTTPClientRequest(url: base + "/v1/checkpoints")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let body: JSONValue = .object([("checkpoint", .string(checkpoint)), ("office", .string(office))])
        request.body = .bytes(ByteBuffer(bytes: try CanonicalJSON.encode(body)))
        let bytes = try await Self.answer(try await client.execute(request, timeout: .seconds(30)))
        guard let text = (try? JSONParser.parse(bytes, profile: .general))?["verdict"]?.stringValue, let verdict = GossipVerdict(rawValue: text) else {
            throw WireError("the gossip answer has no verdict")
        }
        return verdict
    }
}

/// Which checkpoints two nodes should show each other after comparing their status: for every
/// office both hold, the smaller log's checkpoint goes to the node with the larger log (which can
/// check it against its own prefix), and at equal sizes with different roots each goes to the
/// other. Converged nodes exchange nothing.
public struct GossipPlan: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public let office: String
        public let checkpoint: String
    }

    /// Checkpoints of the local node to show the remote one, and the other way.
    public let toRemote: [Item]
    public let toLocal: [Item]

    public init(local: [HeldLog], remote: [HeldLog]) {
        let theirs = Dictionary(remote.map { ($0.office, $0) }, uniquingKeysWith: { first, _ in first })
        var toRemote: [Item] = []
        var toLocal: [Item] = []
        for mine in local.sorted(by: { $0.office < $1.office }) {
            guard let other = theirs[mine.office], mine.size > 0, other.size > 0 else { continue }
            if mine.size < other.size || (mine.size == other.size && mine.root != other.root) {
                if let note = mine.checkpoint { toRemote.append(Item(office: mine.office, checkpoint: note)) }
            }
            if other.size < mine.size || (mine.size == other.size && mine.root != other.root) {
                if let note = other.checkpoint { toLocal.append(Item(office: other.office, checkpoint: note)) }
            }
        }
        self.toRemote = toRemote
        self.toLocal = toLocal
    }

    /// Shows each side the other's checkpoints; returns the offices where a side found a fork.
    public func run(local: some CheckpointGossip, remote: some CheckpointGossip) async -> [String] {
        var forks: [String] = []
        for item in toRemote where (try? await remote.consider(checkpoint: item.checkpoint, office: item.office)) == .fork {
            forks.append(item.office)
        }
        for item in toLocal where (try? await local.consider(checkpoint: item.checkpoint, office: item.office)) == .fork {
            forks.append(item.office)
        }
        return forks.sorted()
    }
}
