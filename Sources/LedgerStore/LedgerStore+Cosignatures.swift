import Foundation
import GRDB
import LedgerCore

/// A witness's cosignature of an office's signed checkpoint, as it moves between nodes: the
/// checkpoint's note (with the office's own signature) and the cosignature line.
public struct CosignedCheckpoint: Sendable, Equatable {
    /// The office whose log is cosigned.
    public let office: String
    /// Its signed checkpoint, as a note carrying the office's signature.
    public let note: String
    public let cosignature: Cosignature

    public init(office: String, note: String, cosignature: Cosignature) {
        self.office = office
        self.note = note
        self.cosignature = cosignature
    }
}

/// Witnessing (`Protocol/PUBLISH.md` §3): a node cosigns the latest checkpoint of every other office
/// log it holds (verified when the range behind it was stored), keeps the cosignatures other
/// witnesses send once it has checked them, and publishes a checkpoint with every cosignature held
/// for it. `cosignatures` is append-only: one row per (log, size, witness).
extension LedgerStore {
    /// The most cosignatures one exchange carries or takes.
    public static let maximumCosignaturesPerExchange = 4_096

    /// Cosigns, as `signer`'s office, the held checkpoint of every other office it has not cosigned
    /// yet; returns how many it made. Reads only, when there is nothing new.
    @discardableResult
    public func cosignHeads(as signer: NoteSigner, now: @escaping @Sendable () -> Int64 = LedgerStore.systemMilliseconds) async throws -> Int {
        let witness = identity.office
        let pending = try await readAsync { db in try Self.uncosignedHeads(db, witness: witness) }
        guard !pending.isEmpty else { return 0 }
        let seconds = UInt64(max(0, now() / 1000))
        var rows: [(head: OfficeHead, cosignature: Cosignature)] = []
        for head in pending {
            guard let note = head.checkpoint, let text = try? SignedNote(parsing: note).text else { continue }
            rows.append((head, try signer.cosign(text, at: seconds)))
        }
        let made = rows
        return try await writeAsync { db in
            var count = 0
            for row in made where try Self.insertCosignature(db, office: row.head.office, size: row.head.size, root: row.head.root, witness: witness, row.cosignature) {
                count += 1
            }
            return count
        }
    }

    /// True when some other office's checkpoint held here is not yet cosigned by this node.
    public func hasUncosignedHeads() async throws -> Bool {
        let witness = identity.office
        return try await readAsync { db in !(try Self.uncosignedHeads(db, witness: witness)).isEmpty }
    }

    /// Heads of other offices with a checkpoint this node has not cosigned at their size.
    static func uncosignedHeads(_ db: Database, witness: String) throws -> [OfficeHead] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT h.* FROM office_heads h
                WHERE h.office != ? AND h.size > 0 AND h.checkpoint IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM cosignatures c WHERE c.office = h.office AND c.size = h.size AND c.witness = ?)
                ORDER BY h.office
                """, arguments: [witness, witness]
        ).map { try OfficeHead(row: $0) }
    }

    @discardableResult
    static func insertCosignature(_ db: Database, office: String, size: UInt64, root: Hash, witness: String, _ cosignature: Cosignature) throws -> Bool {
        try db.execute(
            sql: "INSERT OR IGNORE INTO cosignatures(office, size, root, witness, timestamp, line) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [office, Int64(size), Data(root.bytes), witness, Int64(cosignature.timestamp), cosignature.noteSignature.line])
        return db.changesCount > 0
    }

    /// Every cosignature held of the logs' current checkpoints, by office then witness.
    public func cosignatures() async throws -> [CosignedCheckpoint] {
        try await readAsync { db in try Self.currentCosignatures(db) }
    }

    static func currentCosignatures(_ db: Database) throws -> [CosignedCheckpoint] {
        var result: [CosignedCheckpoint] = []
        for (head, note, lines) in try cosignatureLines(db) {
            for line in lines {
                guard let cosignature = Cosignature(line: line) else {
                    throw StoreError(.corrupt("a stored cosignature of \(head.office) is not one"))
                }
                guard result.count < maximumCosignaturesPerExchange else { return result }
                result.append(CosignedCheckpoint(office: head.office, note: note, cosignature: cosignature))
            }
        }
        return result
    }

    /// For each log with a checkpoint, its head, the checkpoint and the cosignature lines held for
    /// exactly it (its size and root), by witness.
    static func cosignatureLines(_ db: Database) throws -> [(OfficeHead, String, [String])] {
        let heads = try Row.fetchAll(db, sql: "SELECT * FROM office_heads WHERE size > 0 AND checkpoint IS NOT NULL ORDER BY office").map { try OfficeHead(row: $0) }
        let statement = try db.cachedStatement(sql: "SELECT line FROM cosignatures WHERE office = ? AND size = ? AND root = ? ORDER BY witness")
        return try heads.compactMap { head in
            guard let note = head.checkpoint else { return nil }
            return (head, note, try String.fetchAll(statement, arguments: [head.office, Int64(head.size), Data(head.root.bytes)]))
        }
    }

    /// A digest of ``cosignatures()``, so two nodes holding the same need not exchange them.
    static func cosignatureDigest(_ db: Database) throws -> String {
        var text = ""
        for (head, _, lines) in try cosignatureLines(db) where !lines.isEmpty {
            text += "\(head.office) \(head.size)\n" + lines.joined()
        }
        return Hash.sha256(Array(text.utf8)).hex
    }

    /// What became of cosignatures received from another node.
    public struct CosignatureIntake: Sendable, Equatable {
        public var kept = 0
        public var alreadyHeld = 0
        /// Of checkpoints larger than the log held here: taken in a later round.
        public var ahead = 0
        /// Refused, one line each (unknown witness, a signature that fails, a checkpoint that does not verify).
        public var refused: [String] = []
        /// Offices whose cosigned checkpoint contradicted the held log: kept as fork proofs.
        public var forks: [String] = []

        public init() {}
    }

    /// Keeps the cosignatures that verify: the witness is an office with a key held here, not
    /// revoked, whose cosignature it is; the checkpoint verifies under its office's key and has the
    /// root of the held log at its size (one that contradicts it is kept as a fork proof instead).
    ///
    /// The signatures are checked in a read; the writer is held only to place each checkpoint
    /// against the held log and store what verified (a peer's batch of 4,096 costs it no crypto).
    public func keep(cosignatures: [CosignedCheckpoint], now: @escaping @Sendable () -> Int64 = LedgerStore.systemMilliseconds) async throws -> CosignatureIntake {
        let city = identity.city
        let received = Array(cosignatures.prefix(Self.maximumCosignaturesPerExchange))
        /// A cosignature whose signatures verified, with the witness key that made it.
        struct Verified: Sendable {
            let item: CosignedCheckpoint
            let witness: String
            let witnessKey: [UInt8]
            let signed: SignedCheckpoint
        }
        let (verified, refused) = try await pool.read { db -> ([Verified], [String]) in
            var verified: [Verified] = []
            var refused: [String] = []
            for item in received {
                let witnessPrefix = "civic/\(city)/"
                guard item.cosignature.name.hasPrefix(witnessPrefix) else {
                    refused.append("a cosignature of \(item.office) by \(item.cosignature.name), not an office of \(city)")
                    continue
                }
                let witness = String(item.cosignature.name.dropFirst(witnessPrefix.count))
                guard witness != item.office else {
                    refused.append("\(witness) cosigned its own log")
                    continue
                }
                let text = (try? SignedNote(parsing: item.note).text) ?? ""
                guard let witnessKeys = try Self.keyHistory(db, office: witness),
                    let key = witnessKeys.keys.first(where: { key in
                        key.revokedAfter == nil && item.cosignature.verifies(text, name: item.cosignature.name, publicKey: key.verifier.publicKey)
                    })
                else {
                    refused.append("the cosignature of \(item.office) by \(witness) does not verify under a key of \(witness) held here")
                    continue
                }
                guard let keys = try Self.keyHistory(db, office: item.office) else {
                    refused.append("\(item.office) has no trusted key here")
                    continue
                }
                do {
                    verified.append(Verified(item: item, witness: witness, witnessKey: key.verifier.publicKey, signed: try keys.verify(item.note)))
                } catch {
                    refused.append("the checkpoint \(witness) cosigned: \(error)")
                }
            }
            return (verified, refused)
        }
        let (checked, forks) = try await writeAsync { db -> (CosignatureIntake, [(String, ForkProof)]) in
            var intake = CosignatureIntake()
            intake.refused = refused
            var forks: [(String, ForkProof)] = []
            for entry in verified {
                let item = entry.item
                // Revoked since the read: not kept.
                guard try Self.keyHistory(db, office: entry.witness)?.keys.contains(where: { $0.revokedAfter == nil && $0.verifier.publicKey == entry.witnessKey }) == true
                else {
                    intake.refused.append("the cosignature of \(item.office) by \(entry.witness) does not verify under a key of \(entry.witness) held here")
                    continue
                }
                let head = try OfficeHead.fetch(db, office: item.office) ?? .empty(office: item.office)
                let size = entry.signed.checkpoint.size
                guard size >= 1, size <= head.size else {
                    intake.ahead += 1
                    continue
                }
                if let proof = try Self.contradiction(db, office: item.office, signed: entry.signed, note: item.note, head: head) {
                    forks.append((item.office, proof))
                    continue
                }
                if try Self.insertCosignature(db, office: item.office, size: size, root: entry.signed.checkpoint.root, witness: entry.witness, item.cosignature) {
                    intake.kept += 1
                } else {
                    intake.alreadyHeld += 1
                }
            }
            return (intake, forks)
        }
        var intake = checked
        for (office, proof) in forks {
            try await keepAsync(proof, office: office, now: now)
            intake.forks.append(office)
        }
        return intake
    }

    /// `head`'s signed checkpoint with every cosignature held for exactly it, one per witness
    /// (its latest), sorted by witness name; nil without a checkpoint.
    static func cosignedCheckpoint(_ db: Database, head: OfficeHead) throws -> String? {
        guard let note = head.checkpoint else { return nil }
        let lines = try String.fetchAll(
            db, sql: "SELECT line FROM cosignatures WHERE office = ? AND size = ? AND root = ? ORDER BY witness",
            arguments: [head.office, Int64(head.size), Data(head.root.bytes)])
        guard !lines.isEmpty, var parsed = try? SignedNote(parsing: note) else { return note }
        let own = parsed.signatures.filter { Cosignature($0) == nil }
        let cosignatures = lines.compactMap { Cosignature(line: $0)?.noteSignature }
        parsed = SignedNote(text: parsed.text, signatures: own + cosignatures)
        return parsed.serialized
    }

    /// ``cosignedCheckpoint(_:head:)`` of `office`'s log as held now.
    public func cosignedCheckpoint(office: String) throws -> String? {
        try read { db in try OfficeHead.fetch(db, office: office).flatMap { try Self.cosignedCheckpoint(db, head: $0) } }
    }
}
