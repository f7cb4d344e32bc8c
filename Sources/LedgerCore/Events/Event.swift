/// A recorded event: its exact canonical bytes, the envelope they encode, and its leaf hash.
///
/// The id is the leaf hash in hex. The bytes are what is stored, sent and hashed; they are never
/// re-serialized after recording.
public struct Event: Sendable, Equatable {
    public let canonical: [UInt8]
    public let envelope: EventEnvelope
    public let leafHash: Hash

    /// The event id: hex of SHA-256(0x00 ‖ canonical bytes).
    public var id: String { leafHash.hex }

    /// Encodes an envelope into canonical bytes.
    ///
    /// - Throws: ``EnvelopeError`` when the result is over the size limit.
    public init(envelope: EventEnvelope) throws(EnvelopeError) {
        let bytes: [UInt8]
        do {
            bytes = try envelope.canonicalBytes()
        } catch {
            throw EnvelopeError(.json(error))
        }
        guard bytes.count <= EventEnvelope.maximumCanonicalBytes else {
            throw EnvelopeError(.tooLarge(size: bytes.count, limit: EventEnvelope.maximumCanonicalBytes))
        }
        self.canonical = bytes
        self.envelope = envelope
        self.leafHash = Hash.leaf(bytes)
    }

    /// Reads an event from bytes received or stored, refusing anything not strictly canonical.
    ///
    /// Canonical bytes are checked in the same pass that parses them; bytes that fail are parsed
    /// again the general way, to tell malformed JSON from a non-canonical form.
    ///
    /// - Throws: ``EnvelopeError`` for malformed JSON, a bad field, or non-canonical bytes.
    public init(canonical bytes: [UInt8]) throws(EnvelopeError) {
        guard bytes.count <= EventEnvelope.maximumCanonicalBytes else {
            throw EnvelopeError(.tooLarge(size: bytes.count, limit: EventEnvelope.maximumCanonicalBytes))
        }
        // Almost every event is a version-1 envelope: read without building its tree.
        if let envelope = JSONParser.canonicalEnvelope(bytes) {
            self.canonical = bytes
            self.envelope = envelope
            self.leafHash = Hash.leaf(bytes)
            return
        }
        let value: JSONValue
        do {
            value = try JSONParser.parseCanonical(bytes)
        } catch {
            throw Self.refusal(of: bytes)
        }
        self.canonical = bytes
        self.envelope = try EventEnvelope(json: value)
        self.leafHash = Hash.leaf(bytes)
    }

    /// Why `bytes`, which are not canonical strict JSON, are refused, in the order of the checks:
    /// malformed JSON, a bad envelope, then a form that is not canonical.
    private static func refusal(of bytes: [UInt8]) -> EnvelopeError {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, profile: .strict)
        } catch {
            return EnvelopeError(.json(error))
        }
        do {
            _ = try EventEnvelope(json: value)
        } catch {
            return error
        }
        // Canonical by re-encoding yet refused by the one-pass check would be a bug in that check.
        guard (try? CanonicalJSON.encode(value)) == bytes else { return EnvelopeError(.notCanonical) }
        return EnvelopeError(.json(JSONError(.notCanonical("refused by the one-pass check only"), at: 0)))
    }
}
