import CivicDomain
import LedgerCore

/// A decision an office took before it had heard of another office's that month: recorded at its
/// own desk, valid in its own view, conflicting once the month-end sync brings the two together.
/// The fold resolves each the same way on every node, and the findings page lists it.
public struct DemoOfflineDecision: Sendable {
    public enum Kind: Sendable, Equatable {
        /// A cost recorded after the system's own office retired it, the same month.
        case costAfterRetirement
        /// A second procurement of a system another office procured the same month.
        case duplicateProcurement
    }

    public let kind: Kind
    /// The system it is about.
    public let system: String
    /// The office that took it, unaware.
    public let office: String
    let day: DemoDay
    let cost: DemoCost?
}

extension DemoCity {
    /// The demo city's conflicting offline decisions (what its findings page shows).
    public static let offlineDecisions: [DemoOfflineDecision] = [
        // Public works paid the parking sensors' maintenance three days after transport ended the
        // pilot: public works had not heard yet. The money was spent, and is counted.
        DemoOfflineDecision(
            kind: .costAfterRetirement, system: "parking-sensors", office: "publicworks", day: DemoDay(2021, 11, 26),
            cost: DemoCost(
                .maintenance, .once, from: ym(2021, 11), day: 26, dollars: 4_100, source: .fees, payee: "FlowMetrics Inc.", office: "publicworks",
                note: "Quarterly sensor maintenance, paid from the curb-management budget")),
        // IT recorded the purchase of transit signal priority too (it hosts the controllers); the
        // procurement transport recorded first stands, IT's is left out.
        DemoOfflineDecision(kind: .duplicateProcurement, system: "transit-signal-priority", office: "it", day: DemoDay(2020, 8, 13), cost: nil),
    ]
}

extension DemoGenerator {
    /// Queues an offline decision of the city.
    mutating func add(_ decision: DemoOfflineDecision) {
        guard let system = DemoCity.systems.first(where: { $0.id == decision.system }) else { return }
        switch decision.kind {
        case .costAfterRetirement:
            guard let cost = decision.cost else { return }
            var random = DemoRandom(seed: seed, salt: "\(system.id)/offline/\(decision.office)")
            addCost(cost, of: system, when: decision.day, cents: random.jitter(cost.dollars * 100, bps: 300))
        case .duplicateProcurement:
            addProcurement(system, by: decision.office, on: decision.day)
        }
    }
}
