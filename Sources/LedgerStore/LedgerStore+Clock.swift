import Foundation
import GRDB
import LedgerCore

/// What this node saw of another office's clock when a range of its events arrived.
public struct ArrivalFlag: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Clocks ahead of this node's wall clock by more than ``LedgerStore/clockSkewBound``.
        case ahead
        /// Recorded further behind this node's clock than ``LedgerStore/lateArrivalBound``.
        case late
    }

    public let office: String
    public let kind: Kind
    /// Flagged events in the range.
    public let events: Int
    /// The first and last flagged events (nil for flags kept by an earlier version, which named only the range).
    public let firstSeq: UInt64?
    public let lastSeq: UInt64?
    /// The largest lead (ahead) or lag (late), in ms.
    public let extreme: Int64
    /// When the range arrived here (Unix ms).
    public let detected: Int64
}

extension LedgerStore {
    /// How far another office's clock may run ahead of this node's wall clock: five minutes.
    /// Events further ahead are stored all the same (the citywide order stays total), flagged, and
    /// never move this node's clock, so one wrong clock changes no other office's timestamps.
    public static let clockSkewBound: Int64 = 5 * 60 * 1000

    /// How far behind this node's clock an event may have been recorded before its arrival is
    /// flagged as late: 30 days. A late event lands in the past of what this node already showed.
    public static let lateArrivalBound: Int64 = 30 * 86_400_000

    /// This node's clock: the latest timestamp it recorded, or stored from another office within
    /// the clock bound (see ``nodeClock(_:)``).
    public func nodeClock() throws -> HLCTimestamp {
        try Self.wrapDatabaseErrors { try pool.read { db in try Self.nodeClock(db) } }
    }

    /// The later of `node_clock` (moved by received events) and this office's own head (moved by
    /// recording, which leaves `node_clock` alone: one page less in every recording transaction).
    static func nodeClock(_ db: Database) throws -> HLCTimestamp {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT wall, logical FROM node_clock WHERE id = 1
                        UNION ALL
                        SELECT hlc_wall, hlc_logical FROM office_heads WHERE office = (SELECT value FROM ledger_meta WHERE key = 'office')
                        ORDER BY 1 DESC, 2 DESC LIMIT 1
                        """))
        else { return .zero }
        return HLCTimestamp(wall: row[0], logical: row[1])
    }

    static func saveNodeClock(_ db: Database, _ clock: HLCTimestamp) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO node_clock(id, wall, logical) VALUES (1, ?, ?)
                ON CONFLICT(id) DO UPDATE SET wall = excluded.wall, logical = excluded.logical
                """
        ).execute(arguments: [clock.wall, clock.logical])
    }

    /// Offices whose events arrived with clocks ahead of this node's, by office: the largest lead in ms.
    public func clockFlags() throws -> [String: Int64] {
        try Self.wrapDatabaseErrors { try pool.read { db in try Self.clockFlags(db) } }
    }

    static func clockFlags(_ db: Database) throws -> [String: Int64] {
        var flags: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT office, max(extreme_ms) AS ahead FROM arrival_flags WHERE kind = 'ahead' GROUP BY office") {
            flags[row["office"]] = row["ahead"]
        }
        return flags
    }

    /// Every arrival flag this node holds, oldest first; with `arrivedBy`, only those raised by then.
    public func arrivalFlags(arrivedBy: Int64? = nil) throws -> [ArrivalFlag] {
        try Self.wrapDatabaseErrors {
            try pool.read { db in try Self.arrivalFlags(db, arrivedBy: arrivedBy) }
        }
    }

    /// ``arrivalFlags(arrivedBy:)`` in a read the caller holds.
    public static func arrivalFlags(_ db: Database, arrivedBy: Int64? = nil) throws -> [ArrivalFlag] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT office, kind, events, first_seq, last_seq, extreme_ms, detected_ms FROM arrival_flags
                WHERE detected_ms <= ? ORDER BY rowid
                """, arguments: [arrivedBy ?? Int64.max]
        ).compactMap { row in
            guard let kind = ArrivalFlag.Kind(rawValue: row["kind"]) else { return nil }
            return ArrivalFlag(
                office: row["office"], kind: kind, events: row["events"], firstSeq: (row["first_seq"] as Int64?).map(UInt64.init),
                lastSeq: (row["last_seq"] as Int64?).map(UInt64.init), extreme: row["extreme_ms"], detected: row["detected_ms"])
        }
    }
}
