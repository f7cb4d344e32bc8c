import Foundation
import LedgerCore
import Testing

@Suite("RFC 6962 conformance")
struct MerkleConformanceTests {
    struct TreeFile: Decodable {
        let leaf_inputs_hex: [String]
        let leaf_hashes: [String]
    }

    @Test func hasherVectors() {
        #expect(Hash.leaf(Array("L123456".utf8)).hex == "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56")
        let node = Hash.node(Hash(bytes: Array("N123".utf8)), Hash(bytes: Array("N456".utf8)))
        #expect(node.hex == "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb")
    }

    @Test func rootsOfTheEightLeafTree() throws {
        let tree = try JSONDecoder().decode(TreeFile.self, from: Conformance.data("rfc6962/rfc6962_8leaf_tree.json"))
        let leaves = tree.leaf_inputs_hex.map { Hash.leaf(HexEncoding.decode($0) ?? []) }
        #expect(leaves.map(\.hex) == tree.leaf_hashes)
        let lines = try Conformance.text("rfc6962/rfc6962_roots.txt").split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines.count == 9)
        var frontier = MerkleFrontier()
        for line in lines {
            let parts = line.split(separator: " ")
            let size = Int(parts[0]) ?? -1
            #expect(MerkleTree.root(leaves[0..<size]).hex == parts[1], "root of \(size)")
            #expect(frontier.root.hex == parts[1], "frontier root of \(size)")
            if size < leaves.count { frontier.append(leaves[size]) }
        }
    }

    @Test func generatedProofsVerifyForEverySize() throws {
        let leaves = (0..<20).map { Hash.leaf([UInt8($0)]) }
        for size in 1...leaves.count {
            let root = MerkleTree.root(leaves[0..<size])
            for index in 0..<size {
                let proof = MerkleTree.inclusionProof(index: index, leaves: leaves[0..<size])
                try MerkleTree.verifyInclusion(index: UInt64(index), size: UInt64(size), leaf: leaves[index], proof: proof, root: root)
                #expect(throws: ProofError.self) {
                    try MerkleTree.verifyInclusion(
                        index: UInt64(index), size: UInt64(size), leaf: Hash.leaf([0xFF]), proof: proof, root: root)
                }
            }
            for old in 1...size {
                let proof = MerkleTree.consistencyProof(oldSize: old, leaves: leaves[0..<size])
                try MerkleTree.verifyConsistency(
                    oldSize: UInt64(old), newSize: UInt64(size), oldRoot: MerkleTree.root(leaves[0..<old]), newRoot: root, proof: proof)
            }
        }
    }

    @Test func workedExampleOfSevenLeaves() throws {
        // RFC 6962 §2.1.3: PROOF(3) has 4 hashes, PROOF(4) one, PROOF(6) three; d0's path has 3.
        let leaves = (0..<7).map { Hash.leaf([UInt8($0)]) }
        #expect(MerkleTree.consistencyProof(oldSize: 3, leaves: leaves[...]).count == 4)
        #expect(MerkleTree.consistencyProof(oldSize: 4, leaves: leaves[...]).count == 1)
        #expect(MerkleTree.consistencyProof(oldSize: 6, leaves: leaves[...]).count == 3)
        #expect(MerkleTree.inclusionProof(index: 0, leaves: leaves[...]).count == 3)
        #expect(MerkleTree.inclusionProof(index: 6, leaves: leaves[...]).count == 2)
    }

    struct InclusionProbe: Decodable {
        let leafIdx: UInt64
        let treeSize: UInt64
        let root: String?
        let leafHash: String?
        let proof: [String]?
        let desc: String
        let wantErr: Bool
    }

    struct ConsistencyProbe: Decodable {
        let size1: UInt64
        let size2: UInt64
        let root1: String?
        let root2: String?
        let proof: [String]?
        let desc: String
        let wantErr: Bool
    }

    static func decode(_ text: String?) -> Hash { Hash(bytes: Base64Encoding.decode(text ?? "") ?? []) }

    @Test func transparencyDevProbes() throws {
        let inclusion = Conformance.files(under: "rfc6962/transparency-dev/inclusion", ext: "json")
        let consistency = Conformance.files(under: "rfc6962/transparency-dev/consistency", ext: "json")
        #expect(inclusion.count == 98)
        #expect(consistency.count == 98)
        for file in inclusion {
            let probe = try JSONDecoder().decode(InclusionProbe.self, from: Data(contentsOf: file))
            var failed = false
            if !failed {
                do {
                    try MerkleTree.verifyInclusion(
                        index: probe.leafIdx, size: probe.treeSize, leaf: Self.decode(probe.leafHash),
                        proof: (probe.proof ?? []).map { Self.decode($0) }, root: Self.decode(probe.root))
                } catch {
                    failed = true
                }
            }
            #expect(failed == probe.wantErr, "inclusion \(file.path): \(probe.desc)")
        }
        for file in consistency {
            let probe = try JSONDecoder().decode(ConsistencyProbe.self, from: Data(contentsOf: file))
            var failed = false
            if !failed {
                do {
                    try MerkleTree.verifyConsistency(
                        oldSize: probe.size1, newSize: probe.size2, oldRoot: Self.decode(probe.root1),
                        newRoot: Self.decode(probe.root2), proof: (probe.proof ?? []).map { Self.decode($0) })
                } catch {
                    failed = true
                }
            }
            #expect(failed == probe.wantErr, "consistency \(file.path): \(probe.desc)")
        }
    }
}

