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
/// with corrections applied and conflicts resolved, the costs aggregated, and the findings.
public struct CityState: Sendable {
    public let filter: TimeFilter
    public var facts = FactState()
    public var costs: [CostLine] = []
    public var corrections: [AppliedCorrection] = []
    /// Conflicts the fold resolved, events it could not read, and what this node saw of other
    /// offices' clocks and histories (``Finding/sorted(_:)``).
    public var findings: [Finding] = []
    public var eventCount: Int64 = 0

    /// Computes the state from the store's projections.
    ///
    /// ```swift
    /// let state = try CityState.load(from: store, filter: TimeFilter(asOf: TimeFilter.instant("2026-03-01")))
    /// ```
    public static func load(from store: LedgerStore, filter: TimeFilter) throws -> CityState {
        let (registrar, city) = (store.identity.registrar, store.identity.city)
        return try store.read { db in try load(db, filter: filter, registrar: registrar, city: city) }
    }

    static func load(_ db: Database, filter: TimeFilter, registrar: String?, city: String? = nil) throws -> CityState {
        var state = CityState(filter: filter)
        let (projectionWhere, projectionArguments) = filter.sql(prefix: "")
        state.eventCount = try Int64.fetchOne(
            db,
            sql: "SELECT (SELECT count(*) FROM civic_costs WHERE \(projectionWhere)) + (SELECT count(*) FROM civic_facts WHERE \(projectionWhere))",
            arguments: projectionArguments + projectionArguments) ?? 0
        let ledger = try LedgerFacts.load(db, filter: filter, registrar: registrar, city: city)
        var fold = CityFold(registrar: registrar, city: city)
        fold.fold(ledger)
        state.facts = fold.state
        let costs = try CostAggregator.aggregate(
            db, filter: filter, rules: fold.rules, replacements: ledger.costReplacements, revoked: ledger.revoked)
        state.costs = costs.lines.sorted { ($0.system, $0.year, $0.category, $0.source, $0.currency) < ($1.system, $1.year, $1.category, $1.source, $1.currency) }
        state.corrections = ledger.applied
        state.findings = Finding.sorted(ledger.findings + fold.findings + costs.findings + (try NodeFindings.load(db, filter: filter)))
        return state
    }

    /// Total spend on one system (in its contract currency).
    public func totalCost(system: String) -> Int64 {
        costTotals[system] ?? 0
    }

    /// Total spend per system.
    public var costTotals: [String: Int64] {
        costs.reduce(into: [:]) { totals, line in totals[line.system] = Money.add(totals[line.system] ?? 0, line.amount) }
    }
}
