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

extension LedgerStore {
    /// Every office log held here: the version vector with its checkpoints.
    public func heldLogs() throws -> [HeldLog] {
        try heads().values.sorted { $0.office < $1.office }.map {
            HeldLog(office: $0.office, size: $0.size, root: $0.root, checkpoint: $0.checkpoint)
        }
    }

    /// The citywide checkpoint of what is held here.
    public func citywideCheckpoint() throws -> CitywideCheckpoint {
        let logs = try heldLogs().map { Checkpoint(origin: Identifiers.origin(city: identity.city, office: $0.office), size: $0.size, root: $0.root) }
        return CitywideCheckpoint(city: identity.city, logs: logs)
    }
}
