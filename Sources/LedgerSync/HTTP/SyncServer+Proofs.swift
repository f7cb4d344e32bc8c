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
        router.get("/v1/logs/{office}/proof/inclusion") { request, context in
            let office = try context.parameters.require("office")
            let parameters = request.uri.queryParameters
            guard let seq = parameters.get("seq", as: UInt64.self) else { throw HTTPError(.badRequest, message: "seq=N is required (a positive integer)") }
            let size = try Self.optionalNumber(request, "size")
            let proof = try Self.answering { try store.inclusionProof(office: office, seq: seq, size: size) }
            return Self.json(try CanonicalJSON.encode(proof.json))
        }
        router.get("/v1/logs/{office}/proof/consistency") { request, context in
            let office = try context.parameters.require("office")
            let parameters = request.uri.queryParameters
            guard let from = parameters.get("from", as: UInt64.self) else { throw HTTPError(.badRequest, message: "from=M is required (a positive integer)") }
            let to = try Self.optionalNumber(request, "to")
            let proof = try Self.answering { try store.consistencyProof(office: office, from: from, to: to) }
            return Self.json(try CanonicalJSON.encode(proof.json))
        }
        router.post("/v1/checkpoints") { request, context in
            let body = try await request.body.collect(upTo: Self.maximumGossipBytes)
            let value: JSONValue
            do {
                value = try JSONParser.parse(Array(buffer: body), profile: .general)
            } catch {
                throw HTTPError(.badRequest, message: "the body is not JSON: \(error)")
            }
            guard let office = value["office"]?.stringValue, let note = value["checkpoint"]?.stringValue else {
                throw HTTPError(.badRequest, message: #"the body must be {"office": "…", "checkpoint": "<signed note>"}"#)
            }
            let verdict: GossipVerdict
            do {
                verdict = try store.consider(checkpoint: note, office: office)
            } catch let error as StoreError {
                throw HTTPError(.unprocessableContent, message: error.description)
            }
            if verdict == .fork { context.logger.warning("a checkpoint of \(office) seen elsewhere contradicts the log held here: kept as fork evidence") }
            let held = try store.head(office: office)?.size ?? 0
            return Self.json(
                try CanonicalJSON.encode(.object([("office", .string(office)), ("held_size", .integer(Int64(held))), ("verdict", .string(verdict.rawValue))])))
        }
    }

    private static func optionalNumber(_ request: Request, _ name: String) throws -> UInt64? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = UInt64(text) else { throw HTTPError(.badRequest, message: "\(name)=\(text) is not a positive integer") }
        return value
    }

    /// Runs a store read; its refusals (no such log, out of range) become 404s.
    private static func answering<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw HTTPError(.notFound, message: error.description)
        }
    }
}
