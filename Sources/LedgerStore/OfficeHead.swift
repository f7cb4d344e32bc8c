import Foundation
import GRDB
import LedgerCore

/// The tip of one office's log as this node holds it.
public struct OfficeHead: Sendable, Equatable {
    public let office: String
    public let size: UInt64
    public let lastHash: Hash?
    public let frontier: MerkleFrontier
    public let lastHLC: HLCTimestamp
    /// The latest signed checkpoint of this office held here, serialized.
    public let checkpoint: String?

    public var root: Hash { frontier.root }

    static func empty(office: String) -> OfficeHead {
        OfficeHead(office: office, size: 0, lastHash: nil, frontier: MerkleFrontier(), lastHLC: .zero, checkpoint: nil)
    }

    init(office: String, size: UInt64, lastHash: Hash?, frontier: MerkleFrontier, lastHLC: HLCTimestamp, checkpoint: String?) {
        self.office = office
        self.size = size
        self.lastHash = lastHash
        self.frontier = frontier
        self.lastHLC = lastHLC
        self.checkpoint = checkpoint
    }

    init(row: Row) throws {
        let office: String = row["office"]
        let size = UInt64(row["size"] as Int64)
        let frontierBytes: [UInt8] = Array((row["frontier"] as Data?) ?? Data())
        guard let frontier = MerkleFrontier(size: size, serialized: frontierBytes) else {
            throw StoreError(.corrupt("Merkle frontier of office \(office) does not match its size \(size)"))
        }
        let lastHash = (row["last_hash"] as Data?).map { Hash(bytes: Array($0)) }
        self.init(
            office: office, size: size, lastHash: lastHash, frontier: frontier,
            lastHLC: HLCTimestamp(wall: row["hlc_wall"], logical: row["hlc_logical"]), checkpoint: row["checkpoint"])
    }

    static func fetch(_ db: Database, office: String) throws -> OfficeHead? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM office_heads WHERE office = ?"), arguments: [office]).map { try OfficeHead(row: $0) }
    }

    /// Bound through ``FastStatement``: GRDB's argument array was half of this upsert's time, and
    /// the upsert 5 % of a transaction of one event.
    func save(_ db: Database) throws {
        let upsert = try FastStatement(
            db,
            sql: """
                INSERT INTO office_heads(office, size, last_hash, frontier, hlc_wall, hlc_logical, checkpoint)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(office) DO UPDATE SET size = excluded.size, last_hash = excluded.last_hash,
                    frontier = excluded.frontier, hlc_wall = excluded.hlc_wall, hlc_logical = excluded.hlc_logical,
                    checkpoint = excluded.checkpoint
                """)
        upsert.bind(1, office)
        upsert.bind(2, Int64(size))
        upsert.bind(5, lastHLC.wall)
        upsert.bind(6, lastHLC.logical)
        upsert.bind(7, checkpoint)
        try frontier.serialized.withUnsafeBytes { frontierBytes in
            upsert.bind(4, blob: frontierBytes)
            // Without a last hash (an empty log), parameter 3 stays unbound: NULL.
            guard let lastHash else { return try upsert.run() }
            try lastHash.bytes.withUnsafeBytes { hashBytes in
                upsert.bind(3, blob: hashBytes)
                try upsert.run()
            }
        }
    }
}
