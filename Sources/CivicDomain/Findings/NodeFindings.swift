import Foundation
import GRDB
import GRDBSQLite
import LedgerCore
import LedgerStore

/// What this node saw, as findings: other offices' clocks running ahead of its own, events arriving
/// long after they were recorded, and the fork evidence it holds. They differ from node to node
/// (each saw its own arrivals); under `--known-at T`, only those seen by T.
enum NodeFindings {
    static func load(_ db: Database, filter: TimeFilter) throws -> [Finding] {
        var findings: [Finding] = []
        // A node flags every range of an office whose clock runs ahead: thousands of flags, two
        // events each, found through each office's runs read once.
        var finder = EventRuns.Finder()
        func ref(_ office: String, _ seq: UInt64?) throws -> EventRef? {
            guard let seq else { return nil }
            return try finder.read(db, office: office, seq: Int64(seq), columns: "id, hlc_wall, hlc_logical, type") { handle in
                let id = UnsafeRawBufferPointer(start: sqlite3_column_blob(handle, 0), count: Int(sqlite3_column_bytes(handle, 0)))
                return EventRef(
                    key: OrderKey(
                        hlc: HLCTimestamp(wall: sqlite3_column_int64(handle, 1), logical: sqlite3_column_int64(handle, 2)),
                        office: office, seq: seq),
                    id: Hash(bytes: Array(id)), type: sqlite3_column_text(handle, 3).map { String(cString: $0) } ?? "")
            }
        }
        for flag in try LedgerStore.arrivalFlags(db, arrivedBy: filter.knownAt) {
            var events: [EventRef] = []
            if let first = try ref(flag.office, flag.firstSeq) { events.append(first) }
            if flag.lastSeq != flag.firstSeq, let last = try ref(flag.office, flag.lastSeq) { events.append(last) }
            let span = events.count == 2 ? "\(flag.office)#\(flag.firstSeq ?? 0)…#\(flag.lastSeq ?? 0)" : events.first.map { "\($0.office)#\($0.seq)" } ?? flag.office
            let detail: String
            switch flag.kind {
            case .ahead:
                detail = "\(flag.events) event\(flag.events == 1 ? "" : "s") of \(span) carried clocks up to \(Self.duration(flag.extreme)) ahead of this node's when they arrived; they did not move its clock"
                findings.append(Finding(kind: .clockAhead, events: events, resolution: .flagged, detail: detail, office: flag.office))
            case .late:
                detail = "\(flag.events) event\(flag.events == 1 ? "" : "s") of \(span) arrived up to \(Self.duration(flag.extreme)) behind this node's clock: they land in the past of what it held"
                findings.append(Finding(kind: .arrivedLate, events: events, resolution: .flagged, detail: detail, office: flag.office))
            }
        }
        for fork in try LedgerStore.forks(db) where fork.detected <= (filter.knownAt ?? Int64.max) {
            let held = try ref(fork.office, fork.seq)
            findings.append(
                Finding(
                    kind: .fork, events: held.map { [$0] } ?? [], resolution: .flagged, detail: "\(fork.office) at seq \(fork.seq): \(fork.reason)",
                    office: fork.office))
        }
        return findings
    }

    /// `3 days`, `2 h`, `7 min`, `40 s`: the largest whole unit.
    static func duration(_ milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        if seconds >= 86_400 * 365 { return "\(seconds / (86_400 * 365)) years" }
        if seconds >= 86_400 { return "\(seconds / 86_400) days" }
        if seconds >= 3_600 { return "\(seconds / 3_600) h" }
        if seconds >= 60 { return "\(seconds / 60) min" }
        return "\(seconds) s"
    }
}
