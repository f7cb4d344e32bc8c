import CivicDomain
import LedgerCore

/// Turns the city's specification into dated events and orders them into months.
///
/// Within a day, an office's events keep a causal order: procurement, amendments, deployments,
/// assessments, algorithm entries, costs, removals, retirements.
struct DemoGenerator {
    /// The position of an event kind within one day of one office.
    enum Rank: Int, Sendable {
        case define, procure, amend, deploy, assess, register, update, cost, remove, retireAlgorithm, retireSystem
    }

    /// An event waiting for its month.
    struct Pending: Sendable {
        let when: DemoDay
        let officeRank: Int
        let rank: Rank
        let ordinal: Int
        let event: DemoEvent
    }

    let seed: UInt64
    private let officeRanks: [String: Int]
    private(set) var districtOrder: [String] = []
    private var pending: [Pending] = []

    init(seed: UInt64, offices: [String]) {
        self.seed = seed
        var ranks: [String: Int] = [:]
        for (rank, office) in offices.enumerated() { ranks[office] = rank }
        officeRanks = ranks
    }

    /// Queues one event.
    mutating func add(_ when: DemoDay, office: String, rank: Rank, type: String, body: [(String, JSONValue)]) {
        let event = DemoEvent(office: office, type: type, effective: DemoCalendar.date(when.month, day: when.day), body: .object(body))
        pending.append(Pending(when: when, officeRank: officeRanks[office] ?? officeRanks.count, rank: rank, ordinal: pending.count, event: event))
    }

    /// The 120 months of the decade with their events, ordered by day, office and causal rank.
    func months() -> [DemoMonth] {
        let sorted = pending.sorted {
            ($0.when.month, $0.when.day, $0.officeRank, $0.rank.rawValue, $0.ordinal)
                < ($1.when.month, $1.when.day, $1.officeRank, $1.rank.rawValue, $1.ordinal)
        }
        var buckets = Array(repeating: [DemoEvent](), count: DemoCalendar.monthCount)
        for item in sorted where buckets.indices.contains(item.when.month) {
            buckets[item.when.month].append(item.event)
        }
        return buckets.enumerated().map { index, events in
            let (year, month) = DemoCalendar.yearMonth(index)
            return DemoMonth(year: year, month: month, events: events)
        }
    }

    /// City hall's `district.defined` events, in the first days of January 2016.
    mutating func addDistricts(_ districts: [DemoDistrict]) {
        for (index, district) in districts.enumerated() {
            districtOrder.append(district.id)
            var body: [(String, JSONValue)] = [
                ("district", .string(district.id)), ("name", .string(district.name)), ("population", .integer(district.population)),
                ("need_index", .integer(district.needIndex)), ("priority", .bool(district.priority)),
            ]
            if let geometry = DemoCity.geometry(of: district.id) { body.append(("geometry", geometry)) }
            add(DemoDay(2016, 1, 4 + index / 4), office: DemoCity.registrar, rank: .define, type: "district.defined", body: body)
        }
    }

    /// City hall's `policy.target-declared` event.
    mutating func addTarget(_ target: DemoTarget) {
        var body: [(String, JSONValue)] = [
            ("target", .string(target.id)), ("title", .string(target.title)), ("metric", .string(TargetMetric.priorityDistrictShare.rawValue)),
            ("comparison", .string(target.comparison.rawValue)), ("threshold_bps", .integer(target.thresholdBps)),
        ]
        if let categories = target.categories { body.append(("categories", .array(categories.map { .string($0.rawValue) }))) }
        add(target.when, office: DemoCity.registrar, rank: .define, type: "policy.target-declared", body: body)
    }

    /// An algorithm's register entry, its updates and its retirement.
    mutating func addAlgorithm(_ algorithm: DemoAlgorithm) {
        var body: [(String, JSONValue)] = [("algorithm", .string(algorithm.id))]
        if let system = algorithm.system { body.append(("system", .string(system))) }
        body += [
            ("name", .string(algorithm.name)), ("purpose", .string(algorithm.purpose)),
            ("decision_process", .string(algorithm.decisionProcess)), ("human_oversight", .string(algorithm.humanOversight)),
            ("data_sources", .array(algorithm.dataSources.map { .string($0) })), ("risks", .string(algorithm.risks)),
            ("risk_category", .string(algorithm.riskCategory.rawValue)), ("status", .string(algorithm.status.rawValue)),
            ("contact", .string(algorithm.contact)),
        ]
        add(algorithm.registered, office: algorithm.office, rank: .register, type: "algorithm.registered", body: body)
        for update in algorithm.updates {
            add(
                update.when, office: algorithm.office, rank: .update, type: "algorithm.updated",
                body: [("algorithm", .string(algorithm.id))] + update.fields)
        }
        if let retired = algorithm.retired {
            add(
                retired.when, office: algorithm.office, rank: .retireAlgorithm, type: "algorithm.retired",
                body: [("algorithm", .string(algorithm.id)), ("reason", .string(retired.reason))])
        }
    }
}
