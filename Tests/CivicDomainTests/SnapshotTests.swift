@testable import CivicDomain
import CivicTestSupport
import Foundation
import GRDB
import LedgerCore
import LedgerStore
import Testing

/// Replay starts from snapshots: costs summed by 30-day period of their recorded time. Late
/// events, corrections, revocations and conflicts must give, across snapshots, exactly what
/// reading every cost gives — and the hand-computed figures.
@Suite("Snapshots for replay")
struct SnapshotTests {
    static let day: Int64 = 86_400_000

    /// What must not differ between the two ways of computing state.
    ///
    /// - Returns: how many cost periods state started from.
    @discardableResult
    static func same(_ store: LedgerStore, _ filter: TimeFilter, _ label: String) throws -> Int {
        let fast = try CityState.load(from: store, filter: filter)
        let full = try CityState.load(from: store, filter: filter, snapshots: false)
        #expect(fast.costs == full.costs, "costs differ \(label)")
        #expect(fast.findings == full.findings, "findings differ \(label): \(fast.findings.count) against \(full.findings.count)")
        #expect(fast.eventCount == full.eventCount, "event counts differ \(label)")
        return try store.read { db in
            let cut = try CostPeriods.cut(db, filter: filter)
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM civic_cost_periods WHERE period < ?", arguments: [cut ?? Int64.max]) ?? 0
        }
    }

    /// How many periods after the cut state sums whole under `filter` (``CostPeriods/whole(_:filter:after:)``).
    static func summedWhole(_ store: LedgerStore, _ filter: TimeFilter) throws -> Int {
        try store.read { db in try CostPeriods.whole(db, filter: filter, after: try CostPeriods.cut(db, filter: filter)).count }
    }

    /// Three offices over three years: costs on shared systems, costs on systems unknown, retired or
    /// not yet procured, in another currency or dated before their procurement; corrections of
    /// costs; police's events reaching city hall months late; the registrar revoking a key.
    @Test(arguments: [1, 2, 3] as [UInt64]) func snapshotsGiveWhatReadingEveryCostGives(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let city = try TestCity(offices: ["cityhall", "police", "it"], registrar: "cityhall", registering: true)
        let start = LedgerDate("2023-01-01")!.unixMilliseconds
        city.clock = start
        try city.deliver(from: "cityhall", to: "police")
        try city.deliver(from: "cityhall", to: "it")
        func day() -> String { LedgerDate(unixMilliseconds: city.clock).description }
        let systems = ["cams", "lights", "lpr", "ghost"]
        var procured: Set<String> = []
        var costs: [String: [Event]] = ["police": [], "it": [], "cityhall": []]
        var instants: [Int64] = []
        var (served, servedWhole) = (0, 0)
        let hall = city.store("cityhall")
        for step in 0..<220 {
            city.clock += Int64.random(in: 1...9, using: &random) * Self.day + Int64.random(in: 0..<Self.day, using: &random)
            instants.append(city.clock - Int64.random(in: 0..<(40 * Self.day), using: &random))
            let office = ["police", "it", "cityhall"][Int.random(in: 0..<3, using: &random)]
            let system = systems[Int.random(in: 0..<systems.count, using: &random)]
            switch Int.random(in: 0..<20, using: &random) {
            case 0 where !procured.contains(system) && system != "ghost":
                procured.insert(system)
                try city.record(office, "system.procured", day(), Bodies.system(system, currency: system == "lpr" ? "EUR" : "USD"))
            case 1 where system == "lights" && step > 150:
                _ = try? city.recordUnchecked("cityhall", "system.retired", day(), Bodies.retirement(system))
            case 2:
                // A cost dated before the system was procured, or in the wrong currency.
                let early = LedgerDate(unixMilliseconds: city.clock - 400 * Self.day).description
                try city.recordUnchecked(office, "cost.incurred", early, Bodies.cost(system, Int.random(in: 1...9_000, using: &random)))
            case 3 where !(costs[office] ?? []).isEmpty:
                let target = costs[office]![Int.random(in: 0..<costs[office]!.count, using: &random)]
                _ = try? city.recordUnchecked(
                    office, "event.corrected", day(), Bodies.correction(of: target.id, replacement: Bodies.cost("cams", 77, category: "energy")))
            default:
                let cost = try city.recordUnchecked(
                    office, "cost.incurred", day(),
                    Bodies.cost(
                        system, Int.random(in: 1...90_000, using: &random), source: ["general-fund", "bond", "grant"][step % 3],
                        category: ["maintenance", "licence"][step % 2], currency: step % 17 == 0 ? "EUR" : "USD"))
                costs[office, default: []].append(cost)
            }
            // IT reaches city hall every few weeks; police only twice a year, months late.
            if step % 5 == 0 { try city.deliver(from: "it", to: "cityhall") }
            if step % 70 == 69 { try city.deliver(from: "police", to: "cityhall") }
            if step == 100 || step == 180 {
                // Running totals after every period, then after every few.
                try CityState.updateSnapshots(hall, costBytesPerTotal: step == 100 ? 1 : 600)
                for instant in instants.suffix(12) { try Self.same(hall, TimeFilter(asOf: instant), "at step \(step), as of \(instant)") }
                for instant in instants.suffix(24).enumerated().filter({ $0.offset % 2 == 0 }).map(\.element) {
                    for filter in Self.otherTimes(instant, now: city.clock) where try Self.same(hall, filter, "at step \(step), \(filter)") > 0 {
                        served += 1
                        if try Self.summedWhole(hall, filter) > 0 { servedWhole += 1 }
                    }
                }
            }
        }
        // The registrar revokes IT's key after half of what IT signed: the rest stops counting.
        let itSize = try city.store("it").head(office: "it")?.size ?? 0
        try city.deliver(from: "it", to: "cityhall")
        try city.record(
            "cityhall", "office.key-revoked", day(),
            #"{"office":"it","key":"\#(city.signer("it").verifier.vkey)","after":\#(itSize / 2),"reason":"laptop stolen"}"#)
        try city.deliver(from: "police", to: "cityhall")  // police's last months, late: after the snapshots' mark

        let status = try CityState.snapshotStatus(hall)
        #expect(status.periods > 20 && status.through > 0 && status.totals.count > 4, "\(status)")
        let everything = try CityState.load(from: hall, filter: .none, snapshots: false)
        #expect(everything.findings.contains { $0.kind == .revokedKey })
        #expect(everything.corrections.count > 2)
        #expect(Set(everything.findings.map(\.kind)).count >= 4, "\(Set(everything.findings.map(\.kind)))")
        // Every period boundary, a millisecond either side, and random instants; then after catching up.
        let boundaries = (0..<40).map { LedgerDate("2023-01-01")!.unixMilliseconds / (30 * Self.day) * (30 * Self.day) + Int64($0) * 30 * Self.day }
        for pass in 0..<2 {
            try Self.same(hall, .none, "for all time, pass \(pass)")
            for boundary in boundaries.enumerated().filter({ $0.offset % 3 == 0 }).map(\.element) {
                for instant in [boundary - 1, boundary, boundary + 1] {
                    try Self.same(hall, TimeFilter(asOf: instant), "pass \(pass), as of \(instant)")
                }
            }
            for instant in instants.enumerated().filter({ $0.offset % 9 == 0 }).map(\.element) {
                try Self.same(hall, TimeFilter(asOf: instant), "pass \(pass), as of \(instant)")
            }
            for instant in instants.enumerated().filter({ $0.offset % 18 == 4 }).map(\.element) {
                for filter in Self.otherTimes(instant, now: city.clock) where try Self.same(hall, filter, "pass \(pass), \(filter)") > 0 {
                    served += 1
                    if try Self.summedWhole(hall, filter) > 0 { servedWhole += 1 }
                }
            }
            try CityState.updateSnapshots(hall, costBytesPerTotal: 1)
        }
        #expect(served >= 40, "\(served) states known at, in force on, or both, started from some of the periods")
        #expect(servedWhole >= 3, "\(servedWhole) of them summed periods after their cut whole")
    }

    /// Known at an instant, in force on its date, and each with an instant.
    static func otherTimes(_ instant: Int64, now: Int64) -> [TimeFilter] {
        let date = LedgerDate(unixMilliseconds: instant)
        return [
            TimeFilter(knownAt: instant), TimeFilter(effectiveOn: date), TimeFilter(asOf: instant, knownAt: now),
            TimeFilter(asOf: now, knownAt: instant, effectiveOn: date),
        ]
    }

    /// Hand-computed: costs in January, February and March 2024; the snapshots catch up in April;
    /// police's January cost arrives in June, and a correction of a February cost is recorded in May.
    @Test func lateEventsAndCorrectionsGiveTheHandComputedFiguresAcrossSnapshots() throws {
        let city = try TestCity(offices: ["cityhall", "police"])
        city.at("2024-01-02")
        try city.record("cityhall", "system.procured", "2024-01-02", Bodies.system("lights"))
        try city.record("police", "system.procured", "2024-01-02", Bodies.system("lights"))
        city.at("2024-01-15")
        try city.record("cityhall", "cost.incurred", "2024-01-15", Bodies.cost("lights", 1_000))
        try city.record("police", "cost.incurred", "2024-01-15", Bodies.cost("lights", 20))
        city.at("2024-02-15")
        let february = try city.record("cityhall", "cost.incurred", "2024-02-15", Bodies.cost("lights", 300))
        city.at("2024-03-15")
        try city.record("cityhall", "cost.incurred", "2024-03-15", Bodies.cost("lights", 5_000))
        let hall = city.store("cityhall")
        city.at("2024-04-01")
        try CityState.updateSnapshots(hall, costBytesPerTotal: 1)
        // A running total before February's period (January's) and before March's (January's and
        // February's); none holds March's, the newest.
        let periods = ["2024-01-15", "2024-02-15", "2024-03-15"].map { LedgerDate($0)!.unixMilliseconds / (30 * Self.day) }
        #expect(try CityState.snapshotStatus(hall).periods == 3)
        #expect(try CityState.snapshotStatus(hall).totals == [periods[1], periods[2]])

        func total(_ date: String) throws -> Int64 {
            let filter = TimeFilter(asOf: TimeFilter.instant(date))
            let fast = try CityState.load(from: hall, filter: filter).totalCost(system: "lights")
            #expect(fast == (try CityState.load(from: hall, filter: filter, snapshots: false)).totalCost(system: "lights"), "\(date)")
            return fast
        }
        #expect(try total("2024-02-20") == 1_300)
        city.at("2024-05-02")
        try city.record(
            "cityhall", "event.corrected", "2024-05-02", Bodies.correction(of: february.id, replacement: Bodies.cost("lights", 30), reason: "typo"))
        city.at("2024-06-01")
        try city.deliver(from: "police", to: "cityhall")
        // Police's January cost counts from January on, though it arrived in June; the February
        // cost is 300 until the correction was recorded in May, then 30.
        #expect(try total("2024-01-31") == 1_020)
        #expect(try total("2024-02-20") == 1_320)
        #expect(try total("2024-04-30") == 6_320)
        #expect(try total("2024-06-30") == 6_050)
        // January's period is rewritten with police's cost: the totals after it are made again.
        try CityState.updateSnapshots(hall, costBytesPerTotal: 1)
        #expect(try CityState.snapshotStatus(hall).totals == [periods[1], periods[2]])
        #expect(try total("2024-01-31") == 1_020)
        #expect(try total("2024-02-20") == 1_320)
        #expect(try total("2024-03-20") == 6_320)
        #expect(try total("2024-04-30") == 6_320)
        #expect(try total("2024-06-30") == 6_050)
        let state = try CityState.load(from: hall, filter: .none)
        #expect(state.eventCount == 5 + 2)  // city hall: a procurement, three costs, a correction; police: a procurement, a cost

        // Known at an instant, in force on a date: the periods before the first holding a cost
        // outside those bounds serve (January's holds police's cost, which arrived in June; the
        // correction, recorded and in force in May, is outside both bounds before then).
        func total(_ filter: TimeFilter, cut: Int64?, _ label: String) throws -> Int64 {
            #expect(try hall.read { db in try CostPeriods.cut(db, filter: filter) } == cut, "\(label)")
            let fast = try CityState.load(from: hall, filter: filter).totalCost(system: "lights")
            #expect(fast == (try CityState.load(from: hall, filter: filter, snapshots: false)).totalCost(system: "lights"), "\(label)")
            return fast
        }
        #expect(try total(TimeFilter(knownAt: TimeFilter.instant("2024-04-01")), cut: periods[0], "known at April 1") == 6_300)
        // After January's cut, February's and March's periods pass whole: summed, not read. Known
        // on May 15, the correction of February's cost is known too: taken out of February's sums.
        #expect(try hall.read { db in try CostPeriods.whole(db, filter: TimeFilter(knownAt: TimeFilter.instant("2024-04-01")), after: periods[0]) } == [periods[1], periods[2]])
        #expect(try Self.summedWhole(hall, TimeFilter(knownAt: TimeFilter.instant("2024-05-15"))) == 2)
        #expect(try total(TimeFilter(knownAt: TimeFilter.instant("2024-05-15")), cut: periods[0], "known at May 15") == 6_030)
        #expect(try Self.summedWhole(hall, TimeFilter(knownAt: TimeFilter.instant("2024-03-01"))) == 1)
        #expect(try total(TimeFilter(knownAt: TimeFilter.instant("2024-03-01")), cut: periods[0], "known at March 1") == 1_300)
        #expect(try total(TimeFilter(knownAt: TimeFilter.instant("2024-06-02")), cut: nil, "known at June 2") == 6_050)
        #expect(try total(TimeFilter(effectiveOn: LedgerDate("2024-02-20")), cut: periods[2], "in force on February 20") == 1_320)
        #expect(try total(TimeFilter(effectiveOn: LedgerDate("2024-06-30")), cut: nil, "in force on June 30") == 6_050)
        let both = TimeFilter(asOf: TimeFilter.instant("2024-02-20"), knownAt: TimeFilter.instant("2024-06-02"))
        #expect(try total(both, cut: periods[2], "as of February 20, known at June 2") == 1_320)
        let bounds = try hall.read { db in
            try Row.fetchAll(
                db, sql: "SELECT arrived_min, arrived_max, effective_min, effective_max FROM civic_cost_periods ORDER BY period"
            ).map { row in
                "\(LedgerDate(unixMilliseconds: row[0]).description)…\(LedgerDate(unixMilliseconds: row[1]).description) \(row[2] as String)…\(row[3] as String)"
            }
        }
        #expect(
            bounds == [
                "2024-01-15…2024-06-01 2024-01-15…2024-01-15", "2024-02-15…2024-02-15 2024-02-15…2024-02-15",
                "2024-03-15…2024-03-15 2024-03-15…2024-03-15",
            ])
        // The costs the periods hold from the cut on are read only up to the last period not all
        // of whose costs fail the bounds: known on January 20, January's (February's and March's
        // arrived later); in force on February 20, none from March's cut on.
        let length = 30 * Self.day
        func end(_ filter: TimeFilter) throws -> Int64? {
            try hall.read { db in try CostPeriods.cut(db, filter: filter).flatMap { try CostPeriods.end(db, filter: filter, from: $0) } }
        }
        let januaryTwentieth = TimeFilter(knownAt: TimeFilter.instant("2024-01-20"))
        #expect(try end(januaryTwentieth) == (periods[0] + 1) * length - 1)
        #expect(try total(januaryTwentieth, cut: periods[0], "known at January 20") == 1_000)
        #expect(try end(TimeFilter(effectiveOn: LedgerDate("2024-02-20"))) == periods[2] * length - 1)

        // A ledger whose periods were summed before they kept the earliest bounds gets them when opened.
        let reopened = try city.copy(
            afterRunning: """
                ALTER TABLE civic_cost_periods DROP COLUMN arrived_min; ALTER TABLE civic_cost_periods DROP COLUMN effective_min;
                DELETE FROM grdb_migrations WHERE identifier = 'v13-civic-cost-period-lower-bounds';
                """, on: "cityhall").store("cityhall")
        #expect(
            try reopened.read { db in
                try Row.fetchAll(db, sql: "SELECT arrived_min, effective_min FROM civic_cost_periods ORDER BY period").map { row in
                    "\((row[0] as Int64?).map { LedgerDate(unixMilliseconds: $0).description } ?? "-") \(row[1] as String? ?? "-")"
                }
            } == ["2024-01-15 2024-01-15", "2024-02-15 2024-02-15", "2024-03-15 2024-03-15"])
    }

    /// An instant's own period is read through the costs' times, which the periods index as they
    /// catch up: the events keep no index of their time, and a cost stored after the mark (late,
    /// or not yet caught up with) is read by rowid, never twice.
    @Test func anInstantsOwnPeriodIsReadByTheCostsTimes() throws {
        let city = try TestCity(offices: ["cityhall", "police"])
        city.at("2024-01-02")
        try city.record("cityhall", "system.procured", "2024-01-02", Bodies.system("lights"))
        try city.record("police", "system.procured", "2024-01-02", Bodies.system("lights"))
        let hall = city.store("cityhall")
        city.at("2024-02-10")
        try city.record("cityhall", "cost.incurred", "2024-02-10", Bodies.cost("lights", 50_000))
        // The 30-day period of 2024-02-20 began on 2024-02-17 (day 19,770 after 1970).
        city.at("2024-02-18")
        try city.record("cityhall", "cost.incurred", "2024-02-18", Bodies.cost("lights", 1))
        city.at("2024-02-20")
        try city.record("police", "cost.incurred", "2024-02-20", Bodies.cost("lights", 20))
        city.at("2024-02-25")
        try city.record("cityhall", "cost.incurred", "2024-02-25", Bodies.cost("lights", 300))
        try CityState.updateSnapshots(hall)
        city.at("2024-02-27")
        try city.record("cityhall", "cost.incurred", "2024-02-27", Bodies.cost("lights", 4_000))
        city.at("2024-03-01")
        try city.deliver(from: "police", to: "cityhall")  // police's cost of 2024-02-20, after the mark
        func total(byTheEndOf day: String) throws -> Int64 {
            let filter = TimeFilter(asOf: LedgerDate(day)!.unixMilliseconds + 86_400_000 - 1)
            let fast = try CityState.load(from: hall, filter: filter).totalCost(system: "lights")
            #expect(fast == (try CityState.load(from: hall, filter: filter, snapshots: false)).totalCost(system: "lights"), "\(day)")
            return fast
        }
        #expect(CostPeriods.period(of: LedgerDate("2024-02-17")!.unixMilliseconds) * CostPeriods.length == LedgerDate("2024-02-17")!.unixMilliseconds)
        // 50,000 from the period before; in the instant's own, 1 and 300 held by the mark, 20 and
        // 4,000 stored after it.
        #expect(try total(byTheEndOf: "2024-02-16") == 50_000)
        #expect(try total(byTheEndOf: "2024-02-18") == 50_001)
        #expect(try total(byTheEndOf: "2024-02-20") == 50_021)
        #expect(try total(byTheEndOf: "2024-02-24") == 50_021)
        #expect(try total(byTheEndOf: "2024-02-25") == 50_321)
        #expect(try total(byTheEndOf: "2024-02-27") == 54_321)

        let (times, mark, indexes, plan) = try hall.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM civic_cost_times") ?? -1,
                try CostPeriods.mark(db),
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'"),
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + CostAggregator.heldFrom, arguments: [0, 1, 2])
                    .map { $0["detail"] as String? ?? "" }.joined(separator: "; ")
            )
        }
        #expect(times == 3 && mark > 0, "the three costs held by the mark: \(times), through \(mark)")
        #expect(indexes.isEmpty, "\(indexes)")
        #expect(plan.contains("SEARCH t USING PRIMARY KEY (hlc_wall>? AND hlc_wall<?)"), "\(plan)")
        #expect(plan.contains("SEARCH c USING INTEGER PRIMARY KEY (rowid=?)") && !plan.contains("SCAN"), "\(plan)")
        // Catching up indexes the costs after the mark; rebuilding the periods indexes them all again.
        try CityState.updateSnapshots(hall)
        #expect(try hall.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM civic_cost_times") } == 5)
        #expect(try total(byTheEndOf: "2024-02-20") == 50_021 && total(byTheEndOf: "2024-02-27") == 54_321)
        try hall.updateDerived { db in try CostPeriods.rebuild(db) }
        #expect(try hall.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM civic_cost_times") } == 5)
        #expect(try total(byTheEndOf: "2024-02-25") == 50_321)
    }

    /// A ledger from before the costs' times (the table and its migration removed, the store's
    /// index in citywide order put back) gets them from the costs its periods hold when opened,
    /// and loses the index.
    @Test func anOlderLedgerGetsItsCostsTimesAndLosesTheCityOrderIndex() throws {
        let city = try TestCity(offices: ["it"])
        city.at("2024-01-02")
        try city.record("it", "system.procured", "2024-01-02", Bodies.system("cams"))
        for (day, amount) in [("2024-02-13", 5), ("2024-02-14", 70), ("2024-02-15", 800)] {
            city.at(day)
            try city.record("it", "cost.incurred", day, Bodies.cost("cams", amount))
        }
        try CityState.updateSnapshots(city.store("it"))
        let older = try city.copy(
            afterRunning: """
                DROP TABLE civic_cost_times;
                CREATE INDEX events_in_city_order ON events(hlc_wall, hlc_logical, office, seq);
                DELETE FROM grdb_migrations WHERE identifier IN ('v14-no-city-order-index', 'v9-civic-cost-times');
                """, on: "it")
        let store = older.store("it")
        let (times, indexes) = try store.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM civic_cost_times"),
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'")
            )
        }
        #expect(times == 3 && indexes.isEmpty, "\(String(describing: times)), \(indexes)")
        let filter = TimeFilter(asOf: LedgerDate("2024-02-14")!.unixMilliseconds + 86_400_000 - 1)
        #expect(try CityState.load(from: store, filter: filter).totalCost(system: "cams") == 75)
        try Self.same(store, filter, "as of 2024-02-14")
        #expect(try store.verify().eventCount == 4)
    }

    /// A correction of a cost whose line reached the largest total: the snapshot cannot take the
    /// cost back out exactly, so state reads every cost — and says the total was cut.
    @Test func aCorrectionInASaturatedLineReadsEveryCost() throws {
        let city = try TestCity(offices: ["it"])
        city.at("2024-01-02")
        try city.record("it", "system.procured", "2024-01-02", Bodies.system("cams"))
        city.at("2024-01-05")
        let largest = 9_007_199_254_740_991
        let first = try city.record("it", "cost.incurred", "2024-01-05", Bodies.cost("cams", largest))
        try city.record("it", "cost.incurred", "2024-01-05", Bodies.cost("cams", largest))
        city.at("2024-03-01")
        try CityState.updateSnapshots(city.store("it"))
        try city.record("it", "event.corrected", "2024-03-01", Bodies.correction(of: first.id, replacement: Bodies.cost("cams", 5)))
        let state = try CityState.load(from: city.store("it"), filter: .none)
        #expect(state.totalCost(system: "cams") == Int64(largest))
        #expect(state.findings.contains { $0.kind == .totalOutOfRange })
        try Self.same(city.store("it"), .none, "saturated")
        try Self.same(city.store("it"), TimeFilter(asOf: TimeFilter.instant("2024-02-01")), "saturated, before the correction")
    }

    /// Snapshots are a cache of the events: a damaged period is made again from them, and the state is right.
    @Test func aDamagedSnapshotIsMadeAgain() throws {
        let city = try TestCity(offices: ["it"])
        city.at("2024-01-02")
        try city.record("it", "system.procured", "2024-01-02", Bodies.system("cams"))
        try city.record("it", "cost.incurred", "2024-01-02", Bodies.cost("cams", 10))
        city.at("2024-03-01")
        try city.record("it", "cost.incurred", "2024-03-01", Bodies.cost("cams", 5))
        try CityState.updateSnapshots(city.store("it"))
        try city.store("it").updateDerived { db in try db.execute(sql: "UPDATE civic_cost_periods SET sums = x'0105'") }
        #expect(try CityState.load(from: city.store("it"), filter: .none).totalCost(system: "cams") == 15)
        #expect(try CityState.snapshotStatus(city.store("it")).periods == 2)
        // A damaged running total, too.
        try CityState.updateSnapshots(city.store("it"), costBytesPerTotal: 1)
        #expect(try CityState.snapshotStatus(city.store("it")).totals.count == 1)
        try city.store("it").updateDerived { db in try db.execute(sql: "UPDATE civic_cost_totals SET sums = x'01'") }
        #expect(try CityState.load(from: city.store("it"), filter: .none).totalCost(system: "cams") == 15)
        #expect(try CityState.snapshotStatus(city.store("it")).totals.isEmpty, "dropped with the periods, made again when due")
        try Self.same(city.store("it"), TimeFilter(asOf: TimeFilter.instant("2024-02-01")), "made again")
    }
}
