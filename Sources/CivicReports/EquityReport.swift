import CivicDomain
import LedgerCore

/// Who benefits: investment (deployment-allocated spend) and units per district, per resident,
/// against need; the concentration index of investment ranked by need; the share in priority
/// districts against each declared target.
public struct EquityReport: Sendable {
    public struct District: Sendable, Equatable {
        public let district: DistrictDefined
        public let units: Int64
        public let investment: Int64
        public let investmentPerCapita: Int64?
        public let shareBasisPoints: Int64?
    }

    public enum Verdict: String, Sendable {
        case met, missed
        /// Nothing was invested in the systems the target covers.
        case noData = "no-data"
    }

    public struct TargetResult: Sendable, Equatable {
        public let target: TargetDeclared
        public let shareBasisPoints: Int64?
        public let verdict: Verdict
    }

    public let context: ReportContext
    /// Neediest first.
    public let districts: [District]
    public let allocated: Int64
    public let unallocated: Int64
    public let unallocatedSystems: [String]
    /// Investment in districts the ledger does not define (deployments recorded before their definition is known here).
    public let undefinedDistricts: [String]
    public let concentrationIndex: Double?
    /// The share of allocated investment in priority districts, over all categories.
    public let priorityShareBasisPoints: Int64?
    public let targets: [TargetResult]

    public init(_ context: ReportContext) {
        self.init(context, allocation: DeploymentAllocation(context))
    }

    /// - Parameter allocation: the context's spend allocated by deployment (``Headlines`` makes it
    ///   once for this report and the surveillance report).
    init(_ context: ReportContext, allocation: DeploymentAllocation) {
        self.context = context
        let investment = allocation.byDistrict(systems: context)
        var units: [String: Int64] = [:]
        for record in context.systems { for (district, count) in record.deployments { units[district, default: 0] += count } }
        allocated = Money.sum(investment.values)
        unallocated = Money.sum(allocation.unallocated.values)
        unallocatedSystems = allocation.unallocated.keys.sorted()
        let defined = context.state.facts.districts
        undefinedDistricts = Set(investment.keys).union(units.keys).subtracting(defined.keys).sorted()
        let allocated = self.allocated
        districts = context.districtsByNeed.map { district in
            let amount = investment[district.district] ?? 0
            return District(
                district: district, units: units[district.district] ?? 0, investment: amount,
                investmentPerCapita: Metrics.perCapita(amount, people: district.population),
                shareBasisPoints: Metrics.basisPoints(amount, of: allocated))
        }
        concentrationIndex = Metrics.concentrationIndex(districts.map { ($0.district.needIndex, $0.district.population, $0.investment) })
        func priorityShare(_ include: (SystemRecord) -> Bool) -> Int64? {
            let covered = allocation.byDistrict(systems: context, include: include)
            let priority = Money.sum(covered.filter { defined[$0.key]?.priority == true }.values)
            return Metrics.basisPoints(priority, of: Money.sum(covered.values))
        }
        priorityShareBasisPoints = priorityShare { _ in true }
        targets = context.state.facts.targets.values.sorted { $0.target < $1.target }.map { target in
            let categories = target.categories.map(Set.init)
            let share = priorityShare { categories?.contains($0.procured.category) ?? true }
            let verdict: Verdict
            switch (share, target.comparison) {
            case (nil, _): verdict = .noData
            case (let share?, .atLeast): verdict = share >= target.thresholdBasisPoints ? .met : .missed
            case (let share?, .atMost): verdict = share <= target.thresholdBasisPoints ? .met : .missed
            }
            return TargetResult(target: target, shareBasisPoints: share, verdict: verdict)
        }
    }

    public var json: JSONValue {
        .object(
            context.header("equity") + [
                ("allocated", .integer(allocated)), ("unallocated", .integer(unallocated)),
                ("unallocated_systems", .array(unallocatedSystems.map { .string($0) })),
                ("undefined_districts", .array(undefinedDistricts.map { .string($0) })),
                ("concentration_index", concentrationIndex.json), ("priority_share_bps", priorityShareBasisPoints.json),
                ("districts", .array(districts.map { row in
                    .object([
                        ("district", .string(row.district.district)), ("name", .string(row.district.name)),
                        ("population", .integer(row.district.population)), ("need_index", .integer(row.district.needIndex)),
                        ("priority", .bool(row.district.priority)), ("units", .integer(row.units)), ("investment", .integer(row.investment)),
                        ("investment_per_capita", row.investmentPerCapita.json), ("share_bps", row.shareBasisPoints.json),
                    ])
                })),
                ("targets", .array(targets.map { result in
                    .object([
                        ("target", .string(result.target.target)), ("title", .string(result.target.title)),
                        ("metric", .string(result.target.metric.rawValue)), ("comparison", .string(result.target.comparison.rawValue)),
                        ("threshold_bps", .integer(result.target.thresholdBasisPoints)),
                        ("categories", result.target.categories.map { .array($0.map { .string($0.rawValue) }) } ?? .null),
                        ("share_bps", result.shareBasisPoints.json), ("verdict", .string(result.verdict.rawValue)),
                    ])
                })),
            ])
    }

    /// One row a district, neediest first (the CSV).
    public var table: ReportTable {
        ReportTable(
            title: "Who benefits: investment by district, neediest first (\(context.currencyCode))",
            columns: ["district", "population", "need_index", "priority", "units", "investment", "per_capita", "share"],
            rows: districts.map { row in
                [
                    row.district.district, String(row.district.population), String(row.district.needIndex), row.district.priority ? "yes" : "no",
                    String(row.units), context.money(row.investment), context.money(row.investmentPerCapita), row.shareBasisPoints.percent,
                ]
            })
    }

    public var tables: [ReportTable] {
        var summary: [[String]] = [
            ["concentration index (negative favours the neediest)", concentrationIndex.text],
            ["share in priority districts", priorityShareBasisPoints.percent],
            ["allocated to districts", context.money(allocated)],
            ["not allocated (no deployment)", context.money(unallocated)],
        ]
        if targets.isEmpty { summary.append(["targets", "none declared"]) }
        let targetTable = ReportTable(
            title: "Declared targets", columns: ["target", "comparison", "threshold", "share", "verdict"],
            rows: targets.map {
                [$0.target.target, $0.target.comparison.rawValue, Optional($0.target.thresholdBasisPoints).percent, $0.shareBasisPoints.percent, $0.verdict.rawValue]
            })
        return [table, ReportTable(title: "Summary", columns: ["measure", "value"], rows: summary)] + (targets.isEmpty ? [] : [targetTable])
    }
}
