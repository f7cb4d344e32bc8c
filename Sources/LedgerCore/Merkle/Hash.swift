import Crypto

/// A SHA-256 digest: a Merkle leaf or node hash, a root, an event id.
///
/// ```swift
/// let leaf = Hash.leaf(Array("L123456".utf8))
/// print(leaf.hex)
/// ```
public struct Hash: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let byteCount = 32

    /// The digest bytes; exactly 32 for a hash made here, any length when parsed from a proof.
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public init?(hex: String) {
        guard let bytes = HexEncoding.decode(hex), bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// Reads exactly 64 lowercase hex digits (the form events and notes write), without encoding
    /// the hash again to compare.
    public init?(lowercaseHex text: String) {
        guard text.utf8.count == 2 * Self.byteCount, let bytes = HexEncoding.decode(text, lowercaseOnly: true) else { return nil }
        self.bytes = bytes
    }

    public init?(base64: String) {
        guard let bytes = Base64Encoding.decode(base64) else { return nil }
        self.bytes = bytes
    }

    public var hex: String { HexEncoding.encode(bytes) }
    public var base64: String { Base64Encoding.encode(bytes) }
    public var description: String { hex }
    public var isWellFormed: Bool { bytes.count == Self.byteCount }

    public static func < (lhs: Hash, rhs: Hash) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    /// SHA-256 of `data`.
    public static func sha256(_ data: some Collection<UInt8>) -> Hash {
        var hasher = SHA256()
        hasher.update(data: Array(data))
        return Hash(bytes: Array(hasher.finalize()))
    }

    /// The RFC 6962 leaf hash, SHA-256(0x00 ‖ data).
    public static func leaf(_ data: some Collection<UInt8>) -> Hash {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        let hashedInPlace = data.withContiguousStorageIfAvailable { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) } != nil
        if !hashedInPlace { hasher.update(data: Array(data)) }
        return Hash(bytes: Array(hasher.finalize()))
    }

    /// The RFC 6962 leaf hash of bytes given as a raw buffer (no copy).
    public static func leaf(buffer: UnsafeRawBufferPointer) -> Hash {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(bufferPointer: buffer)
        return Hash(bytes: Array(hasher.finalize()))
    }

    /// The RFC 6962 interior node hash, SHA-256(0x01 ‖ left ‖ right).
    public static func node(_ left: Hash, _ right: Hash) -> Hash {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left.bytes)
        hasher.update(data: right.bytes)
        return Hash(bytes: Array(hasher.finalize()))
    }

    /// The hash of the empty tree, SHA-256("").
    public static let emptyTree = Hash.sha256([UInt8]())
}
