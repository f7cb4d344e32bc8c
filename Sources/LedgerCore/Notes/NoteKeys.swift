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
    ///
    /// - Throws: ``NoteError`` for a bad name, a key of another length, or a weak key (see ``weakness(of:)``).
    public init(name: String, publicKey: [UInt8]) throws(NoteError) {
        guard Self.isValidName(name) else { throw NoteError(.badKey("key name \"\(name)\" must be non-empty with no spaces or '+'")) }
        guard publicKey.count == 32 else { throw NoteError(.badKey("an Ed25519 public key is 32 bytes")) }
        if let weakness = Self.weakness(of: publicKey) { throw NoteError(.badKey("weak Ed25519 public key refused: \(weakness)")) }
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

    /// Why no signature may be trusted under `publicKey`, or nil for a sound key.
    ///
    /// A point of small order (the identity, and the points of order 2, 4 and 8) verifies a forged
    /// signature — `R` = identity, `S` = 0 verifies every message under the identity — so an office
    /// registered with one could be impersonated by anyone and could deny what it signed. A
    /// non-canonical encoding (y ≥ 2^255 − 19, or x = 0 with the sign bit set) names a point another
    /// way, which verifiers disagree on. Both are refused wherever a key is read.
    public static func weakness(of publicKey: [UInt8]) -> String? {
        guard publicKey.count == 32 else { return "not 32 bytes" }
        // y ≥ p, little-endian: p = 2^255 − 19 is ed ff … ff 7f.
        if publicKey[31] & 0x7F == 0x7F, publicKey[1..<31].allSatisfy({ $0 == 0xFF }), publicKey[0] >= 0xED {
            return "not a canonical encoding (y ≥ 2^255 − 19)"
        }
        if smallOrderPoints.contains(publicKey) { return "a point of small order (signatures under it can be forged)" }
        return nil
    }

    /// The canonical encodings of the eight points of order 1, 2, 4 and 8, and the two of them
    /// written with x = 0 and the sign bit set. (An array: ten are compared faster than a set's
    /// first use costs, which every `civic` process paid when it loaded its key.)
    public static let smallOrderPoints: [[UInt8]] = [
        "0100000000000000000000000000000000000000000000000000000000000000",  // identity (order 1)
        "0100000000000000000000000000000000000000000000000000000000000080",  // identity, sign bit set
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // order 2
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  // order 2, sign bit set
        "0000000000000000000000000000000000000000000000000000000000000000",  // order 4
        "0000000000000000000000000000000000000000000000000000000000000080",  // order 4
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  // order 8
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",  // order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  // order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",  // order 8
    ].compactMap(HexEncoding.decode)

    /// key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[0..<4].
    public static func keyID(name: String, publicKey: [UInt8]) -> [UInt8] {
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
        // White space at either end (Unicode's White_Space, the set Foundation's
        // `.whitespacesAndNewlines` names), cut without Foundation's string bridge: every
        // `civic` process that signs reads its key once, and the bridge's first use took 0.5 – 1 ms
        // of a `civic record`.
        let scalars = skey.unicodeScalars
        let first = scalars.firstIndex { !$0.properties.isWhitespace } ?? scalars.endIndex
        let end = scalars.lastIndex { !$0.properties.isWhitespace }.map(scalars.index(after:)) ?? first
        let trimmed = String(scalars[first..<end])
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
    /// Cosigns a checkpoint's note `text` as a witness (C2SP tlog-cosignature, Ed25519), under
    /// this key and its name.
    public func cosign(_ text: String, at timestamp: UInt64) throws(NoteError) -> Cosignature {
        guard let signature = try? privateKey.signature(for: Cosignature.message(text: text, timestamp: timestamp)) else {
            throw NoteError(.badKey("signing failed"))
        }
        return Cosignature(
            name: name, keyID: Cosignature.keyID(name: name, publicKey: verifier.publicKey), timestamp: timestamp, signature: Array(signature))
    }

    public func signNote(_ text: String) throws(NoteError) -> SignedNote {
        SignedNote(text: text, signatures: [try sign(text)])
    }
}
