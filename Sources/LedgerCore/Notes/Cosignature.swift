import Crypto

/// A C2SP tlog-cosignature (Ed25519, `cosignature/v1`): a witness's signed statement that, at
/// `timestamp`, the checkpoint it signs is the largest consistent one it has seen of that log.
/// It is a signature line on the checkpoint's note: `— <name> base64(keyID || uint64be(timestamp) || signature)`.
///
/// ```swift
/// let line = witness.cosign(note.text, at: 1_767_225_600)          // a signer's cosignature
/// let checked = line.verifies(note.text, publicKey: witness.verifier.publicKey)   // true
/// let signed = SignedNote(text: note.text, signatures: note.signatures + [line.noteSignature])
/// ```
public struct Cosignature: Sendable, Equatable, Hashable {
    /// The key ID's algorithm byte for Ed25519 cosignatures.
    public static let algorithm: UInt8 = 0x04

    /// The cosigner's name (here: the witnessing office's origin).
    public let name: String
    public let keyID: [UInt8]
    /// POSIX seconds.
    public let timestamp: UInt64
    public let signature: [UInt8]

    public init(name: String, keyID: [UInt8], timestamp: UInt64, signature: [UInt8]) {
        self.name = name
        self.keyID = keyID
        self.timestamp = timestamp
        self.signature = signature
    }

    /// Reads a note's signature line as a cosignature; nil when it is not one (an Ed25519 note
    /// signature is 64 bytes after the key ID, a cosignature 72).
    public init?(_ line: SignedNote.Signature) {
        guard line.signature.count == 72 else { return nil }
        let timestamp = line.signature[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard timestamp <= UInt64(Int64.max) else { return nil }
        self.init(name: line.keyName, keyID: line.keyID, timestamp: timestamp, signature: Array(line.signature[8...]))
    }

    /// Reads one signature line, `— <name> base64(…)` with its line feed; nil when it is not a
    /// cosignature line.
    public init?(line: String) {
        guard let signatures = try? SignedNote(parsing: "x\n\n" + line).signatures, signatures.count == 1 else { return nil }
        self.init(signatures[0])
    }

    /// `SHA-256(name || "\n" || 0x04 || public key)[:4]`.
    public static func keyID(name: String, publicKey: [UInt8]) -> [UInt8] {
        Array(Hash.sha256(Array(name.utf8) + [0x0A, algorithm] + publicKey).bytes[0..<4])
    }

    /// What is signed: `cosignature/v1\ntime <T>\n` and the checkpoint's note text.
    public static func message(text: String, timestamp: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(timestamp)\n".utf8) + Array(text.utf8)
    }

    /// The signature line it is on a note.
    public var noteSignature: SignedNote.Signature {
        var blob: [UInt8] = []
        for shift in stride(from: 56, through: 0, by: -8) { blob.append(UInt8(truncatingIfNeeded: timestamp >> UInt64(shift))) }
        return SignedNote.Signature(keyName: name, keyID: keyID, signature: blob + signature)
    }

    /// True when it is `publicKey`'s cosignature (name and key ID match) of the note `text`.
    public func verifies(_ text: String, name expected: String, publicKey: [UInt8]) -> Bool {
        guard name == expected, keyID == Self.keyID(name: expected, publicKey: publicKey),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)
        else { return false }
        return key.isValidSignature(signature, for: Self.message(text: text, timestamp: timestamp))
    }
}
