import CivicDemo
import CivicDomain
import LedgerCore

/// The demo city folded as the ledger would, in recording order: every body decoded, checked
/// against the facts before it, and applied unless a conflict leaves it out (costs are summed here).
struct DemoFold {
    /// The conflicts met on the way: (kind, system, office).
    var conflicts: [(kind: FindingKind, system: String?, office: String)] = []
    var state = FactState()
    /// What the rules read, folded beside `state`.
    var rules = RuleFacts(registrar: DemoCity.registrar)
    /// Summed costs per system, in cents.
    var costBySystem: [String: Int64] = [:]
    /// The years in which costs were incurred.
    var costYears: Set<Int> = []
    /// Every cost, with its system.
    var costs: [CostIncurred] = []

    init(_ city: DemoCity) throws {
        var seqs: [String: UInt64] = [:]
        for month in city.months {
            for event in month.events {
                let body = try CivicBody.decode(type: event.type, body: event.body)
                let effective = event.effective.description
                seqs[event.office, default: 0] += 1
                let seq = seqs[event.office] ?? 0
                // The demo's events in recording order, each office's numbered as its log would be.
                let ref = EventRef(
                    key: OrderKey(hlc: HLCTimestamp(wall: event.effective.unixMilliseconds, logical: Int64(seq)), office: event.office, seq: seq),
                    id: Hash.sha256(Array("\(event.office)#\(seq)".utf8)), type: event.type)
                let found = rules.conflicts(of: body, at: ref, effective: effective)
                conflicts += found.map { ($0.kind, body.system, event.office) }
                if found.contains(where: { $0.resolution == .ignored }) { continue }
                rules.apply(body, at: ref, effective: effective)
                if case .costIncurred(let cost) = body {
                    costBySystem[cost.system, default: 0] += cost.amount
                    costYears.insert(event.effective.year)
                    costs.append(cost)
                } else {
                    state.apply(body, office: event.office, effective: effective)
                }
            }
        }
    }

    /// Lifetime cost over initial contract value, per system (systems with a zero contract are left out).
    var multipliers: [(system: String, contract: Int64, total: Int64)] {
        state.systems.values.compactMap { record in
            let contract = record.procured.contract.value
            guard contract > 0 else { return nil }
            return (record.procured.system, contract, costBySystem[record.procured.system] ?? 0)
        }
        .sorted { Double($0.total) / Double($0.contract) > Double($1.total) / Double($1.contract) }
    }

    /// The share (basis points) of the costs of systems in `categories`, allocated to districts by
    /// the units deployed at the end, that lands in priority districts.
    func priorityShare(categories: Set<SystemCategory>?) -> Int64 {
        var priority: Double = 0
        var total: Double = 0
        for record in state.systems.values {
            guard categories.map({ $0.contains(record.procured.category) }) ?? true else { continue }
            let units = record.deployments.values.reduce(0, +)
            guard units > 0 else { continue }
            let cost = Double(costBySystem[record.procured.system] ?? 0)
            for (district, count) in record.deployments {
                let share = cost * Double(count) / Double(units)
                total += share
                if state.districts[district]?.priority == true { priority += share }
            }
        }
        return total > 0 ? Int64(priority / total * 10_000) : 0
    }

    /// The share (basis points) of deployed units of systems in `categories` in priority districts.
    func priorityUnitShare(categories: Set<SystemCategory>) -> Int64 {
        var priority: Int64 = 0
        var total: Int64 = 0
        for record in state.systems.values where categories.contains(record.procured.category) {
            for (district, count) in record.deployments {
                total += count
                if state.districts[district]?.priority == true { priority += count }
            }
        }
        return total > 0 ? priority * 10_000 / total : 0
    }
}
