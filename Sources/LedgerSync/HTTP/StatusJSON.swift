import LedgerCore
import LedgerStore

/// `GET /v1/status` as JSON, both ways.
enum StatusJSON {
    static func encode(
        _ status: PeerStatus, citywide: CitywideCheckpoint, forks: [ForkRecord] = [], clockFlags: [String: Int64] = [:]
    ) throws -> [UInt8] {
        var cosigned: [(String, JSONValue)] = []
        if let digest = status.cosignatureDigest { cosigned.append(("cosignatures", .string(digest))) }
        let logs: [JSONValue] = status.logs.map { log in
            .object([
                ("office", .string(log.office)), ("size", .integer(Int64(log.size))), ("root", .string(log.root.base64)),
                ("checkpoint", log.checkpoint.map { .string($0) } ?? .null),
            ])
        }
        let value: JSONValue = .object([
            ("city", .string(status.city)), ("office", .string(status.office)), ("registrar", status.registrar.map { .string($0) } ?? .null),
            ("logs", .array(logs)),
            ("citywide", .object([("hash", .string(citywide.hash.hex)), ("events", .integer(Int64(citywide.size)))])),
            ("forks", .array(forks.map {
                .object([("office", .string($0.office)), ("seq", .integer(Int64($0.seq))), ("reason", .string($0.reason)), ("digest", .string($0.digest))])
            })),
            ("clock_ahead_ms", .object(clockFlags.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) })),
        ] + cosigned)
        return try CanonicalJSON.encode(value)
    }

    static func decode(_ bytes: [UInt8]) throws -> PeerStatus {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, profile: .general)
        } catch {
            throw WireError("status: \(error)")
        }
        guard let city = value["city"]?.stringValue, let office = value["office"]?.stringValue, let logs = value["logs"]?.arrayValue else {
            throw WireError("status needs city, office and logs")
        }
        let held: [HeldLog] = try logs.map { log in
            guard let name = log["office"]?.stringValue, let size = log["size"]?.integerValue, size >= 0,
                let root = log["root"]?.stringValue.flatMap({ Hash(base64: $0) })
            else { throw WireError("status log entries need office, size and root") }
            return HeldLog(office: name, size: UInt64(size), root: root, checkpoint: log["checkpoint"]?.stringValue)
        }
        let forks = (value["forks"]?.arrayValue ?? []).compactMap { $0["digest"]?.stringValue }
        return PeerStatus(
            city: city, office: office, registrar: value["registrar"]?.stringValue, logs: held, forkDigests: Set(forks),
            cosignatureDigest: value["cosignatures"]?.stringValue)
    }
}
