/// The right edge of an append-only RFC 6962 tree: one perfect-subtree root per set bit of the size.
///
/// Appending is amortised one node hash per leaf and the root costs at most log2(n) hashes, so an
/// office can sign a checkpoint after every batch without rereading its log.
///
/// ```swift
/// var frontier = MerkleFrontier()
/// frontier.append(Hash.leaf(bytes))
/// let root = frontier.root
/// ```
public struct MerkleFrontier: Sendable, Equatable {
    /// Number of leaves appended.
    public private(set) var size: UInt64 = 0
    /// Roots of the perfect subtrees, largest (leftmost) first.
    public private(set) var subtrees: [Hash] = []

    public init() {}

    /// Restores a frontier from its stored form.
    ///
    /// - Returns: nil when the number of subtrees does not match the size's set bits.
    public init?(size: UInt64, subtrees: [Hash]) {
        guard size.nonzeroBitCount == subtrees.count, subtrees.allSatisfy(\.isWellFormed) else { return nil }
        self.size = size
        self.subtrees = subtrees
    }

    public mutating func append(_ leaf: Hash) {
        var node = leaf
        var carry = size
        while carry & 1 == 1 {
            node = Hash.node(subtrees.removeLast(), node)
            carry >>= 1
        }
        subtrees.append(node)
        size += 1
    }

    /// Appends a leaf and adds to `completed` the perfect subtrees it completes whose height is a
    /// positive multiple of ``MerkleNode/stride`` — the nodes a store keeps so that any subtree
    /// hash, and so any proof, costs O(log n) reads (``StoredMerkleTree``).
    public mutating func append(_ leaf: Hash, completing completed: inout [MerkleNode]) {
        var node = leaf
        var carry = size
        var level = 0
        while carry & 1 == 1 {
            node = Hash.node(subtrees.removeLast(), node)
            carry >>= 1
            level += 1
            if level % MerkleNode.stride == 0 {
                completed.append(MerkleNode(level: level, index: ((size + 1) >> UInt64(level)) - 1, hash: node))
            }
        }
        subtrees.append(node)
        size += 1
    }

    /// MTH of all appended leaves.
    public var root: Hash {
        guard var node = subtrees.last else { return Hash.emptyTree }
        for left in subtrees.dropLast().reversed() { node = Hash.node(left, node) }
        return node
    }

    /// The subtree roots concatenated, for storage.
    public var serialized: [UInt8] { subtrees.flatMap(\.bytes) }

    /// Restores from ``serialized`` bytes.
    public init?(size: UInt64, serialized: [UInt8]) {
        guard serialized.count % Hash.byteCount == 0 else { return nil }
        let hashes = stride(from: 0, to: serialized.count, by: Hash.byteCount).map {
            Hash(bytes: Array(serialized[$0..<($0 + Hash.byteCount)]))
        }
        self.init(size: size, subtrees: hashes)
    }
}
