import AsyncHTTPClient
import LedgerCore
import LedgerStore
import NIOCore
import NIOHTTP1

/// A peer that can be shown a signed checkpoint seen elsewhere (`POST /v1/checkpoints`), and that
/// shares the fork proofs it holds (`GET` and `POST /v1/forks`); every sync peer is one.
public protocol CheckpointGossip: Sendable {
    func consider(checkpoint: String, office: String) async throws -> GossipVerdict
    /// The fork proofs the peer holds, with their office.
    func forkProofs() async throws -> [(office: String, proof: ForkProof)]
    /// Gives the peer a fork proof, which it keeps only once it verified it; returns whether it was new there.
    func keep(_ proof: ForkProof, office: String) async throws -> Bool
    /// The cosignatures the peer holds for current checkpoints (a witnessing peer cosigns first).
    func cosignatures() async throws -> [CosignedCheckpoint]
    /// Gives the peer cosignatures, which it keeps only once each verifies.
    func keep(cosignatures: [CosignedCheckpoint]) async throws -> LedgerStore.CosignatureIntake
}

extension LocalPeer {
    public func consider(checkpoint: String, office: String) async throws -> GossipVerdict {
        try await store.considerAsync(checkpoint: checkpoint, office: office)
    }

    public func forkProofs() async throws -> [(office: String, proof: ForkProof)] {
        try await store.forkProofsAsync().map { ($0.office, $0.proof) }
    }

    public func keep(_ proof: ForkProof, office: String) async throws -> Bool {
        try await store.keepAsync(proof, office: office)
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

    public func forkProofs() async throws -> [(office: String, proof: ForkProof)] {
        let bytes = try await Self.answer(try await client.execute(HTTPClientRequest(url: base + "/v1/forks"), timeout: .seconds(30)))
        guard let entries = (try? JSONParser.parse(bytes, profile: .general))?["forks"]?.arrayValue else {
            throw WireError("the fork proofs answer has no forks list")
        }
        return try entries.map { entry in
            guard let office = entry["office"]?.stringValue, let proof = entry["proof"] else { throw WireError("a fork proof entry needs office and proof") }
            do {
                return (office, try ForkProof(json: proof))
            } catch {
                throw WireError("a fork proof of \(office): \(error)")
            }
        }
    }

    public func keep(_ proof: ForkProof, office: String) async throws -> Bool {
        var request = HTTPClientRequest(url: base + "/v1/forks")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try CanonicalJSON.encode(.object([("office", .string(office)), ("proof", proof.json)]))))
        let bytes = try await Self.answer(try await client.execute(request, timeout: .seconds(30)))
        return (try? JSONParser.parse(bytes, profile: .general))?["new"]?.boolValue ?? false
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

    /// Gives each side the fork proofs only the other holds (each verifies before keeping one), so a
    /// fork found anywhere is known everywhere; returns the offices of the proofs that were new.
    public static func shareForkProofs(
        local: some CheckpointGossip, localHolds: Set<String>, remote: some CheckpointGossip, remoteHolds: Set<String>
    ) async -> [String] {
        var offices: [String] = []
        if !localHolds.subtracting(remoteHolds).isEmpty, let mine = try? await local.forkProofs() {
            for (office, proof) in mine where !remoteHolds.contains(proof.digest.hex) {
                if (try? await remote.keep(proof, office: office)) == true { offices.append(office) }
            }
        }
        if !remoteHolds.subtracting(localHolds).isEmpty, let theirs = try? await remote.forkProofs() {
            for (office, proof) in theirs where !localHolds.contains(proof.digest.hex) {
                if (try? await local.keep(proof, office: office)) == true { offices.append(office) }
            }
        }
        return offices.sorted()
    }
}
