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
        return Hash(finishing: hasher)
    }

    /// The RFC 6962 leaf hash, SHA-256(0x00 ‖ data).
    public static func leaf(_ data: some Collection<UInt8>) -> Hash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        let hashedInPlace = data.withContiguousStorageIfAvailable { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) } != nil
        if !hashedInPlace { hasher.update(data: Array(data)) }
        return Hash(finishing: hasher)
    }

    /// The RFC 6962 leaf hash of bytes given as a raw buffer (no copy).
    public static func leaf(buffer: UnsafeRawBufferPointer) -> Hash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: buffer)
        return Hash(finishing: hasher)
    }

    /// The RFC 6962 interior node hash, SHA-256(0x01 ‖ left ‖ right), hashed from one buffer.
    public static func node(_ left: Hash, _ right: Hash) -> Hash {
        let (left, right) = (left.bytes, right.bytes)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1 + left.count + right.count) { buffer in
            buffer[0] = 0x01
            _ = UnsafeMutableBufferPointer(rebasing: buffer[1...]).initialize(from: left)
            _ = UnsafeMutableBufferPointer(rebasing: buffer[(1 + left.count)...]).initialize(from: right)
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
            return Hash(finishing: hasher)
        }
    }

    /// The digest's bytes, copied from its storage at once (as a sequence, byte by byte, the copy
    /// was an eighth of preparing an event).
    private init(finishing hasher: consuming SHA256) {
        bytes = hasher.finalize().withUnsafeBytes { Array($0) }
    }

    /// The hash of the empty tree, SHA-256("").
    public static let emptyTree = Hash.sha256([UInt8]())
}
