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
    /// signature over a root that contradicts the held log is fork evidence: stored in `forks`
    /// (append-only) and reported by `civic verify` and the status; nothing held changes.
    ///
    /// - Throws: ``StoreError`` when the office has no trusted key here or the signature does not verify.
    public func consider(checkpoint note: String, office: String, now: () -> Int64 = LedgerStore.systemMilliseconds) throws -> GossipVerdict {
        // Read first: a consistent checkpoint (the usual answer) needs no write, so it does not wait
        // behind the writer (a range being stored, or its checkpoint).
        let (verdict, evidence): (GossipVerdict, ForkEvidence?) = try Self.wrapDatabaseErrors {
            try pool.read { db in
                guard let key = try Self.officeKeys(db)[office] else {
                    throw StoreError.refused(index: 0, "office \(office) has no trusted key here")
                }
                let signed: SignedCheckpoint
                do {
                    signed = try SignedCheckpoint(note: note, verifier: key)
                } catch {
                    throw StoreError.refused(index: 0, "checkpoint of \(office): \(error)")
                }
                let size = signed.checkpoint.size
                let head = try OfficeHead.fetch(db, office: office) ?? .empty(office: office)
                guard size <= head.size, size > 0 else { return (.ahead, nil) }
                let root = size == head.size ? head.root : try Self.root(db, office: office, size: size)
                guard root != signed.checkpoint.root else { return (.consistent, nil) }
                let held = try Data.fetchOne(db, sql: "SELECT id FROM events WHERE office = ? AND seq = ?", arguments: [office, Int64(size)])
                let evidence = ForkEvidence(
                    office: office, seq: size, heldID: held.map { Hash(bytes: Array($0)) }, other: nil, heldCheckpoint: head.checkpoint,
                    otherCheckpoint: note, reason: "a checkpoint seen elsewhere signs another root for size \(size)")
                return (.fork, evidence)
            }
        }
        guard let evidence else { return verdict }
        // Events held are never rewritten, so what contradicts them now always will: record it.
        try Self.wrapDatabaseErrors { try pool.write { db in try evidence.record(db, detected: now()) } }
        return .fork
    }
}
