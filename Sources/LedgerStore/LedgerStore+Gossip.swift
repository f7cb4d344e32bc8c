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
        let (verdict, proof): (GossipVerdict, ForkProof?) = try Self.wrapDatabaseErrors {
            try pool.read { db in
                guard let keys = try Self.keyHistory(db, office: office) else {
                    throw StoreError.refused(index: 0, "office \(office) has no trusted key here")
                }
                let signed = try keys.verify(note)
                let head = try OfficeHead.fetch(db, office: office) ?? .empty(office: office)
                guard signed.checkpoint.size <= head.size, signed.checkpoint.size > 0 else { return (.ahead, nil) }
                guard let proof = try Self.contradiction(db, office: office, signed: signed, note: note, head: head) else { return (.consistent, nil) }
                return (.fork, proof)
            }
        }
        guard let proof else { return verdict }
        // Events held are never rewritten, so what contradicts them now always will: keep the proof.
        try keep(proof, office: office, now: now)
        return .fork
    }
}
