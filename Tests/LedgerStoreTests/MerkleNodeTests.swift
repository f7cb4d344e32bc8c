import CivicTestSupport
import Foundation
import GRDB
import LedgerCore
import LedgerStore
import Testing

/// The store keeps every 8th level of each log's tree with its events, so roots and proofs read
/// O(log n) hashes; they equal the proofs from all leaves, `verify` checks the nodes, and a ledger
/// made before them gets them from its events.
@Suite("Stored Merkle nodes")
struct MerkleNodeTests {
    /// `count` events appended in batches of `batch`, so nodes complete inside and across batches.
    static func ledger(_ count: Int, batch: Int) throws -> TestLedger {
        let ledger = try TestLedger()
        for start in stride(from: 0, to: count, by: batch) {
            _ = try ledger.store.append((start..<min(start + batch, count)).map { try TestLedger.draft($0) }, signer: ledger.signer)
        }
        return ledger
    }

    static func expectProofsFromAllLeaves(_ store: LedgerStore, size: Int, samples: [Int]) throws {
        let leaves = try store.leafHashes(office: "transport", size: UInt64(size))[...]
        for seq in samples {
            let inclusion = try store.inclusionProof(office: "transport", seq: UInt64(seq))
            #expect(inclusion.path == MerkleTree.inclusionProof(index: seq - 1, leaves: leaves), "seq \(seq)")
            #expect(inclusion.root == MerkleTree.root(leaves) && inclusion.leafHash == leaves[seq - 1])
            let consistency = try store.consistencyProof(office: "transport", from: UInt64(seq))
            #expect(consistency.path == MerkleTree.consistencyProof(oldSize: seq, leaves: leaves), "from \(seq)")
            #expect(consistency.root1 == MerkleTree.root(leaves[0..<seq]))
            let earlier = try store.inclusionProof(office: "transport", seq: 1, size: UInt64(seq))
            #expect(earlier.root == MerkleTree.root(leaves[0..<seq]))
        }
    }

    @Test func proofsFromStoredNodesEqualProofsFromAllLeaves() throws {
        let ledger = try Self.ledger(3_000, batch: 700)
        try Self.expectProofsFromAllLeaves(ledger.store, size: 3_000, samples: [1, 2, 255, 256, 257, 1_024, 2_047, 2_999, 3_000])
        let nodes = try DatabasePool(path: ledger.directory.databasePath).read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM merkle_nodes WHERE level = 8")
        }
        #expect(nodes == 3_000 / 256)
        #expect(try ledger.store.verify().eventCount == 3_000)
    }

    @Test func verifyNamesAnAlteredNode() throws {
        let ledger = try Self.ledger(600, batch: 600)
        let pool = try DatabasePool(path: ledger.directory.databasePath)
        try pool.write { db in
            try db.execute(sql: "DROP TRIGGER merkle_nodes_append_only_update")
            try db.execute(sql: "UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = 8 AND idx = 1")
        }
        let failure = #expect(throws: VerificationFailure.self) { try ledger.store.verify() }
        #expect(failure?.description.contains("level 8, index 1") == true, "\(String(describing: failure))")
    }

    @Test func nodesAreAppendOnly() throws {
        let ledger = try Self.ledger(300, batch: 300)
        let pool = try DatabasePool(path: ledger.directory.databasePath)
        for sql in ["UPDATE merkle_nodes SET hash = zeroblob(32)", "DELETE FROM merkle_nodes"] {
            #expect(throws: DatabaseError.self) { try pool.write { db in try db.execute(sql: sql) } }
        }
    }

    /// A ledger from before the nodes were kept (the table and its migration removed) gets them
    /// from its events when opened, and its proofs and verification hold.
    @Test func anOlderLedgerGetsItsNodesFromItsEvents() throws {
        let ledger = try Self.ledger(1_000, batch: 1_000)
        let pool = try DatabasePool(path: ledger.directory.databasePath)
        try pool.write { db in
            try db.execute(sql: "DROP TABLE merkle_nodes")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v10-merkle-nodes'")
        }
        try pool.close()
        let reopened = try ledger.directory.open()
        #expect(try reopened.store.verify().eventCount == 1_000)
        try Self.expectProofsFromAllLeaves(reopened.store, size: 1_000, samples: [1, 300, 768, 999, 1_000])
    }
}
