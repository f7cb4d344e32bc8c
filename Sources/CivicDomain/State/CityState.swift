import Foundation
import GRDB
import LedgerCore
import LedgerStore

/// Money spent, summed by system, year, category, funding source and currency.
public struct CostLine: Sendable, Equatable {
    public let system: String
    public let year: String
    public let category: String
    public let source: String
    public let currency: String
    public var amount: Int64
    public var count: Int64
}

/// A correction that state applies: the corrected event's body is replaced.
public struct AppliedCorrection: Sendable, Equatable {
    public let event: String
    public let type: String
    public let correctedBy: String
    public let reason: String
}

/// The city as the ledger describes it under a ``TimeFilter``: the facts folded in citywide order
/// with corrections applied, and the costs aggregated.
public struct CityState: Sendable {
    public let filter: TimeFilter
    public var facts = FactState()
    public var costs: [CostLine] = []
    public var corrections: [AppliedCorrection] = []
    public var eventCount: Int64 = 0

    /// Computes the state from the store's projections.
    ///
    /// ```swift
    /// let state = try CityState.load(from: store, filter: TimeFilter(asOf: TimeFilter.instant("2026-03-01")))
    /// ```
    public static func load(from store: LedgerStore, filter: TimeFilter) throws -> CityState {
        try store.read { db in try load(db, filter: filter) }
    }

    static func load(_ db: Database, filter: TimeFilter) throws -> CityState {
        var state = CityState(filter: filter)
        let (projectionWhere, projectionArguments) = filter.sql(prefix: "")
        state.eventCount = try Int64.fetchOne(
            db,
            sql: "SELECT (SELECT count(*) FROM civic_costs WHERE \(projectionWhere)) + (SELECT count(*) FROM civic_facts WHERE \(projectionWhere))",
            arguments: projectionArguments + projectionArguments) ?? 0

        var facts: [Event] = []
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT e.canonical FROM civic_facts f CROSS JOIN events e ON e.rowid = f.event_rowid
                WHERE \(filter.sql(prefix: "f.").0) ORDER BY e.hlc_wall, e.hlc_logical, e.office, e.seq
                """, arguments: filter.sql(prefix: "f.").1)
        while let row = try rows.next() { facts.append(try Event(canonical: Array(row["canonical"] as Data))) }

        // The last visible correction of each event wins.
        var replacements: [Hash: (EventCorrected, Event)] = [:]
        for event in facts where event.envelope.type == "event.corrected" {
            if case .eventCorrected(let correction) = try CivicBody.decode(type: event.envelope.type, body: event.envelope.body) {
                replacements[correction.event] = (correction, event)
            }
        }
        for event in facts where event.envelope.type != "event.corrected" {
            var body = try CivicBody.decode(type: event.envelope.type, body: event.envelope.body)
            if let (correction, by) = replacements[event.leafHash], let replaced = try? CivicBody.decode(type: event.envelope.type, body: correction.replacement) {
                body = replaced
                state.corrections.append(.init(event: event.id, type: event.envelope.type, correctedBy: by.id, reason: correction.reason))
            }
            state.facts.apply(body, office: event.envelope.office, effective: event.envelope.effective.description)
        }

        let (costWhere, costArguments) = (projectionWhere, projectionArguments)
        var lines: [String: CostLine] = [:]
        func add(_ line: CostLine) {
            let key = [line.system, line.year, line.category, line.source, line.currency].joined(separator: "\u{1F}")
            var total = lines[key] ?? CostLine(
                system: line.system, year: line.year, category: line.category, source: line.source, currency: line.currency, amount: 0, count: 0)
            total.amount += line.amount
            total.count += line.count
            lines[key] = total.count == 0 && total.amount == 0 ? nil : total
        }
        for line in try CostAggregator.lines(db, condition: costWhere, arguments: costArguments) { add(line) }
        // Corrected costs: take out the original, put in the replacement (at the original's date).
        let (originalWhere, originalArguments) = filter.sql(prefix: "c.")
        for (target, (correction, by)) in replacements {
            guard let original = try Row.fetchOne(
                db,
                sql: """
                    SELECT c.system, substr(c.effective, 1, 4) AS year, c.category, c.source, c.currency, c.amount
                    FROM civic_costs c JOIN events e ON e.rowid = c.event_rowid
                    WHERE e.id_key = ? AND e.id = ? AND \(originalWhere)
                    """, arguments: [LedgerStore.idKey(target), Data(target.bytes)] + originalArguments),
                case .costIncurred(let replacement) = try? CivicBody.decode(type: "cost.incurred", body: correction.replacement)
            else { continue }
            let year: String = original["year"]
            add(CostLine(system: original["system"], year: year, category: original["category"], source: original["source"], currency: original["currency"], amount: -(original["amount"] as Int64), count: -1))
            add(CostLine(system: replacement.system, year: year, category: replacement.category.rawValue, source: replacement.source.rawValue, currency: replacement.currency.code, amount: replacement.amount, count: 1))
            state.corrections.append(.init(event: target.hex, type: "cost.incurred", correctedBy: by.id, reason: correction.reason))
        }
        state.costs = lines.sorted { $0.key < $1.key }.map(\.value)
        state.corrections.sort { $0.event < $1.event }
        return state
    }

    /// Total spend on one system (in its contract currency).
    public func totalCost(system: String) -> Int64 {
        costTotals[system] ?? 0
    }

    /// Total spend per system.
    public var costTotals: [String: Int64] {
        costs.reduce(into: [:]) { totals, line in totals[line.system, default: 0] += line.amount }
    }
}
