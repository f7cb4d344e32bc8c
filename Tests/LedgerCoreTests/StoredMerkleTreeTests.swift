import CivicTestSupport
import LedgerCore
import Testing

/// A tree kept as its leaves and the nodes a frontier completes every 8 levels gives the same
/// roots and proofs as the whole list of leaves, reading O(log n) runs of at most 128 hashes.
@Suite("Stored Merkle tree")
struct StoredMerkleTreeTests {
    /// Leaves and stored nodes in memory, counting what a tree reads.
    final class Memory {
        let leaves: [Hash]
        var nodes: [Int: [Hash]] = [:]
        var reads = 0
        var hashesRead = 0

        init(count: Int) {
            leaves = (0..<count).map { Hash.leaf(Array("leaf \($0)".utf8)) }
            for node in MerkleNode.stored(over: leaves) {
                #expect(nodes[node.level, default: []].count == Int(node.index), "nodes come in index order")
                nodes[node.level, default: []].append(node.hash)
            }
        }

        func tree(size: Int) -> StoredMerkleTree<Never> {
            StoredMerkleTree(size: UInt64(size)) { level, range in
                self.reads += 1
                let held = level == 0 ? Array(self.leaves[0..<size]) : self.nodes[level] ?? []
                let slice = held[Int(min(range.lowerBound, UInt64(held.count)))..<Int(min(range.upperBound, UInt64(held.count)))]
                self.hashesRead += slice.count
                return Array(slice)
            }
        }
    }

    @Test func nodesAreThePerfectSubtreesEveryEightLevels() {
        let memory = Memory(count: 70_000)
        #expect(memory.nodes.keys.sorted() == [8, 16])
        #expect(memory.nodes[8]?.count == 70_000 / 256 && memory.nodes[16]?.count == 1)
        #expect(memory.nodes[8]?[3] == MerkleTree.root(memory.leaves[768..<1024]))
        #expect(memory.nodes[16]?[0] == MerkleTree.root(memory.leaves[0..<65_536]))
    }

    @Test(arguments: [1, 2, 3, 255, 256, 257, 511, 1_000, 4_097])
    func everyProofEqualsTheOneFromAllLeaves(size: Int) throws {
        let memory = Memory(count: size)
        let tree = memory.tree(size: size)
        let leaves = memory.leaves[...]
        #expect(try tree.root() == MerkleTree.root(leaves))
        let indices = size <= 300 ? Array(0..<size) : [0, 1, 255, 256, size / 2, size - 2, size - 1]
        for index in indices {
            #expect(try tree.inclusionProof(index: UInt64(index)) == MerkleTree.inclusionProof(index: index, leaves: leaves), "leaf \(index)")
            let old = index + 1
            #expect(try tree.consistencyProof(oldSize: UInt64(old)) == MerkleTree.consistencyProof(oldSize: old, leaves: leaves), "from \(old)")
            #expect(try tree.hash(0..<UInt64(old)) == MerkleTree.root(leaves[0..<old]))
        }
    }

    /// Past the second stored level, on random sizes and leaves: the same proofs, and what each
    /// proof reads grows with log n (a few runs per level of the tree), not with n.
    @Test func largeTreesReadLogarithmically() throws {
        let memory = Memory(count: 100_000)
        var random = SeededGenerator(seed: 11)
        for _ in 0..<4 {
            let size = Int.random(in: 65_537...100_000, using: &random)
            let index = Int.random(in: 0..<size, using: &random)
            let old = Int.random(in: 1...size, using: &random)
            let leaves = memory.leaves[0..<size]
            let tree = memory.tree(size: size)
            memory.reads = 0
            memory.hashesRead = 0
            let path = try tree.inclusionProof(index: UInt64(index))
            #expect(path == MerkleTree.inclusionProof(index: index, leaves: leaves))
            #expect(memory.reads <= 4 * 18 && memory.hashesRead <= 128 * memory.reads, "\(memory.reads) reads, \(memory.hashesRead) hashes")
            #expect(try tree.consistencyProof(oldSize: UInt64(old)) == MerkleTree.consistencyProof(oldSize: old, leaves: leaves))
            #expect(try tree.root() == MerkleTree.root(leaves))
        }
    }

    @Test func aMissingNodeIsNamed() {
        let memory = Memory(count: 1_000)
        memory.nodes[8]?.removeLast()
        let error = #expect(throws: StoredTreeError<Never>.self) { _ = try memory.tree(size: 1_000).root() }
        guard case .missing(level: 8, index: 2) = error else {
            Issue.record("expected the node at level 8, index 2 to be missing, got \(String(describing: error))")
            return
        }
    }
}
