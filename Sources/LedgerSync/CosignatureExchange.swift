import AsyncHTTPClient
import Hummingbird
import LedgerCore
import LedgerStore
import NIOCore
import NIOHTTP1

/// Cosignatures as they travel (`GET` and `POST /v1/cosignatures`):
/// `{"cosignatures": [{"office": "police", "checkpoint": "<signed note>", "cosignature": "— civic/… base64\n"}]}`.
enum CosignatureJSON {
    static func encode(_ items: [CosignedCheckpoint]) throws -> [UInt8] {
        let entries: [JSONValue] = items.map { item in
            .object([
                ("checkpoint", .string(item.note)), ("cosignature", .string(item.cosignature.noteSignature.line)), ("office", .string(item.office)),
            ])
        }
        return try CanonicalJSON.encode(.object([("cosignatures", .array(entries))]))
    }

    static func decode(_ value: JSONValue) throws -> [CosignedCheckpoint] {
        guard let entries = value["cosignatures"]?.arrayValue else { throw WireError(#"the body must be {"cosignatures": [...]}"#) }
        guard entries.count <= LedgerStore.maximumCosignaturesPerExchange else {
            throw WireError("at most \(LedgerStore.maximumCosignaturesPerExchange) cosignatures at once")
        }
        return try entries.map { entry in
            guard let office = entry["office"]?.stringValue, let note = entry["checkpoint"]?.stringValue, let line = entry["cosignature"]?.stringValue,
                let cosignature = Cosignature(line: line)
            else { throw WireError("a cosignature entry needs office, checkpoint and one cosignature line (— name base64)") }
            return CosignedCheckpoint(office: office, note: note, cosignature: cosignature)
        }
    }
}

extension LocalPeer {
    /// With the office key, cosigns what it has not yet first.
    public func cosignatures() async throws -> [CosignedCheckpoint] {
        if let signer { try await store.cosignHeads(as: signer, now: now) }
        return try await store.cosignatures()
    }

    public func keep(cosignatures: [CosignedCheckpoint]) async throws -> LedgerStore.CosignatureIntake {
        try await store.keep(cosignatures: cosignatures, now: now)
    }
}

extension HTTPPeer {
    public func cosignatures() async throws -> [CosignedCheckpoint] {
        let bytes = try await Self.answer(try await client.execute(HTTPClientRequest(url: base + "/v1/cosignatures"), timeout: .seconds(60)))
        do {
            return try CosignatureJSON.decode(try JSONParser.parse(bytes, profile: .general))
        } catch let error as WireError {
            throw error
        } catch {
            throw WireError("the cosignatures answer is not JSON: \(error)")
        }
    }

    public func keep(cosignatures: [CosignedCheckpoint]) async throws -> LedgerStore.CosignatureIntake {
        var request = HTTPClientRequest(url: base + "/v1/cosignatures")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try CosignatureJSON.encode(cosignatures)))
        let bytes = try await Self.answer(try await client.execute(request, timeout: .seconds(60)))
        guard let value = try? JSONParser.parse(bytes, profile: .general), let kept = value["kept"]?.integerValue else {
            throw WireError("the cosignatures answer has no kept count")
        }
        var intake = LedgerStore.CosignatureIntake()
        intake.kept = Int(kept)
        intake.refused = (value["refused"]?.arrayValue ?? []).compactMap(\.stringValue)
        return intake
    }
}

extension SyncServer {
    /// The largest cosignatures body: 4,096 entries of a checkpoint note and a line.
    static let maximumCosignatureBytes = 4 * 1024 * 1024

    /// `GET /v1/cosignatures`: the cosignatures held for the current checkpoints (cosigning first
    /// with the node's key); `POST /v1/cosignatures`: cosignatures found elsewhere, each kept only
    /// once it verifies (PUBLISH.md §3). Answers `{"kept": N, "already_held": H, "ahead": A, "refused": [...]}`.
    func addCosignatureRoutes(to router: Router<BasicRequestContext>) {
        let store = self.store
        let witness = self.witness
        router.get("/v1/cosignatures") { _, _ in
            do {
                if let witness { try await store.cosignHeads(as: witness) }
                return Self.json(try CosignatureJSON.encode(try await store.cosignatures()))
            } catch {
                throw HTTPStatusMapping.httpError(error)
            }
        }
        router.post("/v1/cosignatures") { request, _ in
            let items: [CosignedCheckpoint]
            do {
                items = try CosignatureJSON.decode(try await Self.jsonBody(of: request, upTo: Self.maximumCosignatureBytes))
            } catch let error as WireError {
                throw HTTPError(.badRequest, message: error.description)
            }
            let intake: LedgerStore.CosignatureIntake
            do {
                intake = try await store.keep(cosignatures: items)
            } catch {
                throw HTTPStatusMapping.httpError(error)
            }
            return Self.json(try CanonicalJSON.encode(.object([
                ("ahead", .integer(Int64(intake.ahead))), ("already_held", .integer(Int64(intake.alreadyHeld))),
                ("forks", .array(intake.forks.map { .string($0) })), ("kept", .integer(Int64(intake.kept))),
                ("refused", .array(intake.refused.prefix(20).map { .string($0) })),
            ])))
        }
    }
}
