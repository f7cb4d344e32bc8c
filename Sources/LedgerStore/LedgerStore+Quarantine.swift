import Foundation
import GRDB
import LedgerCore

/// A range waiting in quarantine.
public struct QuarantinedRange: Sendable, Equatable {
    public let office: String
    public let after: UInt64
    public let events: Int
    public let received: Int64
}

extension LedgerStore {
    /// The most events one quarantined range may hold (it is kept whole until it can be checked).
    public static let quarantineLimit: UInt64 = 100_000
    /// The most bytes one quarantined range may hold (its canonical lines).
    public static let quarantineRangeBytes: Int64 = 16 << 20
    /// The most ranges, and bytes, quarantine holds at once: the oldest make room for a new one.
    public static let quarantineRanges = 64
    public static let quarantineBytes: Int64 = 64 << 20
    /// How long a range may wait: older ones are dropped (its sender offers it again in a later round).
    public static let quarantineAge: Int64 = 7 * 86_400_000

    /// Whether a range of `office` must wait: another office whose key this node does not trust yet.
    func needsQuarantine(_ office: String) throws -> Bool {
        guard office != identity.office else { return false }
        return try officeKeys()[office] == nil
    }

    /// Holds a range of an office not trusted yet: its events are parsed (so they are canonical,
    /// of that office and in order) but nothing else can be checked until the office's key is known.
    /// Stored in `quarantine`, not in the ledger; released by ``releaseQuarantine(now:)``.
    ///
    /// Quarantine is bounded: a range at most ``quarantineRangeBytes``; at most ``quarantineRanges``
    /// ranges and ``quarantineBytes`` bytes in all, the oldest dropped to make room (a sender offers
    /// a range again in a later round); none older than ``quarantineAge``. The same bytes under the
    /// same checkpoint are held once; other bytes under a checkpoint already held do not shadow them.
    func quarantine(office: String, after: UInt64, checkpoint: String, events: [Event], now: Int64) throws -> ReceiveSummary {
        for (index, event) in events.enumerated() {
            guard event.envelope.office == office, event.envelope.seq == after + UInt64(index) + 1 else {
                throw StoreError.refused(index: index, "event \(index + 1) of the range is not \(office)#\(after + UInt64(index) + 1)")
            }
        }
        var canonical: [UInt8] = []
        for event in events {
            canonical += event.canonical
            canonical.append(0x0A)
        }
        guard Int64(canonical.count) <= Self.quarantineRangeBytes else {
            throw StoreError.refused(
                index: 0, "office \(office) has no trusted key here, and the range is larger than quarantine holds (\(Self.quarantineRangeBytes) bytes)")
        }
        let digest = Data(Hash.sha256(canonical).bytes)
        try Self.wrapDatabaseErrors {
            try pool.write { db in
                try db.execute(sql: "DELETE FROM quarantine WHERE received_ms < ?", arguments: [now - Self.quarantineAge])
                let same = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM quarantine WHERE office = ? AND after = ? AND checkpoint = ? AND digest = ?",
                    arguments: [office, Int64(after), checkpoint, digest]) ?? 0
                guard same == 0 else { return }
                // Make room: the oldest ranges go first.
                while true {
                    let row = try Row.fetchOne(db, sql: "SELECT count(*) AS ranges, coalesce(sum(length(canonical)), 0) AS bytes FROM quarantine")
                    let ranges: Int = row?["ranges"] ?? 0
                    let bytes: Int64 = row?["bytes"] ?? 0
                    guard ranges >= Self.quarantineRanges || bytes + Int64(canonical.count) > Self.quarantineBytes else { break }
                    try db.execute(sql: "DELETE FROM quarantine WHERE rowid = (SELECT min(rowid) FROM quarantine)")
                }
                try db.execute(
                    sql: "INSERT INTO quarantine(office, after, checkpoint, canonical, events, received_ms, digest) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [office, Int64(after), checkpoint, Data(canonical), events.count, now, digest])
            }
        }
        return ReceiveSummary(office: office, stored: 0, alreadyHeld: 0, size: try head(office: office)?.size ?? 0, quarantined: events.count)
    }

    /// The ranges waiting in quarantine, oldest first.
    public func quarantined() throws -> [QuarantinedRange] {
        try Self.wrapDatabaseErrors {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT office, after, events, received_ms FROM quarantine ORDER BY rowid").map {
                    QuarantinedRange(office: $0["office"], after: UInt64($0["after"] as Int64), events: $0["events"], received: $0["received_ms"])
                }
            }
        }
    }

    /// Applies every quarantined range whose office is trusted now, oldest first, each checked as if
    /// it had just arrived; a range refused then is dropped (its sender will offer it again in a
    /// later round). Returns what the applied ranges stored.
    @discardableResult
    public func releaseQuarantine(now: () -> Int64 = LedgerStore.systemMilliseconds) throws -> [ReceiveSummary] {
        // Runs after every received range: look at the offices first, read a range's bytes only when it can go.
        let waiting = try Self.wrapDatabaseErrors {
            try pool.read { db in try Row.fetchAll(db, sql: "SELECT rowid, office, checkpoint FROM quarantine ORDER BY rowid") }
        }
        guard !waiting.isEmpty else { return [] }
        let keys = try officeKeys()
        var summaries: [ReceiveSummary] = []
        for row in waiting where keys[row["office"] as String] != nil {
            let rowid: Int64 = row["rowid"]
            let bytes = try Self.wrapDatabaseErrors {
                try pool.read { db in try Data.fetchOne(db, sql: "SELECT canonical FROM quarantine WHERE rowid = ?", arguments: [rowid]) }
            }
            let events = try? bytes.map { try Array($0).split(separator: 0x0A).map { try Event(canonical: Array($0)) } }
            if let events = events ?? nil, let summary = try? store(events: events, checkpoint: row["checkpoint"], now: now) { summaries.append(summary) }
            try Self.wrapDatabaseErrors {
                try pool.write { db in try db.execute(sql: "DELETE FROM quarantine WHERE rowid = ?", arguments: [rowid]) }
            }
        }
        return summaries
    }
}
