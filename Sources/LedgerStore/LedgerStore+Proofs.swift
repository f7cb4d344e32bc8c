import GRDB
import LedgerCore

/// A Merkle inclusion proof of one event in an office's log (RFC 9162 §2.1.3), with the office's
/// signed checkpoint when the proof is at the size that checkpoint covers.
public struct InclusionProof: Sendable, Equatable {
    public let office: String
    public let seq: UInt64
    public let treeSize: UInt64
    public let leafHash: Hash
    public let root: Hash
    public let path: [Hash]
    public let checkpoint: String?
    public let key: String?

    /// The JSON `civic proof inclusion` prints and `GET /v1/logs/{office}/proof/inclusion` answers (hashes in base64).
    public var json: JSONValue {
        .object(
            [
                ("office", .string(office)), ("seq", .integer(Int64(seq))), ("leafIdx", .integer(Int64(seq - 1))),
                ("treeSize", .integer(Int64(treeSize))), ("leafHash", .string(leafHash.base64)), ("root", .string(root.base64)),
                ("proof", .array(path.map { .string($0.base64) })),
            ] + signedMembers(checkpoint, key))
    }
}

/// A Merkle consistency proof between two sizes of an office's log (RFC 9162 §2.1.4).
public struct ConsistencyProof: Sendable, Equatable {
    public let office: String
    public let size1: UInt64
    public let size2: UInt64
    public let root1: Hash
    public let root2: Hash
    public let path: [Hash]
    public let checkpoint: String?
    public let key: String?

    public var json: JSONValue {
        .object(
            [
                ("office", .string(office)), ("size1", .integer(Int64(size1))), ("size2", .integer(Int64(size2))),
                ("root1", .string(root1.base64)), ("root2", .string(root2.base64)), ("proof", .array(path.map { .string($0.base64) })),
            ] + signedMembers(checkpoint, key))
    }
}

private func signedMembers(_ checkpoint: String?, _ key: String?) -> [(String, JSONValue)] {
    guard let checkpoint, let key else { return [] }
    return [("checkpoint", .string(checkpoint)), ("key", .string(key))]
}

extension LedgerStore {
    /// Proves that event `seq` of `office` is in its log at `size` (default: the size held).
    ///
    /// - Throws: ``StoreError`` when no events of the office are held, or `seq`/`size` are out of range.
    public func inclusionProof(office: String, seq: UInt64, size: UInt64? = nil) throws -> InclusionProof {
        try Self.wrapDatabaseErrors { try pool.read { db in try Self.inclusionProof(db, office: office, seq: seq, size: size) } }
    }

    /// ``inclusionProof(office:seq:size:)`` in one read on GRDB's reader, without holding the caller's thread.
    public func inclusionProofAsync(office: String, seq: UInt64, size: UInt64? = nil) async throws -> InclusionProof {
        try await readAsync { db in try Self.inclusionProof(db, office: office, seq: seq, size: size) }
    }

    /// Proves that `office`'s log at `from` is a prefix of its log at `to` (default: the size held).
    ///
    /// - Throws: ``StoreError`` when no events of the office are held, or the sizes are out of range.
    public func consistencyProof(office: String, from: UInt64, to: UInt64? = nil) throws -> ConsistencyProof {
        try Self.wrapDatabaseErrors { try pool.read { db in try Self.consistencyProof(db, office: office, from: from, to: to) } }
    }

    /// ``consistencyProof(office:from:to:)`` in one read on GRDB's reader.
    public func consistencyProofAsync(office: String, from: UInt64, to: UInt64? = nil) async throws -> ConsistencyProof {
        try await readAsync { db in try Self.consistencyProof(db, office: office, from: from, to: to) }
    }

    /// A read on GRDB's reader queue (the caller's task suspends; no thread of the cooperative pool blocks).
    func readAsync<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as DatabaseError {
            throw StoreError.database(error)
        }
    }

    /// A write transaction on GRDB's writer queue: the caller's task suspends while it waits for the
    /// writer (a range being stored, say), so no thread of the cooperative pool blocks behind it.
    func writeAsync<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as DatabaseError {
            throw StoreError.database(error)
        }
    }

    static func inclusionProof(_ db: Database, office: String, seq: UInt64, size: UInt64?) throws -> InclusionProof {
        let head = try heldHead(db, office)
        let size = size ?? head.size
        guard size >= 1, size <= head.size else {
            throw StoreError(.notFound("size must be between 1 and \(head.size), the size of \(office)'s log held here"))
        }
        guard seq >= 1, seq <= size else { throw StoreError(.notFound("seq must be between 1 and the tree size \(size)")) }
        let (leaf, root, path) = try withTree(db, office: office, size: size) { tree throws(StoredTreeError<any Error>) in
            (try tree.hash((seq - 1)..<seq), size == head.size ? head.root : try tree.root(), try tree.inclusionProof(index: seq - 1))
        }
        let (checkpoint, key) = try signedCheckpoint(db, head: head, size: size)
        return InclusionProof(office: office, seq: seq, treeSize: size, leafHash: leaf, root: root, path: path, checkpoint: checkpoint, key: key)
    }

    static func consistencyProof(_ db: Database, office: String, from: UInt64, to: UInt64?) throws -> ConsistencyProof {
        let head = try heldHead(db, office)
        let to = to ?? head.size
        guard to <= head.size else { throw StoreError(.notFound("to must be at most \(head.size), the size of \(office)'s log held here")) }
        guard from >= 1, from <= to else { throw StoreError(.notFound("from must be between 1 and \(to)")) }
        let (root1, root2, path) = try withTree(db, office: office, size: to) { tree throws(StoredTreeError<any Error>) in
            (try tree.hash(0..<from), to == head.size ? head.root : try tree.root(), try tree.consistencyProof(oldSize: from))
        }
        let (checkpoint, key) = try signedCheckpoint(db, head: head, size: to)
        return ConsistencyProof(office: office, size1: from, size2: to, root1: root1, root2: root2, path: path, checkpoint: checkpoint, key: key)
    }

    private static func heldHead(_ db: Database, _ office: String) throws -> OfficeHead {
        guard let head = try OfficeHead.fetch(db, office: office), head.size > 0 else {
            throw StoreError(.notFound("no events of office \(office) are held here"))
        }
        return head
    }

    /// The office's signed checkpoint and verifier key, when that checkpoint is exactly at `size`.
    private static func signedCheckpoint(_ db: Database, head: OfficeHead, size: UInt64) throws -> (String?, String?) {
        guard let note = head.checkpoint, let keys = try keyHistory(db, office: head.office), let signed = try? keys.verify(note),
            signed.checkpoint.size == size, let key = keys.key(forSize: size)
        else { return (nil, nil) }
        return (note, key.verifier.vkey)
    }
}
