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
    /// - Throws: ``EnvelopeError`` for malformed JSON, a bad field, or non-canonical bytes.
    public init(canonical bytes: [UInt8]) throws(EnvelopeError) {
        guard bytes.count <= EventEnvelope.maximumCanonicalBytes else {
            throw EnvelopeError(.tooLarge(size: bytes.count, limit: EventEnvelope.maximumCanonicalBytes))
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, profile: .strict)
        } catch {
            throw EnvelopeError(.json(error))
        }
        let envelope = try EventEnvelope(json: value)
        let reencoded: [UInt8]
        do {
            reencoded = try CanonicalJSON.encode(value)
        } catch {
            throw EnvelopeError(.json(error))
        }
        guard reencoded == bytes else { throw EnvelopeError(.notCanonical) }
        self.canonical = bytes
        self.envelope = envelope
        self.leafHash = Hash.leaf(bytes)
    }
}
