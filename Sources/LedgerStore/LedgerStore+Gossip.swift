import Foundation
import GRDB
import LedgerCore

/// What a node made of a signed checkpoint another node passed on (gossip).
public enum GossipVerdict: String, Sendable {
    /// The checkpoint agrees with the log held here (same root at its size).
    case consistent
    /// The checkpoint is of a larger size than held here: it cannot be checked until the events arrive.
    case ahead
    /// The office signed a root that disagrees with the log held here: kept as fork evidence.
    case fork
}

extension LedgerStore {
    /// Checks a signed checkpoint of `office` seen elsewhere against the log held here. A valid
    /// signature over a root that contradicts the held log is a fork, proven by the two signed
    /// checkpoints and a consistency proof from this node's log: kept in `fork_proofs`
    /// (append-only, once) and reported by `civic verify`, the status and the findings; nothing held
    /// changes.
    ///
    /// - Throws: ``StoreError`` when the office has no trusted key here or the signature does not verify.
    public func consider(checkpoint note: String, office: String, now: () -> Int64 = LedgerStore.systemMilliseconds) throws -> GossipVerdict {
        // Read first: a consistent checkpoint (the usual answer) needs no write, so it does not wait
        // behind the writer (a range being stored, or its checkpoint).
        let proof = try Self.wrapDatabaseErrors { try pool.read { db in try Self.contradiction(of: note, office: office, in: db) } }
        guard let proof else { return .ahead }
        guard let proof = proof.proof else { return .consistent }
        // Events held are never rewritten, so what contradicts them now always will: keep the proof.
        try keep(proof, office: office, now: now)
        return .fork
    }

    /// ``consider(checkpoint:office:now:)`` for async callers (the server, a sync round): the
    /// reads and the write suspend the task instead of blocking a thread.
    public func considerAsync(checkpoint note: String, office: String, now: @escaping @Sendable () -> Int64 = LedgerStore.systemMilliseconds) async throws -> GossipVerdict {
        let proof = try await readAsync { db in try Self.contradiction(of: note, office: office, in: db) }
        guard let proof else { return .ahead }
        guard let proof = proof.proof else { return .consistent }
        try await keepAsync(proof, office: office, now: now)
        return .fork
    }

    /// What a gossiped checkpoint says against the log held here: nil when it is ahead of it (or of
    /// size 0), else the fork proof it makes (none when it is consistent).
    ///
    /// - Throws: ``StoreError`` when the office has no trusted key here or the signature does not verify.
    private static func contradiction(of note: String, office: String, in db: Database) throws -> Contradiction? {
        guard let keys = try Self.keyHistory(db, office: office) else {
            throw StoreError.refused(index: 0, "office \(office) has no trusted key here")
        }
        let signed = try keys.verify(note)
        let head = try OfficeHead.fetch(db, office: office) ?? .empty(office: office)
        guard signed.checkpoint.size <= head.size, signed.checkpoint.size > 0 else { return nil }
        return Contradiction(proof: try Self.contradiction(db, office: office, signed: signed, note: note, head: head))
    }

    private struct Contradiction: Sendable {
        let proof: ForkProof?
    }
}
