/// The root of a perfect subtree of an RFC 6962 tree: the `index`-th subtree of height `level`,
/// over leaves `index·2^level ..< (index+1)·2^level`.
public struct MerkleNode: Sendable, Equatable {
    /// Stores keep the nodes whose height is a multiple of this (8, as C2SP tlog-tiles' tile height):
    /// about one node for every 255 leaves, and any perfect subtree is at most 2^7 = 128 stored
    /// hashes away.
    public static let stride = 8

    public let level: Int
    public let index: UInt64
    public let hash: Hash

    public init(level: Int, index: UInt64, hash: Hash) {
        self.level = level
        self.index = index
        self.hash = hash
    }

    /// The nodes a store keeps for a tree, from its leaves (a store that predates them, or a test).
    public static func stored(over leaves: some Sequence<Hash>) -> [MerkleNode] {
        var frontier = MerkleFrontier()
        var nodes: [MerkleNode] = []
        for leaf in leaves { frontier.append(leaf, completing: &nodes) }
        return nodes
    }
}

/// Subtree hashes and proofs of a tree whose leaves and stored nodes (``MerkleNode``, every
/// ``MerkleNode/stride`` levels) are read on demand: a subtree hash reads one run of at most 128
/// consecutive hashes at one level, so a root or a proof costs O(log n) reads instead of the
/// whole log.
///
/// ```swift
/// let tree = StoredMerkleTree(size: 1_000_000) { level, range in
///     level == 0 ? leafHashes(range) : storedNodes(level, range)
/// }
/// let path = try tree.inclusionProof(index: 41)
/// ```
public struct StoredMerkleTree<Failure: Error> {
    public let size: UInt64
    /// The hashes at `level` (0: the leaves; else a multiple of the stride) with indices in `range`,
    /// in order; fewer than asked means they are not held.
    private let read: (_ level: Int, _ range: Range<UInt64>) throws(Failure) -> [Hash]

    public init(size: UInt64, read: @escaping (_ level: Int, _ range: Range<UInt64>) throws(Failure) -> [Hash]) {
        self.size = size
        self.read = read
    }

    /// MTH of the leaves in `range` (RFC 9162 §2.1.1): perfect subtrees read, the rest split as the
    /// RFC splits them.
    public func hash(_ range: Range<UInt64>) throws(StoredTreeError<Failure>) -> Hash {
        let count = UInt64(range.count)
        precondition(count > 0 && range.upperBound <= size, "subtree out of range")
        if count & (count - 1) == 0, range.lowerBound % count == 0 {
            return try perfect(level: count.trailingZeroBitCount, index: range.lowerBound / count)
        }
        let k = UInt64(MerkleTree.largestPowerOfTwo(below: Int(count)))
        let split = range.lowerBound + k
        return Hash.node(try hash(range.lowerBound..<split), try hash(split..<range.upperBound))
    }

    /// The root of the tree of all `size` leaves.
    public func root() throws(StoredTreeError<Failure>) -> Hash {
        size == 0 ? Hash.emptyTree : try hash(0..<size)
    }

    /// PATH(m, D[n]) for leaf `index` (RFC 9162 §2.1.3.1), as ``MerkleTree/inclusionProof(index:leaves:)``.
    public func inclusionProof(index: UInt64) throws(StoredTreeError<Failure>) -> [Hash] {
        precondition(index < size, "leaf index out of range")
        var range: Range<UInt64> = 0..<size
        var m = index
        var stack: [Hash] = []
        while range.count > 1 {
            let k = UInt64(MerkleTree.largestPowerOfTwo(below: Int(range.count)))
            let split = range.lowerBound + k
            if m < k {
                stack.append(try hash(split..<range.upperBound))
                range = range.lowerBound..<split
            } else {
                stack.append(try hash(range.lowerBound..<split))
                range = split..<range.upperBound
                m -= k
            }
        }
        return stack.reversed()
    }

    /// PROOF(m, D[n]) from the first `oldSize` leaves (RFC 9162 §2.1.4.1), as
    /// ``MerkleTree/consistencyProof(oldSize:leaves:)``.
    public func consistencyProof(oldSize: UInt64) throws(StoredTreeError<Failure>) -> [Hash] {
        precondition(oldSize <= size, "old size out of range")
        guard oldSize > 0, oldSize < size else { return [] }
        var stack: [Hash] = []
        var range: Range<UInt64> = 0..<size
        var m = oldSize
        var complete = true
        while true {
            let n = UInt64(range.count)
            if m == n {
                if !complete { stack.append(try hash(range)) }
                break
            }
            let k = UInt64(MerkleTree.largestPowerOfTwo(below: Int(n)))
            let split = range.lowerBound + k
            if m <= k {
                stack.append(try hash(split..<range.upperBound))
                range = range.lowerBound..<split
            } else {
                stack.append(try hash(range.lowerBound..<split))
                range = split..<range.upperBound
                m -= k
                complete = false
            }
        }
        return stack.reversed()
    }

    /// The root of the `index`-th perfect subtree of height `level`: read when stored, else folded
    /// from the at most 2^(stride−1) hashes of the stored level below it.
    private func perfect(level: Int, index: UInt64) throws(StoredTreeError<Failure>) -> Hash {
        let base = level - level % MerkleNode.stride
        let width = UInt64(1) << UInt64(level - base)
        let first = index << UInt64(level - base)
        var hashes: [Hash]
        do {
            hashes = try read(base, first..<(first + width))
        } catch {
            throw .read(error)
        }
        guard hashes.count == Int(width) else { throw .missing(level: base, index: first + UInt64(hashes.count)) }
        while hashes.count > 1 {
            hashes = stride(from: 0, to: hashes.count, by: 2).map { Hash.node(hashes[$0], hashes[$0 + 1]) }
        }
        return hashes[0]
    }
}

/// Why a subtree of a stored tree could not be hashed.
public enum StoredTreeError<Failure: Error>: Error {
    /// Reading the hashes failed.
    case read(Failure)
    /// A leaf (level 0) or a stored node the tree needs is not held.
    case missing(level: Int, index: UInt64)
}
