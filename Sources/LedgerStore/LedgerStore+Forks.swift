import Foundation
import GRDB
import LedgerCore

/// A fork proof this node holds: evidence, checked before it was kept and again by `civic verify`,
/// that an office signed two histories of its log.
public struct HeldForkProof: Sendable, Equatable {
    public let office: String
    public let proof: ForkProof
    public let firstSize: UInt64
    public let secondSize: UInt64
    /// When this node found or received it (Unix ms).
    public let detected: Int64
}

/// Fork evidence as the status endpoint and the findings list it.
public struct ForkRecord: Sendable, Equatable {
    public let office: String
    /// The smaller size of the two checkpoints: the histories differ at or before it.
    public let seq: UInt64
    public let reason: String
    public let detected: Int64
    /// The proof's identity (hex), to tell which proofs a peer already holds.
    public let digest: String

    public init(office: String, seq: UInt64, reason: String, detected: Int64, digest: String) {
        self.office = office
        self.seq = seq
        self.reason = reason
        self.detected = detected
        self.digest = digest
    }
}

/// A fork found while storing a range: the range is refused and the proof kept.
struct ForkFound: Error {
    let office: String
    let proof: ForkProof

    var refusal: StoreError {
        StoreError.refused(
            index: 0,
            "fork of \(office): the office signed a checkpoint that contradicts the log held here; the proof is kept and nothing else was stored")
    }
}

extension LedgerStore {
    /// At most this many fork proofs are kept per office: one proves the fork, a few show it again.
    public static let forkProofsPerOffice = 16

    /// Checks `proof` under the keys of `office` and keeps it, once (the same pair of checkpoints is
    /// one proof). Nothing unsigned is kept: a proof that does not verify is refused.
    ///
    /// - Returns: whether the proof was new here.
    /// - Throws: ``StoreError`` when the office has no trusted key or the proof does not verify.
    @discardableResult
    public func keep(_ proof: ForkProof, office: String, now: () -> Int64 = LedgerStore.systemMilliseconds) throws -> Bool {
        try Self.wrapDatabaseErrors {
            try pool.write { db in try Self.keep(proof, office: office, in: db, detected: now()) }
        }
    }

    /// ``keep(_:office:now:)`` for async callers (the server, a sync round): the task waits for the
    /// writer without blocking a thread.
    @discardableResult
    public func keepAsync(_ proof: ForkProof, office: String, now: @escaping @Sendable () -> Int64 = LedgerStore.systemMilliseconds) async throws -> Bool {
        try await writeAsync { db in try Self.keep(proof, office: office, in: db, detected: now()) }
    }

    @discardableResult
    static func keep(_ proof: ForkProof, office: String, in db: Database, detected: Int64) throws -> Bool {
        let (first, second) = try verify(proof, office: office, in: db)
        let digest = Data(proof.digest.bytes)
        guard try Int.fetchOne(db, sql: "SELECT count(*) FROM fork_proofs WHERE digest = ?", arguments: [digest]) == 0 else { return false }
        let held = try Int.fetchOne(db, sql: "SELECT count(*) FROM fork_proofs WHERE office = ?", arguments: [office]) ?? 0
        guard held < forkProofsPerOffice else { return false }
        try db.execute(
            sql: """
                INSERT INTO fork_proofs(office, digest, first_note, second_note, first_size, second_size, second_root_at_first, proof, detected_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                office, digest, proof.first, proof.second, Int64(first.checkpoint.size), Int64(second.checkpoint.size),
                Data(proof.secondRootAtFirstSize.bytes), Data(proof.proof.flatMap(\.bytes)), detected,
            ])
        return true
    }

    /// Verifies a fork proof of `office` under the office's trusted key.
    static func verify(_ proof: ForkProof, office: String, in db: Database) throws -> (SignedCheckpoint, SignedCheckpoint) {
        guard let keys = try keyHistory(db, office: office) else { throw StoreError.refused(index: 0, "office \(office) has no trusted key here") }
        // Each checkpoint under the key valid at its size: a rotation does not hide a fork.
        let first = try keys.verify(proof.first)
        let second = try keys.verify(proof.second)
        guard let firstKey = keys.key(forSize: first.checkpoint.size)?.verifier, let secondKey = keys.key(forSize: second.checkpoint.size)?.verifier
        else { throw StoreError.refused(index: 0, "office \(office) has no key for the proof's sizes") }
        do {
            return try proof.verify(firstKey: firstKey, secondKey: secondKey)
        } catch {
            throw StoreError.refused(index: 0, "fork proof of \(office): \(error)")
        }
    }

    /// The fork proofs held here, oldest first.
    public func forkProofs() throws -> [HeldForkProof] {
        try Self.wrapDatabaseErrors { try pool.read { db in try Self.forkProofs(db) } }
    }

    /// ``forkProofs()`` for async callers.
    public func forkProofsAsync() async throws -> [HeldForkProof] {
        try await readAsync { db in try Self.forkProofs(db) }
    }

    static func forkProofs(_ db: Database) throws -> [HeldForkProof] {
        try Row.fetchAll(
            db, sql: "SELECT office, first_note, second_note, first_size, second_size, second_root_at_first, proof, detected_ms FROM fork_proofs ORDER BY rowid"
        ).map { row in
            let path = Array(row["proof"] as Data)
            guard path.count % 32 == 0, let root = Optional(Array(row["second_root_at_first"] as Data)), root.count == 32 else {
                throw StoreError(.corrupt("a stored fork proof has hashes of the wrong length"))
            }
            let hashes = stride(from: 0, to: path.count, by: 32).map { Hash(bytes: Array(path[$0..<($0 + 32)])) }
            let proof: ForkProof
            do {
                proof = try ForkProof(first: row["first_note"], second: row["second_note"], secondRootAtFirstSize: Hash(bytes: root), proof: hashes)
            } catch {
                throw StoreError(.corrupt("a stored fork proof: \(error)"))
            }
            return HeldForkProof(
                office: row["office"], proof: proof, firstSize: UInt64(row["first_size"] as Int64), secondSize: UInt64(row["second_size"] as Int64),
                detected: row["detected_ms"])
        }
    }

    /// Fork evidence held here, oldest first.
    public func forks() throws -> [ForkRecord] {
        try Self.wrapDatabaseErrors { try pool.read { db in try Self.forks(db) } }
    }

    /// ``forks()`` in a read the caller holds.
    public static func forks(_ db: Database) throws -> [ForkRecord] {
        try forkProofs(db).map { held in
            ForkRecord(
                office: held.office, seq: held.firstSize,
                reason: "the office signed two histories: checkpoints of sizes \(held.firstSize) and \(held.secondSize) that cannot both hold",
                detected: held.detected, digest: held.proof.digest.hex)
        }
    }

    /// The proof that `signed` (a checkpoint of `office` verified under its key, of a size this node
    /// holds) contradicts the log held here, or nil when it agrees.
    static func contradiction(_ db: Database, office: String, signed: SignedCheckpoint, note: String, head: OfficeHead) throws -> ForkProof? {
        let size = signed.checkpoint.size
        guard size >= 1, size <= head.size, let held = head.checkpoint else { return nil }
        let (rootAtSize, path) = try withTree(db, office: office, size: head.size) { tree throws(StoredTreeError<any Error>) in
            size == head.size ? (head.root, []) : (try tree.hash(0..<size), try tree.consistencyProof(oldSize: size))
        }
        guard rootAtSize != signed.checkpoint.root else { return nil }
        do {
            return try ForkProof(first: note, second: held, secondRootAtFirstSize: rootAtSize, proof: path)
        } catch {
            throw StoreError(.corrupt("the held checkpoint of \(office): \(error)"))
        }
    }

    /// The leaf hashes of the first `size` events of an office, in seq order.
    static func leafHashes(_ db: Database, office: String, size: UInt64) throws -> [Hash] {
        let ids = try Data.fetchAll(db.cachedStatement(sql: EventRuns.select("e.id")), arguments: [office, 0, Int64(size)])
        guard ids.count == Int(size) else { throw StoreError(.notFound("office \(office) has \(ids.count) events here, fewer than \(size)")) }
        return ids.map { Hash(bytes: Array($0)) }
    }
}
