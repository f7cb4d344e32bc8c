import Hummingbird
import LedgerCore
import LedgerStore
import Logging
import NIOCore

extension SyncServer {
    /// The largest gossip body: one checkpoint note and its office.
    static let maximumGossipBytes = 16 * 1024

    /// Inclusion and consistency proofs, and checkpoint gossip (see `Protocol/PROTOCOL.md`).
    func addProofRoutes(to router: Router<BasicRequestContext>) {
        let store = self.store
        Self.addProofRoute(to: router, kind: "inclusion", required: "seq", optional: "size") { office, seq, size in
            try await store.inclusionProofAsync(office: office, seq: seq, size: size).json
        }
        Self.addProofRoute(to: router, kind: "consistency", required: "from", optional: "to") { office, from, to in
            try await store.consistencyProofAsync(office: office, from: from, to: to).json
        }
        router.post("/v1/checkpoints") { request, context in
            let value = try await Self.jsonBody(of: request, upTo: Self.maximumGossipBytes)
            guard let office = value["office"]?.stringValue, let note = value["checkpoint"]?.stringValue else {
                throw HTTPError(.badRequest, message: #"the body must be {"office": "…", "checkpoint": "<signed note>"}"#)
            }
            let verdict: GossipVerdict
            do {
                verdict = try await store.considerAsync(checkpoint: note, office: office)
            } catch {
                throw HTTPStatusMapping.httpError(error)
            }
            if verdict == .fork { context.logger.warning("a checkpoint of \(office) seen elsewhere contradicts the log held here: kept as fork evidence") }
            let held = try await store.headAsync(office: office)?.size ?? 0
            return Self.json(
                try CanonicalJSON.encode(.object([("office", .string(office)), ("held_size", .integer(Int64(held))), ("verdict", .string(verdict.rawValue))])))
        }
    }

    /// `GET /v1/forks`: every fork proof held here; `POST /v1/forks`: a fork proof found elsewhere,
    /// kept only once it verifies under the office's key (a proof that does not is 422: nothing
    /// unsigned makes a node distrust an office).
    func addForkRoutes(to router: Router<BasicRequestContext>) {
        let store = self.store
        router.get("/v1/forks") { _, _ in
            let entries: [JSONValue] = try await store.forkProofsAsync().map { .object([("office", .string($0.office)), ("proof", $0.proof.json)]) }
            return Self.json(try CanonicalJSON.encode(.object([("forks", .array(entries))])))
        }
        router.post("/v1/forks") { request, context in
            let value = try await Self.jsonBody(of: request, upTo: Self.maximumForkProofBytes)
            guard let office = value["office"]?.stringValue, let json = value["proof"] else {
                throw HTTPError(.badRequest, message: #"the body must be {"office": "…", "proof": {…}}"#)
            }
            let new: Bool
            do {
                new = try await store.keepAsync(try ForkProof(json: json), office: office)
            } catch {
                throw HTTPStatusMapping.httpError(error)
            }
            if new { context.logger.warning("kept a fork proof of \(office) found elsewhere: the office signed two histories") }
            return Self.json(try CanonicalJSON.encode(.object([("office", .string(office)), ("new", .bool(new))])))
        }
    }

    /// The largest fork proof body: two notes and a consistency proof of at most 128 hashes.
    static let maximumForkProofBytes = 64 * 1024

    /// A small JSON request body, read whole up to `limit` bytes (more is 413), parsed (else 400).
    static func jsonBody(of request: Request, upTo limit: Int) async throws -> JSONValue {
        let body = try await request.body.collect(upTo: limit)
        do {
            return try JSONParser.parse(Array(buffer: body), profile: .general)
        } catch {
            throw HTTPError(.badRequest, message: "the body is not JSON: \(error)")
        }
    }

    /// `GET /v1/logs/{office}/proof/KIND?REQUIRED=N[&OPTIONAL=M]`: the proof's JSON; a missing or
    /// malformed number is 400, a log or size not held here 404.
    private static func addProofRoute(
        to router: Router<BasicRequestContext>, kind: String, required: String, optional: String,
        prove: @escaping @Sendable (String, UInt64, UInt64?) async throws -> JSONValue
    ) {
        router.get("/v1/logs/{office}/proof/\(kind)") { request, context in
            let office = try context.parameters.require("office")
            guard let first = request.uri.queryParameters.get(required, as: UInt64.self) else {
                throw HTTPError(.badRequest, message: "\(required)=N is required (a positive integer)")
            }
            let second = try optionalNumber(request, optional)
            let proof: JSONValue
            do {
                proof = try await prove(office, first, second)
            } catch {
                throw HTTPStatusMapping.httpError(error)
            }
            return json(try CanonicalJSON.encode(proof))
        }
    }

    private static func optionalNumber(_ request: Request, _ name: String) throws -> UInt64? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = UInt64(text) else { throw HTTPError(.badRequest, message: "\(name)=\(text) is not a positive integer") }
        return value
    }
}
