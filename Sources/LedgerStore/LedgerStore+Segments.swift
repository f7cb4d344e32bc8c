import GRDB
import LedgerCore

extension LedgerStore {
    /// Signs a checkpoint of this node's own office at `size`, a prefix of its log (at most the
    /// size held), so a long range can be sent in segments that each verify and commit on their own.
    ///
    /// A checkpoint at a prefix size says only what the office's later checkpoints already imply
    /// (an append-only log had that root at that size); it changes nothing held here.
    ///
    /// - Throws: ``StoreError`` when `signer` is not this office's key or `size` is out of range.
    public func signPrefix(size: UInt64, signer: NoteSigner) throws -> String {
        guard signer.name == identity.origin else {
            throw StoreError(.keyFile("the key is for \(signer.name), not this ledger's \(identity.origin)"))
        }
        let office = identity.office
        return try sign(size: size, root: try Self.wrapDatabaseErrors { try pool.read { db in try Self.root(db, office: office, size: size) } }, signer: signer)
    }

    /// ``signPrefix(size:signer:)`` for async callers: the prefix root (a read of the log's ids)
    /// suspends the task.
    public func signPrefixAsync(size: UInt64, signer: NoteSigner) async throws -> String {
        guard signer.name == identity.origin else {
            throw StoreError(.keyFile("the key is for \(signer.name), not this ledger's \(identity.origin)"))
        }
        let office = identity.office
        return try sign(size: size, root: try await readAsync { db in try Self.root(db, office: office, size: size) }, signer: signer)
    }

    private func sign(size: UInt64, root: Hash?, signer: NoteSigner) throws -> String {
        let office = identity.office
        guard size >= 1, let root else {
            throw StoreError(.notFound("size must be between 1 and the size of \(office)'s log held here"))
        }
        do {
            return try SignedCheckpoint(checkpoint: Checkpoint(origin: identity.origin, size: size, root: root), signer: signer)
                .note.serialized
        } catch {
            throw StoreError(.keyFile("signing a checkpoint: \(error)"))
        }
    }
}
