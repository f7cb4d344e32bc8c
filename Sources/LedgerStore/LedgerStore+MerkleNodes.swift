import Foundation
import GRDB
import LedgerCore

/// Each office's log keeps, beside its leaves (the events' ids), the roots of its perfect subtrees
/// every ``MerkleNode/stride`` levels (`merkle_nodes`, written in the transaction that stores the
/// events that complete them): any root at a prefix size, inclusion or consistency proof then reads
/// O(log n) runs of at most 128 hashes instead of the whole log.
extension LedgerStore {
    /// The tree of `office`'s first `size` events as held here.
    static func tree(_ db: Database, office: String, size: UInt64) -> StoredMerkleTree<any Error> {
        StoredMerkleTree(size: size) { level, range in
            let statement =
                level == 0
                ? try db.cachedStatement(sql: EventRuns.select("e.id"))
                : try db.cachedStatement(sql: "SELECT hash FROM merkle_nodes WHERE office = ? AND level = ? AND idx >= ? AND idx < ? ORDER BY idx")
            let arguments: StatementArguments =
                level == 0
                ? [office, Int64(range.lowerBound), Int64(range.upperBound)]
                : [office, level, Int64(range.lowerBound), Int64(range.upperBound)]
            return try Data.fetchAll(statement, arguments: arguments).map { Hash(bytes: Array($0)) }
        }
    }

    /// Runs `body` over the tree of `office` at `size` (at most the size held), with one clear error
    /// for what the store lacks.
    static func withTree<T>(
        _ db: Database, office: String, size: UInt64, _ body: (StoredMerkleTree<any Error>) throws(StoredTreeError<any Error>) -> T
    ) throws -> T {
        do {
            return try body(tree(db, office: office, size: size))
        } catch {
            switch error {
            case .read(let failure): throw failure
            case .missing(level: 0, let index):
                throw StoreError(.notFound("office \(office) has \(index) events here, fewer than \(size)"))
            case .missing(let level, let index):
                throw StoreError(.corrupt("the Merkle node of \(office) at level \(level), index \(index), is missing (run civic verify)"))
            }
        }
    }

    /// Stores the nodes a batch or range completed (``MerkleFrontier/append(_:completing:)``).
    static func saveNodes(_ db: Database, office: String, _ nodes: [MerkleNode]) throws {
        guard !nodes.isEmpty else { return }
        let insert = try db.cachedStatement(sql: "INSERT INTO merkle_nodes(office, level, idx, hash) VALUES (?, ?, ?, ?)")
        for node in nodes {
            try insert.execute(arguments: [office, node.level, Int64(node.index), Data(node.hash.bytes)])
        }
    }

    /// Every stored node, by office, in the order a frontier completes them (for `civic verify`).
    static func storedNodes(_ db: Database) throws -> [String: [MerkleNode]] {
        var nodes: [String: [MerkleNode]] = [:]
        // Completion order: by the size at which each node completes, ((idx + 1) << level), then
        // lower levels first.
        let rows = try Row.fetchCursor(db, sql: "SELECT office, level, idx, hash FROM merkle_nodes ORDER BY office, (idx + 1) << level, level")
        while let row = try rows.next() {
            let hash = Array(row["hash"] as Data)
            guard hash.count == Hash.byteCount else { throw StoreError(.corrupt("a stored Merkle node is not 32 bytes")) }
            nodes[row["office"], default: []].append(MerkleNode(level: row["level"], index: UInt64(row["idx"] as Int64), hash: Hash(bytes: hash)))
        }
        return nodes
    }

    /// Computes the nodes of every log held (a ledger made before they were kept, in its migration).
    static func backfillNodes(_ db: Database) throws {
        for office in try String.fetchAll(db, sql: "SELECT office FROM office_heads ORDER BY office") {
            var frontier = MerkleFrontier()
            var nodes: [MerkleNode] = []
            // Migration v10 runs this, before v19 replaces the index on (office, seq) by EventRuns.
            let ids = try Data.fetchCursor(db, sql: "SELECT id FROM events WHERE office = ? ORDER BY seq", arguments: [office])
            while let id = try ids.next() { frontier.append(Hash(bytes: Array(id)), completing: &nodes) }
            try saveNodes(db, office: office, nodes)
        }
    }
}
