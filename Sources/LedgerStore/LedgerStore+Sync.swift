import Foundation
import GRDB
import LedgerCore

/// What a node holds of one office's log: its size and the latest signed checkpoint it has verified.
public struct HeldLog: Sendable, Equatable {
    public let office: String
    public let size: UInt64
    public let root: Hash
    /// The signed checkpoint note at `size`, when one is held.
    public let checkpoint: String?

    public init(office: String, size: UInt64, root: Hash, checkpoint: String?) {
        self.office = office
        self.size = size
        self.root = root
        self.checkpoint = checkpoint
    }
}

/// What `GET /v1/status` says, read in one snapshot so its parts agree with each other.
public struct StatusSnapshot: Sendable {
    public let logs: [HeldLog]
    public let citywide: CitywideCheckpoint
    public let forks: [ForkRecord]
    public let clockFlags: [String: Int64]
    /// A digest of the cosignatures held for the logs' current checkpoints (PUBLISH.md §3).
    public let cosignatureDigest: String
}

extension LedgerStore {
    /// Every office log held here: the version vector with its checkpoints.
    public func heldLogs() throws -> [HeldLog] {
        try Self.wrapDatabaseErrors { try pool.read { db in try Self.heldLogs(db) } }
    }

    static func heldLogs(_ db: Database) throws -> [HeldLog] {
        try Row.fetchAll(db, sql: "SELECT * FROM office_heads ORDER BY office").map { row in
            let head = try OfficeHead(row: row)
            return HeldLog(office: head.office, size: head.size, root: head.root, checkpoint: head.checkpoint)
        }
    }

    /// The citywide checkpoint of what is held here.
    public func citywideCheckpoint() throws -> CitywideCheckpoint {
        citywide(try heldLogs())
    }

    func citywide(_ logs: [HeldLog]) -> CitywideCheckpoint {
        CitywideCheckpoint(
            city: identity.city, logs: logs.map { Checkpoint(origin: Identifiers.origin(city: identity.city, office: $0.office), size: $0.size, root: $0.root) })
    }

    /// The status in one read, off the caller's thread (GRDB's async read).
    public func statusSnapshot() async throws -> StatusSnapshot {
        let logs: [HeldLog]
        let forks: [ForkRecord]
        let flags: [String: Int64]
        let digest: String
        do {
            (logs, forks, flags, digest) = try await pool.read { db in
                (try Self.heldLogs(db), try Self.forks(db), try Self.clockFlags(db), try Self.cosignatureDigest(db))
            }
        } catch let error as DatabaseError {
            throw StoreError.database(error)
        }
        return StatusSnapshot(logs: logs, citywide: citywide(logs), forks: forks, clockFlags: flags, cosignatureDigest: digest)
    }
}
