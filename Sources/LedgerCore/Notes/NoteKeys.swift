import Crypto
import Foundation

/// The public half of an Ed25519 note key, in the C2SP verifier-key form
/// `name+hex(key ID)+base64(0x01 ‖ public key)`.
///
/// ```swift
/// let verifier = try NoteVerifier(vkey: "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")
/// ```
public struct NoteVerifier: Sendable, Equatable {
    static let ed25519: UInt8 = 0x01

    public let name: String
    public let keyID: [UInt8]
    public let publicKey: [UInt8]

    /// Makes the verifier for a raw 32-byte Ed25519 public key.
    public init(name: String, publicKey: [UInt8]) throws(NoteError) {
        guard Self.isValidName(name) else { throw NoteError(.badKey("key name \"\(name)\" must be non-empty with no spaces or '+'")) }
        guard publicKey.count == 32 else { throw NoteError(.badKey("an Ed25519 public key is 32 bytes")) }
        self.name = name
        self.publicKey = publicKey
        self.keyID = Self.keyID(name: name, publicKey: publicKey)
    }

    /// Parses the `name+keyid+base64` text form, checking that the key ID matches.
    public init(vkey: String) throws(NoteError) {
        let parts = vkey.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let id = HexEncoding.decode(String(parts[1])), id.count == 4,
            let blob = Base64Encoding.decode(String(parts[2])), blob.count == 33
        else { throw NoteError(.badKey("expected name+keyid+base64 (a C2SP verifier key)")) }
        guard blob[0] == Self.ed25519 else { throw NoteError(.badKey("only Ed25519 keys (type 0x01) are supported")) }
        try self.init(name: String(parts[0]), publicKey: Array(blob[1...]))
        guard keyID == id else { throw NoteError(.badKey("the key ID does not match the name and public key")) }
    }

    /// The verifier key text.
    public var vkey: String {
        "\(name)+\(HexEncoding.encode(keyID))+\(Base64Encoding.encode([Self.ed25519] + publicKey))"
    }

    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    /// key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[0..<4].
    static func keyID(name: String, publicKey: [UInt8]) -> [UInt8] {
        Array(Hash.sha256(Array(name.utf8) + [0x0A, ed25519] + publicKey).bytes[0..<4])
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { $0 == "+" || $0.properties.isWhitespace }
    }
}

/// The private half of an Ed25519 note key.
///
/// Stored as `PRIVATE+KEY+name+hex(key ID)+base64(0x01 ‖ 32-byte seed)`; never printed by the tools.
/// Unchecked Sendable: the wrapped key is an immutable value that swift-crypto does not mark Sendable.
public struct NoteSigner: @unchecked Sendable {
    public let verifier: NoteVerifier
    private let privateKey: Curve25519.Signing.PrivateKey

    public var name: String { verifier.name }

    /// A new random key.
    public init(name: String) throws(NoteError) {
        try self.init(name: name, key: Curve25519.Signing.PrivateKey())
    }

    /// A key from a fixed 32-byte seed (test vectors).
    public init(name: String, seed: [UInt8]) throws(NoteError) {
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw NoteError(.badKey("an Ed25519 seed is 32 bytes"))
        }
        try self.init(name: name, key: key)
    }

    private init(name: String, key: Curve25519.Signing.PrivateKey) throws(NoteError) {
        self.privateKey = key
        self.verifier = try NoteVerifier(name: name, publicKey: Array(key.publicKey.rawRepresentation))
    }

    /// Parses the stored private-key text.
    public init(skey: String) throws(NoteError) {
        let trimmed = skey.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY",
            let blob = Base64Encoding.decode(String(parts[4])), blob.count == 33, blob[0] == NoteVerifier.ed25519
        else { throw NoteError(.badKey("expected PRIVATE+KEY+name+keyid+base64")) }
        try self.init(name: String(parts[2]), seed: Array(blob[1...]))
        guard HexEncoding.encode(verifier.keyID) == parts[3] else { throw NoteError(.badKey("the private key's ID does not match")) }
    }

    /// The private-key text to store in a 0600 file.
    public var skey: String {
        "PRIVATE+KEY+\(name)+\(HexEncoding.encode(verifier.keyID))+\(Base64Encoding.encode([NoteVerifier.ed25519] + Array(privateKey.rawRepresentation)))"
    }

    /// Signs `text` (which must end in a newline) and returns the signature line's contents.
    public func sign(_ text: String) throws(NoteError) -> SignedNote.Signature {
        guard text.hasSuffix("\n") else { throw NoteError(.malformed("note text must end with a newline")) }
        guard let signature = try? privateKey.signature(for: Array(text.utf8)) else {
            throw NoteError(.badKey("signing failed"))
        }
        return SignedNote.Signature(keyName: name, keyID: verifier.keyID, signature: Array(signature))
    }

    /// A signed note of `text` with this key's signature.
    public func signNote(_ text: String) throws(NoteError) -> SignedNote {
        SignedNote(text: text, signatures: [try sign(text)])
    }
}
