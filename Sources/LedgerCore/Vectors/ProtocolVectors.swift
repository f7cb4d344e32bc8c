/// The test vectors published in `Protocol/vectors/`, generated from a fixed test key so another
/// implementation can check its canonical bytes, hashes, roots, proofs and signatures against them.
///
/// The key's seed is SHA-256("civicledger protocol test key v1"); never use it for a real office.
public enum ProtocolVectors {
    public static let seedText = "civicledger protocol test key v1"
    public static let origin = "civic/testville/transport"

    /// File name → contents.
    public static func files() throws -> [String: String] {
        let signer = try NoteSigner(name: origin, seed: Hash.sha256(Array(seedText.utf8)).bytes)
        let events = try sampleEvents()
        let leaves = events.map(\.leafHash)

        let key: JSONValue = .object([
            ("seed_text", .string(seedText)),
            ("seed_hex", .string(Hash.sha256(Array(seedText.utf8)).hex)),
            ("vkey", .string(signer.verifier.vkey)),
            ("skey", .string(signer.skey)),
            ("key_id_hex", .string(HexEncoding.encode(signer.verifier.keyID))),
        ])
        let eventValues: [JSONValue] = events.map { event in
            .object([
                ("seq", .integer(Int64(event.envelope.seq))),
                ("canonical", .string(String(decoding: event.canonical, as: UTF8.self))),
                ("canonical_hex", .string(HexEncoding.encode(event.canonical))),
                ("leaf_hash_hex", .string(event.leafHash.hex)),
                ("id", .string(event.id)),
            ])
        }
        var roots: [JSONValue] = []
        var checkpoints: [JSONValue] = []
        for size in 0...leaves.count {
            let root = MerkleTree.root(leaves[0..<size])
            roots.append(.object([("size", .integer(Int64(size))), ("root_hex", .string(root.hex)), ("root_base64", .string(root.base64))]))
            if size > 0 {
                let note = try SignedCheckpoint(checkpoint: Checkpoint(origin: origin, size: UInt64(size), root: root), signer: signer).note
                checkpoints.append(.object([("size", .integer(Int64(size))), ("note", .string(note.serialized))]))
            }
        }
        var inclusion: [JSONValue] = []
        for index in 0..<leaves.count {
            inclusion.append(.object([
                ("leafIdx", .integer(Int64(index))),
                ("treeSize", .integer(Int64(leaves.count))),
                ("leafHash", .string(leaves[index].base64)),
                ("root", .string(MerkleTree.root(leaves[...]).base64)),
                ("proof", .array(MerkleTree.inclusionProof(index: index, leaves: leaves[...]).map { .string($0.base64) })),
            ]))
        }
        var consistency: [JSONValue] = []
        for old in 1..<leaves.count {
            consistency.append(.object([
                ("size1", .integer(Int64(old))),
                ("size2", .integer(Int64(leaves.count))),
                ("root1", .string(MerkleTree.root(leaves[0..<old]).base64)),
                ("root2", .string(MerkleTree.root(leaves[...]).base64)),
                ("proof", .array(MerkleTree.consistencyProof(oldSize: old, leaves: leaves[...]).map { .string($0.base64) })),
            ]))
        }
        let strict: [JSONValue] = strictProfileCases().map { input, output in
            .object([("input", .string(input)), ("canonical", output.map { .string($0) } ?? .null)])
        }
        return [
            "publish.json": try publishVectors(signer: signer, leaves: leaves, events: events).prettyPrinted(),
            "key.json": try key.prettyPrinted(),
            "events.json": try JSONValue.array(eventValues).prettyPrinted(),
            "tree.json": try JSONValue.object([
                ("roots", .array(roots)), ("inclusion", .array(inclusion)), ("consistency", .array(consistency)),
            ]).prettyPrinted(),
            "checkpoints.json": try JSONValue.array(checkpoints).prettyPrinted(),
            "strict-profile.json": try JSONValue.array(strict).prettyPrinted(),
        ]
    }

    /// The witness's key for the cosignature vector: SHA-256 of this text is its seed.
    public static let witnessSeedText = "civicledger protocol test witness v1"

    /// `publish.json` (Protocol/PUBLISH.md): the citywide checkpoint of two logs, a cosignature,
    /// and the tiles of the five-event log.
    static func publishVectors(signer: NoteSigner, leaves: [Hash], events: [Event]) throws -> JSONValue {
        let city = CitywideCheckpoint(
            city: "testville",
            logs: [
                Checkpoint(origin: origin, size: UInt64(leaves.count), root: MerkleTree.root(leaves[...])),
                Checkpoint(origin: "civic/testville/parks", size: 3, root: MerkleTree.root(leaves[0..<3])),
            ])
        let witness = try NoteSigner(name: "civic/testville/police", seed: Hash.sha256(Array(witnessSeedText.utf8)).bytes)
        let note = try SignedCheckpoint(
            checkpoint: Checkpoint(origin: origin, size: UInt64(leaves.count), root: MerkleTree.root(leaves[...])), signer: signer
        ).note
        let timestamp: UInt64 = 1_767_225_600
        let cosignature = try witness.cosign(note.text, at: timestamp)
        let cosigned = SignedNote(text: note.text, signatures: note.signatures + [cosignature.noteSignature])
        var bundle: [UInt8] = []
        for event in events {
            bundle += [UInt8(event.canonical.count >> 8), UInt8(event.canonical.count & 0xFF)] + event.canonical
        }
        let tiles: JSONValue = .object([
            ("log", .string(origin)), ("size", .integer(Int64(leaves.count))),
            ("files", .array([
                .object([("path", .string(LogTiles.path(level: 0, index: 0, width: UInt64(leaves.count)))), ("hex", .string(HexEncoding.encode(leaves.flatMap(\.bytes))))]),
                .object([("path", .string(LogTiles.path(level: nil, index: 0, width: UInt64(leaves.count)))), ("hex", .string(HexEncoding.encode(bundle)))]),
            ])),
        ])
        return .object([
            ("citywide", .object([
                ("text", .string(city.text)), ("hash_hex", .string(city.hash.hex)), ("events", .integer(Int64(city.size))),
            ])),
            ("cosignature", .object([
                ("witness_name", .string(witness.name)), ("witness_seed_text", .string(witnessSeedText)),
                ("witness_public_key_hex", .string(HexEncoding.encode(witness.verifier.publicKey))),
                ("key_id_hex", .string(HexEncoding.encode(cosignature.keyID))), ("timestamp", .integer(Int64(timestamp))),
                ("message", .string(String(decoding: Cosignature.message(text: note.text, timestamp: timestamp), as: UTF8.self))),
                ("line", .string(cosignature.noteSignature.line)), ("cosigned_note", .string(cosigned.serialized)),
            ])),
            ("tiles", tiles),
            ("keys", try keyLifecycleVector()),
            ("log", .object([
                ("description", .string("`civic log --format json` of the five events: one canonical JSON object per line (PUBLISH.md §5)")),
                ("lines", .array(try events.map { .string(String(decoding: try CanonicalJSON.encode($0.logLine), as: UTF8.self)) })),
            ])),
        ])
    }

    /// A registrar's log that registers an office, rotates and revokes its keys and rotates its own,
    /// the signed checkpoints a reader needs, and the key history it gives (PUBLISH.md §4).
    static func keyLifecycleVector() throws -> JSONValue {
        func signer(_ office: String, _ seed: String) throws -> NoteSigner {
            try NoteSigner(name: "civic/testville/\(office)", seed: Hash.sha256(Array("civicledger protocol test \(seed) v1".utf8)).bytes)
        }
        let registrar = try signer("cityhall", "registrar"), registrar2 = try signer("cityhall", "registrar 2")
        let police = try signer("police", "police"), police2 = try signer("police", "police 2")
        let bodies: [(String, JSONValue)] = [
            ("office.registered", .object([("office", .string("police")), ("name", .string("Police")), ("key", .string(police.verifier.vkey))])),
            ("office.key-revoked", .object([
                ("office", .string("police")), ("key", .string(police.verifier.vkey)), ("after", .integer(5)), ("reason", .string("laptop stolen")),
            ])),
            ("office.key-rotated", .object([
                ("office", .string("police")), ("key", .string(police2.verifier.vkey)), ("from_size", .integer(6)), ("reason", .string("new laptop")),
            ])),
            ("office.key-rotated", .object([
                ("office", .string("cityhall")), ("key", .string(registrar2.verifier.vkey)), ("from_size", .integer(5)),
                ("reason", .string("yearly rotation")),
            ])),
            ("district.defined", .object([
                ("district", .string("riverside")), ("name", .string("Riverside")), ("population", .integer(41_200)),
                ("need_index", .integer(72)), ("priority", .bool(true)),
            ])),
        ]
        var events: [Event] = []
        for (offset, (type, body)) in bodies.enumerated() {
            guard let effective = LedgerDate("2026-02-01") else { throw EnvelopeError.badValue("effective", "2026-02-01") }
            events.append(try Event(envelope: EventEnvelope(
                office: "cityhall", seq: UInt64(offset + 1), prev: events.last?.leafHash,
                hlc: HLCTimestamp(wall: 1_769_904_000_000 + Int64(offset) * 1000, logical: 0), type: type, effective: effective, author: nil,
                body: body)))
        }
        let leaves = events.map(\.leafHash)
        func note(_ size: Int, _ key: NoteSigner) throws -> String {
            try SignedCheckpoint(checkpoint: Checkpoint(origin: registrar.name, size: UInt64(size), root: MerkleTree.root(leaves[0..<size])), signer: key)
                .note.serialized
        }
        func key(_ signer: NoteSigner, from: Int, revoked: Int? = nil) -> JSONValue {
            .object([
                ("from_size", .integer(Int64(from))), ("revoked_after", revoked.map { .integer(Int64($0)) } ?? .null),
                ("vkey", .string(signer.verifier.vkey)),
            ])
        }
        return .object([
            ("description", .string(
                "The registrar's log (trust root: registrar_first_vkey): police registered, its first key revoked after size 5 "
                    + "and a new key from size 6, the registrar's own key rotated from size 5 (boundary: the checkpoint of size 4 "
                    + "under its first key); history is what a reader derives, in keys.json's shape.")),
            ("registrar_first_vkey", .string(registrar.verifier.vkey)),
            ("events", .array(events.map { .string(String(decoding: $0.canonical, as: UTF8.self)) })),
            ("boundary_checkpoint", .string(try note(4, registrar))),
            ("checkpoint", .string(try note(events.count, registrar2))),
            ("history", .array([
                .object([("keys", .array([key(registrar, from: 1), key(registrar2, from: 5)])), ("office", .string("cityhall"))]),
                .object([("keys", .array([key(police, from: 1, revoked: 5), key(police2, from: 6)])), ("office", .string("police"))]),
            ])),
        ])
    }

    /// Five events of one office with fixed clocks: the chain the vectors describe.
    public static func sampleEvents() throws -> [Event] {
        let vkey = try NoteSigner(name: origin, seed: Hash.sha256(Array(seedText.utf8)).bytes).verifier.vkey
        let bodies: [(String, String, JSONValue)] = [
            ("office.registered", "2026-01-01", .object([
                ("office", .string("transport")), ("name", .string("Transport Department")),
                ("key", .string(vkey)),
            ])),
            ("district.defined", "2026-01-01", .object([
                ("district", .string("riverside")), ("name", .string("Riverside")), ("population", .integer(41_200)),
                ("need_index", .integer(72)), ("priority", .bool(true)),
            ])),
            ("district.defined", "2026-01-01", .object([
                ("district", .string("old-town")), ("name", .string("Vieux-Bourg \u{E9}t\u{E9}")), ("population", .integer(18_950)),
                ("need_index", .integer(35)), ("priority", .bool(false)),
            ])),
            ("cost.incurred", "2026-03-01", .object([
                ("system", .string("lpr-2024")), ("amount", .integer(12_000_000)), ("currency", .string("USD")),
                ("source", .string("general-fund")), ("category", .string("maintenance")),
            ])),
            ("district.defined", "2026-04-15", .object([
                ("district", .string("harbour")), ("name", .string("Harbour \"Quay\" \\ 1\n")), ("population", .integer(0)),
                ("need_index", .integer(0)), ("priority", .bool(false)),
            ])),
        ]
        var events: [Event] = []
        var prev: Hash? = nil
        for (offset, (type, date, body)) in bodies.enumerated() {
            guard let effective = LedgerDate(date) else { throw EnvelopeError.badValue("effective", date) }
            let envelope = try EventEnvelope(
                office: "transport", seq: UInt64(offset + 1), prev: prev,
                hlc: HLCTimestamp(wall: 1_767_225_600_000 + Int64(offset) * 1000, logical: Int64(offset % 2)), type: type,
                effective: effective, author: offset == 3 ? "clerk@transport" : nil, body: body)
            let event = try Event(envelope: envelope)
            events.append(event)
            prev = event.leafHash
        }
        return events
    }

    /// Inputs to the strict event profile and their canonical form (nil: refused).
    public static func strictProfileCases() -> [(String, String?)] {
        let inputs = [
            #"{"b":1,"a":"A\u030a"}"#, #"{"n":-0}"#, #"{"n":9007199254740991}"#, #"{"n":9007199254740992}"#, #"{"n":1.0}"#,
            #"{"n":1e2}"#, #"{"a":1,"a":1}"#, #"{"s":"\u00e9\u0301"}"#, #"{"s":"tab\tand\u001f"}"#, #"{"s":"\ud83d\ude02"}"#,
            #"{"s":"\udc00"}"#,
        ]
        return inputs.map { input in
            guard let value = try? JSONParser.parse(Array(input.utf8), profile: .strict),
                let bytes = try? CanonicalJSON.encode(value)
            else { return (input, nil) }
            return (input, String(decoding: bytes, as: UTF8.self))
        }
    }
}
