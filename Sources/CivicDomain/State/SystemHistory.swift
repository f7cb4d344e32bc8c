import Foundation
import GRDB
import LedgerCore
import LedgerStore

/// Every event about one system in citywide order, with corrections marked.
public struct SystemHistory: Sendable {
    public struct Entry: Sendable {
        public let event: Event
        public let arrived: Int64
        /// The id of the event that corrects this one, if any.
        public var correctedBy: String?
        /// For a correction: the id of the event it corrects.
        public var corrects: String?
    }

    public let system: String
    public var entries: [Entry]

    /// Loads the history of `system` (under `filter`).
    public static func load(from store: LedgerStore, system: String, filter: TimeFilter = .none) throws -> SystemHistory {
        try store.read { db in
            let (condition, arguments) = filter.sql(prefix: "e.")
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.rowid, e.canonical, e.arrived_ms FROM events e
                    WHERE (e.rowid IN (SELECT event_rowid FROM civic_facts WHERE system = ?)
                        OR e.rowid IN (SELECT event_rowid FROM civic_costs WHERE system = ?)
                        OR e.rowid IN (
                            SELECT c.event_rowid FROM events t JOIN civic_corrections c ON c.target_key = t.id_key AND c.target_id = t.id
                            WHERE t.rowid IN (
                                SELECT event_rowid FROM civic_facts WHERE system = ?
                                UNION ALL SELECT event_rowid FROM civic_costs WHERE system = ?)))
                      AND \(condition)
                    ORDER BY \(OrderKey.orderBy("e."))
                    """, arguments: [system, system, system, system] + arguments)
            var entries = try rows.map { row in
                Entry(event: try Event(canonical: Array(row["canonical"] as Data)), arrived: row["arrived_ms"])
            }
            var position: [String: Int] = [:]
            for (index, entry) in entries.enumerated() { position[entry.event.id] = index }
            for index in entries.indices where entries[index].event.envelope.type == "event.corrected" {
                guard let target = entries[index].event.envelope.body["event"]?.stringValue else { continue }
                entries[index].corrects = target
                if let corrected = position[target] { entries[corrected].correctedBy = entries[index].event.id }
            }
            return SystemHistory(system: system, entries: entries)
        }
    }
}
