import CivicDomain
import CivicTestSupport
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync
import Testing

/// A city as cities are: five offices that share systems and districts, work offline between
/// partial syncs, and so make decisions that conflict — the same id created twice, costs and
/// deployments on systems retired elsewhere, removals of units already removed, corrections from two
/// offices, districts defined late — one of them with a clock 80 years ahead. Every decision is one
/// its office could record in its own view (the recorder's checks refuse the rest).
final class ConflictingCity: @unchecked Sendable {
    static let offices = ["cityhall", "transport", "police", "it", "works"]
    /// The office whose clock runs 80 years ahead.
    static let aheadOffice = "works"
    static let aheadBy: Int64 = 80 * 365 * 86_400_000

    let template: TestCity
    /// Events recorded by all offices: what every node must hold in the end.
    let recorded: Int
    /// The kinds of ledger finding the offline work produced.
    let kinds: Set<FindingKind>

    init(seed: UInt64, operations: Int = 60) async throws {
        var random = SeededGenerator(seed: seed)
        let city = try TestCity(offices: Self.offices, registrar: "cityhall")
        let start = LedgerStore.systemMilliseconds() - 30 * 86_400_000
        var now = start
        func at(_ office: String) { city.clock = now + (office == Self.aheadOffice ? Self.aheadBy : 0) }
        func day() -> String { LedgerDate(unixMilliseconds: now).description }
        @discardableResult
        func record(_ office: String, _ type: String, _ body: String, unchecked: Bool = false) -> Event? {
            at(office)
            defer { city.clock = now }
            if unchecked { return try? city.recordUnchecked(office, type, day(), body) }
            return try? city.record(office, type, day(), body)
        }
        // Shared from the start: two districts, three systems of three offices, synced everywhere.
        record("cityhall", "district.defined", Bodies.district("d1", population: 4000, need: 80, priority: true))
        record("cityhall", "district.defined", Bodies.district("d2", population: 9000, need: 30))
        record("transport", "system.procured", Bodies.system("s1", category: "cameras"))
        record("it", "system.procured", Bodies.system("s2", category: "broadband"))
        record("works", "system.procured", Bodies.system("s3", category: "streetlights"))
        record("transport", "deployment.recorded", Bodies.deployment("s1", "d1", units: 5))
        city.clock = now
        for office in Self.offices where office != "cityhall" { try await city.sync(office, "cityhall") }
        for office in Self.offices where office != "cityhall" { try await city.sync(office, "cityhall") }

        // Offline work, with a partial sync now and then. The office whose clock is ahead defines a
        // district and registers an algorithm the others will use (before them, in their own time).
        now += 60_000
        record(Self.aheadOffice, "district.defined", Bodies.district("d3", population: 700, need: 55))
        record(Self.aheadOffice, "algorithm.registered", Bodies.algorithm("a1", system: "s3"))
        let systems = ["s1", "s2", "s3", "s4", "ghost"]
        let districts = ["d1", "d2", "d3", "d4"]
        var costs: [String: [Event]] = [:]
        /// Facts an office recorded, with what a correction may replace each with (another key).
        var facts: [String: [(event: Event, replacement: String)]] = [:]
        func keep(_ office: String, _ event: Event?, _ replacement: String) {
            if let event { facts[office, default: []].append((event, replacement)) }
        }
        for _ in 0..<operations {
            now += Int64.random(in: 60_000...7_200_000, using: &random)
            let office = Self.offices.randomElement(using: &random) ?? "cityhall"
            let system = systems.randomElement(using: &random) ?? "s1"
            let district = districts.randomElement(using: &random) ?? "d1"
            switch Int.random(in: 0..<19, using: &random) {
            case 0, 1, 2:
                if let cost = record(office, "cost.incurred", Bodies.cost(system, Int.random(in: 100...90_000, using: &random))) {
                    costs[office, default: []].append(cost)
                }
            case 3, 4:
                let units = Int.random(in: 1...6, using: &random)
                keep(office, record(office, "deployment.recorded", Bodies.deployment(system, district, units: units)), Bodies.deployment(system, "d5", units: units))
            case 5: record(office, "deployment.removed", Bodies.deployment(system, district, units: Int.random(in: 1...4, using: &random)))
            case 6: record(office, "surveillance.assessed", Bodies.assessment(system, districts: [district]))
            case 7: record(office, "system.retired", Bodies.retirement(system))
            case 8: record(office, "contract.amended", Bodies.amendment(system, change: Int.random(in: -500...5_000, using: &random)))
            case 9:
                keep(
                    office, record(office, "system.procured", Bodies.system("s4", category: "sensors", vendor: office.capitalized)),
                    Bodies.system("s5", category: "sensors", vendor: office.capitalized))
            case 10:
                keep(
                    office, record(office, "district.defined", Bodies.district("d4", population: Int.random(in: 10...900, using: &random), need: 50)),
                    Bodies.district("d5", population: 321, need: 60))
            case 11: record(office, "algorithm.registered", Bodies.algorithm("a1", system: system))
            case 12: record(office, Bool.random(using: &random) ? "algorithm.updated" : "algorithm.retired",
                            Bool.random(using: &random) ? Bodies.algorithmUpdate("a1") : Bodies.retirement("a1", field: "algorithm"))
            case 13:
                // A correction of one of the office's own costs, or the registrar's of anyone's.
                let owner = office == "cityhall" ? Self.offices.randomElement(using: &random) ?? office : office
                if let target = costs[owner]?.randomElement(using: &random), let system = target.envelope.body["system"]?.stringValue {
                    record(office, "event.corrected", Bodies.correction(of: target.id, replacement: Bodies.cost(system, Int.random(in: 1...500, using: &random))))
                }
            case 14:
                // What a newer office might send: a type this vocabulary does not know.
                record(office, "budget.planned", #"{"system":"\#(system)","amount":5}"#, unchecked: true)
            case 15:
                // Two offices take down cameras at the same place, each seeing them still there.
                for remover in Self.offices.shuffled(using: &random).prefix(2) {
                    record(remover, "deployment.removed", Bodies.deployment("s1", "d1", units: Int.random(in: 2...4, using: &random)))
                }
            default:
                let pair = Self.offices.shuffled(using: &random)
                city.clock = now
                try await city.sync(pair[0], pair[1])
            }
        }
        // Last, offline, each office (city hall: anyone's) corrects one of its facts so that it names
        // another key — a system, a district renamed — from a generator of its own, so the work above
        // stays what it was.
        var late = SeededGenerator(seed: seed &+ 7_919)
        for office in Self.offices {
            now += 60_000
            let owner = office == "cityhall" ? Self.offices.randomElement(using: &late) ?? office : office
            if let (target, replacement) = facts[owner]?.randomElement(using: &late) {
                record(office, "event.corrected", Bodies.correction(of: target.id, replacement: replacement))
            }
        }
        city.clock = now
        template = city
        recorded = try Self.offices.reduce(0) { $0 + Int(try city.store($1).head(office: $1)?.size ?? 0) }
        // What the offline work led to, once everything is everywhere (checked on a copy).
        let everything = try city.copy()
        try await everything.converge()
        kinds = Set(try everything.state("cityhall").findings.filter { $0.scope == .ledger }.map(\.kind))
    }
}

@Suite("Convergence with conflicts")
struct ConflictConvergenceTests {
    /// 10 cities × 100 random schedules of pairwise rounds (relays included: a node passes on what
    /// others sent it), then two rounds of every office with city hall. Every schedule ends with the
    /// same citywide checkpoint, state and ledger findings on every node; no authentic event is
    /// refused or lost; no event of the office whose clock is 80 years ahead moved anyone's clock.
    @Test(arguments: 0..<10 as Range<UInt64>)
    func everyScheduleConverges(city seed: UInt64) async throws {
        let city = try await ConflictingCity(seed: 4_000 + seed)
        var random = SeededGenerator(seed: 91 + seed)
        var outcome: (checkpoint: Hash, view: String)?
        let offices = ConflictingCity.offices
        for schedule in 0..<100 {
            let copy = try city.template.copy()
            var refusals: [String] = []
            for _ in 0..<Int.random(in: 3...14, using: &random) {
                let pair = offices.shuffled(using: &random)
                refusals += try await copy.sync(pair[0], pair[1]).refused.map { "\($0.key): \($0.value)" }
            }
            for _ in 0..<2 {
                for office in offices.shuffled(using: &random) where office != "cityhall" {
                    refusals += try await copy.sync(office, "cityhall").refused.map { "\($0.key): \($0.value)" }
                }
            }
            #expect(refusals.isEmpty, "city \(seed) schedule \(schedule): refused \(refusals)")
            let checkpoints = try offices.map { try copy.store($0).citywideCheckpoint().hash }
            #expect(Set(checkpoints).count == 1, "city \(seed) schedule \(schedule) did not converge")
            for office in offices { #expect(try copy.store(office).eventCount() == city.recorded) }
            let views = try offices.map { try copy.ledgerView($0) }
            #expect(Set(views).count == 1, "city \(seed) schedule \(schedule): the nodes fold differently")
            if let outcome {
                #expect(outcome.checkpoint == checkpoints[0] && outcome.view == views[0], "city \(seed): schedules reached different ledgers")
            } else {
                outcome = (checkpoints[0], views[0])
            }
            // The far-ahead clock moved no other node's: their own newest events carry this month's time.
            for office in offices where office != ConflictingCity.aheadOffice {
                let clock = try copy.store(office).nodeClock()
                #expect(clock.wall < copy.clock + LedgerStore.clockSkewBound, "\(office)'s clock was moved to \(clock)")
            }
        }
        // The generator really makes conflicts (checked over the ten cities below).
        #expect(!city.kinds.isEmpty)
    }

    /// Recording checks a new event against the facts of the keys it reads, loaded by key; on every
    /// node, at every step of random schedules (so over every subset of the city's events a node can
    /// hold), each key's rule facts loaded that way equal the fold of everything held.
    @Test(arguments: 0..<4 as Range<UInt64>)
    func keyedRuleFactsEqualTheWholeFold(city seed: UInt64) async throws {
        let city = try await ConflictingCity(seed: 4_000 + seed)
        var random = SeededGenerator(seed: 17 + seed)
        let offices = ConflictingCity.offices
        let (districts, systems, algorithms) = (["d1", "d2", "d3", "d4", "d5"], ["s1", "s2", "s3", "s4", "s5", "ghost"], ["a1", "a2"])
        var compared = 0
        for _ in 0..<3 {
            let copy = try city.template.copy()
            for _ in 0..<8 {
                let pair = offices.shuffled(using: &random)
                _ = try await copy.sync(pair[0], pair[1])
                for office in offices {
                    let whole = try RuleFacts.load(from: copy.store(office))
                    for id in districts {
                        let keyed = try RuleFacts.load(from: copy.store(office), districts: [id])
                        #expect(keyed.districts.contains(id) == whole.districts.contains(id), "\(office): district \(id)")
                    }
                    for id in systems {
                        let keyed = try RuleFacts.load(from: copy.store(office), systems: [id])
                        #expect(keyed.systems[id] == whole.systems[id], "\(office): system \(id)")
                    }
                    for id in algorithms {
                        let keyed = try RuleFacts.load(from: copy.store(office), algorithms: [id])
                        #expect(keyed.algorithms[id] == whole.algorithms[id], "\(office): algorithm \(id)")
                    }
                    for id in offices {
                        let keyed = try RuleFacts.load(from: copy.store(office), offices: [id])
                        #expect(keyed.offices[id] == whole.offices[id], "\(office): office \(id)")
                    }
                    compared += 1
                }
            }
        }
        #expect(compared == 3 * 8 * offices.count)
    }

    /// Over the ten cities, every kind of conflict the offline work can produce shows up.
    @Test func theCitiesConflictInEveryWay() async throws {
        var kinds: Set<FindingKind> = []
        for seed in 0..<10 as Range<UInt64> { kinds.formUnion(try await ConflictingCity(seed: 4_000 + seed).kinds) }
        let expected: Set<FindingKind> = [
            .duplicateID, .systemNotProcured, .systemRetired, .districtNotDefined, .overRemoval, .algorithmNotRegistered, .unknownType,
        ]
        #expect(expected.isSubset(of: kinds), "missing: \(expected.subtracting(kinds))")
    }
}
