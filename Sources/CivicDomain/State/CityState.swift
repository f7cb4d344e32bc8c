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
    public var facts = FactState() {
        didSet { orderedSystems = nil }
    }
    public var costs = CostLines()
    public var corrections: [AppliedCorrection] = []
    /// Conflicts the fold resolved, events it could not read, and what this node saw of other
    /// offices' clocks and histories (``Finding/sorted(_:)``).
    public var findings: [Finding] = []
    public var eventCount: Int64 = 0
    /// The rules' keyed facts the fold made on the way (every system's and district's record),
    /// kept with the state rather than freed at the end of the load: a command that reads once and
    /// ends (`civic state`, whose state is kept until the process exits) would otherwise free
    /// tens of thousands of records one by one, about 3 ms of its 90 on a ledger of 100,000 facts.
    /// Freed with the state.
    private var foldRules: RuleFacts?
    /// ``facts``' systems in order of id, when ``load(from:filter:snapshots:systemsInOrder:)`` put
    /// them in order (dropped by any change to the facts).
    private var orderedSystems: [SystemRecord]?

    /// The systems in order of id, as the state's table and JSON list them. A state loaded with
    /// `systemsInOrder` has them ready: they are put in order on the second core while the costs
    /// are aggregated on the first (20,050 systems took 5 ms to sort, while nothing else ran).
    public var systemsByID: [SystemRecord] {
        orderedSystems ?? Self.inOrder(facts.systems)
    }

    /// The records by their ids' order (the ids sorted, then each record taken by its place: sorting
    /// the records themselves moves them, and looking each id up hashes it again).
    private static func inOrder(_ systems: [String: SystemRecord]) -> [SystemRecord] {
        systems.indices.sorted(by: { systems.keys[$0] < systems.keys[$1] }).map { systems.values[$0] }
    }

    /// Computes the state from the store's projections.
    ///
    /// ```swift
    /// let state = try CityState.load(from: store, filter: TimeFilter(asOf: TimeFilter.instant("2026-03-01")))
    /// ```
    ///
    /// - Parameters:
    ///   - snapshots: false reads every cost and folds every fact instead of starting from the
    ///     snapshots (``updateSnapshots(_:factsPerSnapshot:)``); the answer is the same, only slower.
    ///   - systemsInOrder: the caller lists every system by id (``systemsByID``): they are put in
    ///     order during the load, beside the costs.
    public static func load(from store: LedgerStore, filter: TimeFilter, snapshots: Bool = true, systemsInOrder: Bool = false) throws
        -> CityState
    {
        let (registrar, city) = (store.identity.registrar, store.identity.city)
        func reading() throws -> CityState {
            try store.read { db in
                try load(db, filter: filter, registrar: registrar, city: city, periods: snapshots, systemsInOrder: systemsInOrder)
            }
        }
        // The snapshots catch up first when many costs or facts arrived since, or a late fact
        // landed in a snapshot (a write of a cache, never of the events; skipped when another
        // writer holds the file: the answer is the same, only slower).
        if snapshots,
            try store.read({ db in
                try CostPeriods.behind(db) > CostPeriods.catchUpAfter || FoldSnapshots.behind(db) > FoldSnapshots.catchUpAfter
                    || CostPeriods.totalDue(db) != nil || FoldSnapshots.stale(db)
            })
        {
            try? updateSnapshots(store)
        }
        do {
            return try reading()
        } catch is CostSums.Failure {
            // The snapshots are a cache of the events: damaged, they are made again from them.
            try store.updateDerived { db in try CostPeriods.rebuild(db) }
            return try reading()
        } catch is BinaryCoding.Failure {
            try store.updateDerived { db in try FoldSnapshots.drop(db) }
            return try reading()
        }
    }

    /// Adds the costs stored since the snapshots were last brought up to date to them
    /// (``CostPeriods``), makes the running totals of the periods that are due, and folds the facts
    /// into new snapshots of the fold where they are due (``FoldSnapshot``), in write transactions
    /// of the snapshots' own tables: one for the costs, one per running total made (each adds the
    /// periods after the one before), and one per snapshot of the fold made (each folds the facts
    /// since the one before).
    ///
    /// - Parameters:
    ///   - factsPerSnapshot: facts recorded between two snapshots of the fold, at least (nil: 8,192).
    ///   - costBytesPerTotal: bytes of cost periods between two running totals, at least (nil: 2 MiB).
    public static func updateSnapshots(_ store: LedgerStore, factsPerSnapshot: Int? = nil, costBytesPerTotal: Int64? = nil) throws {
        let (registrar, city) = (store.identity.registrar, store.identity.city)
        try store.updateDerived { db in try CostPeriods.catchUp(db) }
        while try store.updateDerived({ db in try CostPeriods.makeTotal(db, every: costBytesPerTotal ?? CostPeriods.bytesPerTotal) }) {}
        while try store.updateDerived({ db in
            try FoldSnapshots.catchUp(db, registrar: registrar, city: city, every: factsPerSnapshot ?? FoldSnapshots.factsPerSnapshot)
        }) {}
    }

    /// The instants the snapshots of the fold are made through (``FoldSnapshot``), in order.
    public static func foldSnapshots(_ store: LedgerStore) throws -> [Int64] {
        try store.read { db in try FoldSnapshots.instants(db) }
    }

    /// How many periods the snapshots hold, the last cost row they include, and the periods the
    /// running totals of the periods are kept before (each holds every period before its own).
    public static func snapshotStatus(_ store: LedgerStore) throws -> (periods: Int, through: Int64, totals: [Int64]) {
        try store.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM civic_cost_periods") ?? 0, try CostPeriods.mark(db),
                try Int64.fetchAll(db, sql: "SELECT period FROM civic_cost_totals ORDER BY period")
            )
        }
    }

    /// - Parameter periods: false reads every cost and folds every fact instead of starting from the
    ///   snapshots (tests compare the two).
    static func load(
        _ db: Database, filter: TimeFilter, registrar: String?, city: String? = nil, periods: Bool = true, systemsInOrder: Bool = false
    ) throws -> CityState {
        var state = CityState(filter: filter)
        // The cost periods are summed on another thread while the facts are read and folded here.
        let pending = periods ? try CostPeriods.Pending(db, filter: filter) : nil
        let (ledger, fold, _, _) = try FoldSnapshots.fold(db, filter: filter, registrar: registrar, city: city, snapshots: periods)
        state.facts = fold.state
        let systems = fold.state.systems
        let ordering = systemsInOrder ? JoinableThread(name: "civic-systems-order") { Self.inOrder(systems) } : nil
        let costs = try CostAggregator.aggregate(
            db, filter: filter, rules: fold.rules, replacements: ledger.costReplacements, revoked: ledger.revoked, periods: periods, pending: pending)
        state.foldRules = fold.rules
        state.eventCount = ledger.rows + costs.events
        state.costs = costs.lines
        state.corrections = ledger.applied
        state.findings = Finding.sorted(ledger.findings + fold.findings + costs.findings + (try NodeFindings.load(db, filter: filter)))
        state.orderedSystems = ordering?.join() ?? nil
        return state
    }

    /// Total spend on one system (in its contract currency).
    public func totalCost(system: String) -> Int64 {
        costTotals[system] ?? 0
    }

    /// Total spend per system (``CostLines/totals``).
    public var costTotals: [String: Int64] { costs.totals }
}
