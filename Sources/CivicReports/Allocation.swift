import CivicDomain

/// Spend allocated to districts by deployment: each system's spend to date is split across the
/// districts where its units stand (under the report's time filter), in proportion to the units.
/// Spend on a system with no units deployed is unallocated (citywide platforms, apps).
public struct DeploymentAllocation: Sendable, Equatable {
    /// Allocated spend per system and district.
    public let bySystem: [String: [String: Int64]]
    /// Spend on systems with no deployment, per system.
    public let unallocated: [String: Int64]

    public init(_ context: ReportContext) {
        let spend = context.spend
        var bySystem: [String: [String: Int64]] = [:]
        var unallocated: [String: Int64] = [:]
        for record in context.systems {
            let system = record.procured.system
            let amount = spend[system] ?? 0
            let weights = record.deployments.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { (key: $0.key, weight: $0.value) }
            if let parts = Metrics.allocate(amount, weights: weights) {
                bySystem[system] = parts
            } else if amount != 0 {
                unallocated[system] = amount
            }
        }
        self.bySystem = bySystem
        self.unallocated = unallocated
    }

    /// Allocated spend per district over the systems `include` accepts.
    public func byDistrict(systems context: ReportContext, include: (SystemRecord) -> Bool = { _ in true }) -> [String: Int64] {
        var totals: [String: Int64] = [:]
        for record in context.systems where include(record) {
            for (district, amount) in bySystem[record.procured.system] ?? [:] { totals[district] = Money.add(totals[district] ?? 0, amount) }
        }
        return totals
    }
}
