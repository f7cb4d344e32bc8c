/// RFC 6962 / RFC 9162 Merkle tree hashing, proofs and proof verification over leaf hashes.
///
/// ```swift
/// let leaves = events.map(\.leafHash)
/// let root = MerkleTree.root(leaves[...])
/// let proof = MerkleTree.inclusionProof(index: 3, leaves: leaves[...])
/// try MerkleTree.verifyInclusion(index: 3, size: leaves.count, leaf: leaves[3], proof: proof, root: root)
/// ```
public enum MerkleTree {
    /// MTH(D[n]) for the given leaf hashes.
    public static func root(_ leaves: ArraySlice<Hash>) -> Hash {
        var frontier = MerkleFrontier()
        for leaf in leaves { frontier.append(leaf) }
        return frontier.root
    }

    /// The audit path PATH(m, D[n]) for leaf `index` (0-based) in a tree of `leaves`.
    public static func inclusionProof(index: Int, leaves: ArraySlice<Hash>) -> [Hash] {
        precondition(index >= 0 && index < leaves.count, "leaf index out of range")
        var slice = leaves
        var m = index
        var stack: [Hash] = []
        while slice.count > 1 {
            let k = largestPowerOfTwo(below: slice.count)
            let start = slice.startIndex
            if m < k {
                stack.append(root(slice[(start + k)...]))
                slice = slice[start..<(start + k)]
            } else {
                stack.append(root(slice[start..<(start + k)]))
                slice = slice[(start + k)...]
                m -= k
            }
        }
        return stack.reversed()
    }

    /// The consistency proof PROOF(m, D[n]) between the first `oldSize` leaves and all `leaves`.
    public static func consistencyProof(oldSize: Int, leaves: ArraySlice<Hash>) -> [Hash] {
        precondition(oldSize >= 0 && oldSize <= leaves.count, "old size out of range")
        guard oldSize > 0, oldSize < leaves.count else { return [] }
        var stack: [Hash] = []
        var slice = leaves
        var m = oldSize
        var complete = true
        while true {
            let n = slice.count
            if m == n {
                if !complete { stack.append(root(slice)) }
                break
            }
            let k = largestPowerOfTwo(below: n)
            let start = slice.startIndex
            if m <= k {
                stack.append(root(slice[(start + k)...]))
                slice = slice[start..<(start + k)]
            } else {
                stack.append(root(slice[start..<(start + k)]))
                slice = slice[(start + k)...]
                m -= k
                complete = false
            }
        }
        return stack.reversed()
    }

    /// Checks an inclusion proof (RFC 9162 §2.1.3.2).
    ///
    /// - Throws: ``ProofError`` when the proof does not lead from `leaf` to `root`.
    public static func verifyInclusion(index: UInt64, size: UInt64, leaf: Hash, proof: [Hash], root: Hash) throws(ProofError) {
        guard index < size else { throw ProofError(.indexBeyondSize) }
        guard leaf.isWellFormed, root.isWellFormed, proof.allSatisfy(\.isWellFormed) else { throw ProofError(.badHashLength) }
        var fn = index
        var sn = size - 1
        var r = leaf
        for p in proof {
            guard sn != 0 else { throw ProofError(.wrongProofLength) }
            if fn & 1 == 1 || fn == sn {
                r = Hash.node(p, r)
                if fn & 1 == 0 {
                    repeat {
                        fn >>= 1
                        sn >>= 1
                    } while fn & 1 == 0 && fn != 0
                }
            } else {
                r = Hash.node(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw ProofError(.wrongProofLength) }
        guard r == root else { throw ProofError(.rootMismatch) }
    }

    /// Checks a consistency proof (RFC 9162 §2.1.4.2).
    ///
    /// A proof from size 0 is refused: there is nothing to be consistent with.
    /// - Throws: ``ProofError`` when the old root is not a prefix of the new one.
    public static func verifyConsistency(oldSize: UInt64, newSize: UInt64, oldRoot: Hash, newRoot: Hash, proof: [Hash]) throws(ProofError) {
        guard oldSize > 0 else { throw ProofError(.emptyOldTree) }
        if oldSize == newSize {
            guard proof.isEmpty else { throw ProofError(.wrongProofLength) }
            guard oldRoot == newRoot else { throw ProofError(.rootMismatch) }
            return
        }
        guard oldSize < newSize else { throw ProofError(.sizesOutOfOrder) }
        guard oldRoot.isWellFormed, newRoot.isWellFormed, proof.allSatisfy(\.isWellFormed) else { throw ProofError(.badHashLength) }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        guard !path.isEmpty else { throw ProofError(.wrongProofLength) }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { throw ProofError(.wrongProofLength) }
            if fn & 1 == 1 || fn == sn {
                fr = Hash.node(c, fr)
                sr = Hash.node(c, sr)
                if fn & 1 == 0 {
                    repeat {
                        fn >>= 1
                        sn >>= 1
                    } while fn & 1 == 0 && fn != 0
                }
            } else {
                sr = Hash.node(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw ProofError(.wrongProofLength) }
        guard fr == oldRoot, sr == newRoot else { throw ProofError(.rootMismatch) }
    }

    static func largestPowerOfTwo(below n: Int) -> Int {
        precondition(n > 1)
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }
}

/// Why a Merkle proof was refused.
public struct ProofError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        case indexBeyondSize, badHashLength, wrongProofLength, rootMismatch, emptyOldTree, sizesOutOfOrder
    }

    let code: Code

    init(_ code: Code) { self.code = code }

    public var description: String {
        switch code {
        case .indexBeyondSize: return "proof refused: leaf index is not below the tree size"
        case .badHashLength: return "proof refused: a hash is not 32 bytes"
        case .wrongProofLength: return "proof refused: wrong number of proof hashes for these sizes"
        case .rootMismatch: return "proof refused: the proof does not lead to the given root"
        case .emptyOldTree: return "proof refused: a consistency proof from size 0 proves nothing"
        case .sizesOutOfOrder: return "proof refused: the old size is larger than the new size"
        }
    }
}
