import CivicTestSupport
import Foundation
import GRDB
import LedgerCore
import LedgerStore
import Testing

@testable import CivicDomain

/// State starts from snapshots of the facts' fold. Late facts landing before a snapshot, late
/// corrections of facts it folded, revocations, conflicts between offices and unreadable events
/// must give, across snapshots, exactly what folding every fact gives — and the hand-computed
/// answers.
@Suite("Snapshots of the fold")
struct FoldSnapshotTests {
    static let day: Int64 = 86_400_000

    /// What must not differ between starting from the snapshots and folding every fact: both as
    /// the snapshots stand (late facts left out of those they landed in) and after state has
    /// caught them up (``CityState/load(from:filter:snapshots:systemsInOrder:)`` does when a late
    /// fact landed in one).
    ///
    /// - Returns: the instant of the snapshot state started from (nil: none served).
    @discardableResult
    static func same(_ store: LedgerStore, _ filter: TimeFilter, _ label: String) throws -> Int64? {
        let (registrar, city) = (store.identity.registrar, store.identity.city)
        // A damaged snapshot cannot be read as it stands (state drops it and reads again).
        let standing: CityState?
        do {
            standing = try store.read { db in try CityState.load(db, filter: filter, registrar: registrar, city: city) }
        } catch is BinaryCoding.Failure {
            standing = nil
        } catch is CostSums.Failure {
            standing = nil
        }
        let fast = try CityState.load(from: store, filter: filter)
        let full = try CityState.load(from: store, filter: filter, snapshots: false)
        for (state, when) in [(standing, "before catching up"), (fast, "caught up")] {
            guard let state else { continue }
            #expect(state.facts == full.facts, "facts differ \(label), \(when)")
            #expect(state.findings == full.findings, "findings differ \(label), \(when): \(state.findings.count) against \(full.findings.count)")
            #expect(state.corrections == full.corrections, "corrections differ \(label), \(when)")
            #expect(state.costs == full.costs, "costs differ \(label), \(when)")
            #expect(state.eventCount == full.eventCount, "event counts differ \(label), \(when)")
        }
        return try servedAsTheyStand(store, filter)
    }

    /// The instant of the snapshot state would start from now, without catching up first (nil: none).
    static func servedAsTheyStand(_ store: LedgerStore, _ filter: TimeFilter) throws -> Int64? {
        let (registrar, city) = (store.identity.registrar, store.identity.city)
        return try store.read { db in try FoldSnapshots.fold(db, filter: filter, registrar: registrar, city: city, snapshots: true).from }
    }

    /// Whether state would start from a superseded snapshot now, without catching up first.
    static func servedSuperseded(_ store: LedgerStore, _ filter: TimeFilter) throws -> Bool {
        let (registrar, city) = (store.identity.registrar, store.identity.city)
        return try store.read { db in try FoldSnapshots.fold(db, filter: filter, registrar: registrar, city: city, snapshots: true).superseded }
    }

    /// The one snapshot of city hall's ledger, as stored and as read.
    static func onlySnapshot(_ store: LedgerStore, _ city: TestCity) throws -> (blob: Data, snapshot: FoldSnapshot) {
        let blob = try #require(try store.read { db in try Data.fetchOne(db, sql: "SELECT fold FROM civic_fold_snapshots") })
        return (blob, try blob.withUnsafeBytes { try FoldSnapshot(decoding: $0, registrar: "cityhall", city: city.city) })
    }

    /// Three offices over two and a half years (from 2026) touching each other's systems: districts defined
    /// again, systems procured twice, deployments on systems unknown or retired and in districts not
    /// defined, removals of more than is deployed, amendments and retirements by an office that did
    /// not procure, algorithms, corrections of facts months old; police's events reaching city hall
    /// months late (inside snapshots already made); then the registrar revoking a key.
    @Test(arguments: [1, 2, 3] as [UInt64]) func snapshotsOfTheFoldGiveWhatFoldingEveryFactGives(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let city = try TestCity(offices: ["cityhall", "police", "it"], registrar: "cityhall", registering: true)
        city.clock = LedgerDate("2026-01-02")!.unixMilliseconds  // after the registrations
        try city.deliver(from: "cityhall", to: "police")
        try city.deliver(from: "cityhall", to: "it")
        func day() -> String { LedgerDate(unixMilliseconds: city.clock).description }
        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
        let (districts, systems, algorithms) = (["north", "south", "east", "west"], ["cams", "lights", "lpr", "kiosk"], ["triage", "risk"])
        var deployments: [String: [(event: Event, system: String, district: String)]] = [:]
        var instants: [Int64] = []
        var (served, servedOthers, fromSuperseded) = (0, 0, 0)
        let hall = city.store("cityhall")
        for step in 0..<260 {
            city.clock += Int64.random(in: 1...6, using: &random) * Self.day + Int64.random(in: 0..<Self.day, using: &random)
            instants.append(city.clock - Int64.random(in: 0..<(40 * Self.day), using: &random))
            let office = pick(["police", "it", "cityhall"])
            // Deployments and assessments sometimes name a district nobody defined.
            let (system, district, place) = (pick(systems), pick(districts), pick(districts + ["harbour"]))
            func record(_ type: String, _ body: String) throws -> Event? { try? city.recordUnchecked(office, type, day(), body) }
            switch Int.random(in: 0..<15, using: &random) {
            case 0: _ = try record("district.defined", Bodies.district(district, population: Int.random(in: 100...9_000, using: &random)))
            case 1: _ = try record("system.procured", Bodies.system(system))
            case 2, 3, 4:
                if let event = try record("deployment.recorded", Bodies.deployment(system, place, units: Int.random(in: 1...5, using: &random))) {
                    deployments[office, default: []].append((event, system, place))
                }
            case 5: _ = try record("deployment.removed", Bodies.deployment(system, district, units: Int.random(in: 1...6, using: &random)))
            case 6: _ = try record("surveillance.assessed", Bodies.assessment(system, districts: [district, place]))
            case 7: _ = try record("contract.amended", Bodies.amendment(system, change: Int.random(in: -500...5_000, using: &random)))
            case 8 where step > 120: _ = try record("system.retired", Bodies.retirement(system))
            case 9: _ = try record("algorithm.registered", Bodies.algorithm(pick(algorithms), system: system))
            case 10: _ = try record("algorithm.updated", Bodies.algorithmUpdate(pick(algorithms)))
            case 11 where step > 200: _ = try record("algorithm.retired", Bodies.retirement(pick(algorithms), field: "algorithm"))
            case 12 where !(deployments[office] ?? []).isEmpty:
                // A correction of one of the office's deployments, often recorded months after it.
                let target = pick(deployments[office]!)
                _ = try record(
                    "event.corrected",
                    Bodies.correction(
                        of: target.event.id,
                        replacement: Bodies.deployment(target.system, target.district, units: Int.random(in: 1...9, using: &random))))
            default: _ = try record("cost.incurred", Bodies.cost(system, Int.random(in: 1...9_000, using: &random)))
            }
            if step % 4 == 0 { try city.deliver(from: "it", to: "cityhall") }
            if step % 60 == 59 { try city.deliver(from: "police", to: "cityhall") }
            // Every 40 steps the snapshots catch up with new ones every 4 facts; in between, state
            // makes again those police's late events landed in (and is checked before it does).
            if step % 20 == 19 {
                if step % 40 == 39 { try CityState.updateSnapshots(hall, factsPerSnapshot: 4) }
                // Superseded snapshots are kept up to as many as the snapshots held and due, or 8.
                let (kept, limit) = try hall.read { db in
                    (
                        try Int.fetchOne(db, sql: "SELECT count(*) FROM civic_fold_snapshots_superseded") ?? 0,
                        try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM civic_fold_snapshots) + (SELECT count(*) FROM civic_fold_snapshots_due)") ?? 0
                    )
                }
                #expect(kept <= max(limit, 8), "at step \(step): \(kept) superseded snapshots kept, \(limit) held")
                for instant in instants.suffix(60).enumerated().filter({ $0.offset % 6 == 0 }).map(\.element) {
                    if try Self.same(hall, TimeFilter(asOf: instant), "at step \(step), as of \(instant)") != nil { served += 1 }
                }
                // Known at an instant (police's events arrive weeks after they were recorded), in
                // force on a date, and both with an instant: from the snapshots all of whose facts pass.
                for instant in instants.suffix(60).enumerated().filter({ $0.offset % 12 == 3 }).map(\.element) {
                    let date = LedgerDate(unixMilliseconds: instant)
                    for filter in [
                        TimeFilter(knownAt: instant), TimeFilter(effectiveOn: date), TimeFilter(asOf: instant, knownAt: city.clock),
                        TimeFilter(asOf: city.clock, knownAt: instant, effectiveOn: date),
                    ] where try Self.same(hall, filter, "at step \(step), \(filter)") != nil {
                        servedOthers += 1
                        if try Self.servedSuperseded(hall, filter) { fromSuperseded += 1 }
                    }
                }
            }
        }
        try city.deliver(from: "it", to: "cityhall")
        #expect(try CityState.foldSnapshots(hall).count >= 10)
        #expect(served >= 60, "\(served) of 120 states started from a snapshot")
        #expect(servedOthers >= 60, "\(servedOthers) of 260 states known at, in force on, or both, started from a snapshot")
        #expect(fromSuperseded >= 20, "\(fromSuperseded) of them from a snapshot police's late events superseded")
        // The registrar revokes IT's key after half of what IT signed; police's last months arrive late.
        let itSize = try city.store("it").head(office: "it")?.size ?? 0
        try city.record(
            "cityhall", "office.key-revoked", day(),
            #"{"office":"it","key":"\#(city.signer("it").verifier.vkey)","after":\#(itSize / 2),"reason":"laptop stolen"}"#)
        try city.deliver(from: "police", to: "cityhall")

        let everything = try CityState.load(from: hall, filter: .none, snapshots: false)
        let kinds = Set(everything.findings.map(\.kind))
        for kind in [FindingKind.duplicateID, .overRemoval, .unauthorized, .revokedKey, .districtNotDefined] {
            #expect(kinds.contains(kind), "no \(kind) finding: \(kinds)")
        }
        #expect(everything.corrections.count > 3)
        for pass in 0..<2 {
            try Self.same(hall, .none, "for all time, pass \(pass)")
            for instant in instants.enumerated().filter({ $0.offset % 5 == pass }).map(\.element) {
                try Self.same(hall, TimeFilter(asOf: instant), "pass \(pass), as of \(instant)")
            }
            for instant in instants.enumerated().filter({ $0.offset % 20 == pass }).map(\.element) {
                try Self.same(hall, TimeFilter(knownAt: instant), "pass \(pass), known at \(instant)")
                try Self.same(hall, TimeFilter(effectiveOn: LedgerDate(unixMilliseconds: instant)), "pass \(pass), in force on \(instant)")
            }
            try CityState.updateSnapshots(hall, factsPerSnapshot: 4)
        }
    }

    /// North defined and cameras procured by city hall on 2024-01-02, 5 of them deployed on
    /// February 10 (returned), police's removal of 2 recorded on February 12 (not yet delivered),
    /// 3 more deployed on March 10 (in force from `marchInForceFrom`), south defined on April 10;
    /// then the snapshots made, one a period.
    static func camerasInFebruary(marchInForceFrom: String) throws -> (city: TestCity, hall: LedgerStore, february: Event) {
        let city = try TestCity(offices: ["cityhall", "police"])
        city.at("2024-01-02")
        try city.record("cityhall", "district.defined", "2024-01-02", Bodies.district("north"))
        try city.record("cityhall", "system.procured", "2024-01-02", Bodies.system("cams"))
        city.at("2024-02-10")
        let february = try city.record("cityhall", "deployment.recorded", "2024-02-10", Bodies.deployment("cams", "north", units: 5))
        city.at("2024-02-12")
        try city.recordUnchecked("police", "deployment.removed", "2024-02-12", Bodies.deployment("cams", "north", units: 2))
        city.at("2024-03-10")
        try city.record("cityhall", "deployment.recorded", marchInForceFrom, Bodies.deployment("cams", "north", units: 3))
        city.at("2024-04-10")
        try city.record("cityhall", "district.defined", "2024-04-10", Bodies.district("south"))
        try CityState.updateSnapshots(city.store("cityhall"), factsPerSnapshot: 1)
        return (city, city.store("cityhall"), february)
    }

    /// Hand-computed: city hall deploys 5 cameras in February and 3 in March; snapshots are made in
    /// April; police's removal of 2, recorded in February, arrives in June, and a correction of the
    /// February deployment to 4 is recorded in May.
    @Test func lateFactsAndCorrectionsGiveTheHandComputedDeploymentsAcrossSnapshots() throws {
        let (city, hall, february) = try Self.camerasInFebruary(marchInForceFrom: "2024-03-10")
        // 30-day periods from 1970: they end on 2024-01-17, 02-16 and 03-17; April's is still open.
        let snapshots = try CityState.foldSnapshots(hall).map { LedgerDate(unixMilliseconds: $0).description }
        #expect(snapshots == ["2024-01-17", "2024-02-16", "2024-03-17"])

        func units(_ date: String) throws -> Int64 {
            let filter = TimeFilter(asOf: TimeFilter.instant(date))
            let fast = try CityState.load(from: hall, filter: filter)
            #expect(fast.facts == (try CityState.load(from: hall, filter: filter, snapshots: false)).facts, "\(date)")
            return fast.facts.systems["cams"]?.deployments["north"] ?? 0
        }
        #expect(try units("2024-02-11") == 5)
        #expect(try units("2024-03-31") == 8)
        city.at("2024-05-02")
        let fewer = Bodies.deployment("cams", "north", units: 4)
        try city.record("cityhall", "event.corrected", "2024-05-02", Bodies.correction(of: february.id, replacement: fewer))
        city.at("2024-06-01")
        try city.deliver(from: "police", to: "cityhall")
        // One transaction of catching up makes one of the two snapshots the removal landed in
        // again; the other waits, and state starts before it meanwhile.
        let (registrar, name) = (hall.identity.registrar, hall.identity.city)
        #expect(try hall.updateDerived { db in try FoldSnapshots.catchUp(db, registrar: registrar, city: name, every: 1) })
        func days(_ sql: String) throws -> [String] {
            try hall.read { db in try Int64.fetchAll(db, sql: sql).map { LedgerDate(unixMilliseconds: $0).description } }
        }
        #expect(try days("SELECT through FROM civic_fold_snapshots ORDER BY through") == ["2024-01-17", "2024-02-16"])
        #expect(try days("SELECT through FROM civic_fold_snapshots_due") == ["2024-03-17"])
        let waiting = try hall.read { db in
            try CityState.load(db, filter: TimeFilter(asOf: TimeFilter.instant("2024-03-31")), registrar: registrar, city: name)
        }
        #expect(waiting.facts.systems["cams"]?.deployments["north"] == 6)
        #expect(try Self.servedAsTheyStand(hall, TimeFilter(asOf: TimeFilter.instant("2024-03-31"))).map { LedgerDate(unixMilliseconds: $0).description } == "2024-02-16")
        for pass in 0..<2 {
            // Police's removal counts from February 12 on, though it arrived in June; the February
            // deployment is 5 until the correction was recorded in May, then 4.
            #expect(try units("2024-02-11") == 5, "pass \(pass)")
            #expect(try units("2024-02-13") == 3, "pass \(pass)")
            #expect(try units("2024-03-31") == 6, "pass \(pass)")
            #expect(try units("2024-05-31") == 5, "pass \(pass)")
            try CityState.updateSnapshots(hall, factsPerSnapshot: 1)
        }
        // The late removal dropped the snapshots it landed in; the next state made them again with
        // it, at their instants, and the catch-up after it made April's.
        #expect(try CityState.foldSnapshots(hall).map { LedgerDate(unixMilliseconds: $0).description } == snapshots + ["2024-04-16"])
    }

    /// Superseded snapshots are kept up to as many as the snapshots held and due (at least 8), the
    /// last superseded first: city hall deploys 2 cameras a month through 2024; police's removals,
    /// recorded in the first days of 2024, reach it in three deliveries in 2025, each landing in
    /// every snapshot.
    @Test func supersededSnapshotsAreKeptUpToAsManyAsTheSnapshotsHeld() throws {
        let city = try TestCity(offices: ["cityhall", "police"])
        city.at("2024-01-02")
        try city.record("cityhall", "district.defined", "2024-01-02", Bodies.district("north"))
        try city.record("cityhall", "system.procured", "2024-01-02", Bodies.system("cams"))
        try city.record("cityhall", "deployment.recorded", "2024-01-02", Bodies.deployment("cams", "north", units: 2))
        for month in 2...12 {
            let date = "2024-\(month < 10 ? "0" : "")\(month)-10"
            city.at(date)
            try city.record("cityhall", "deployment.recorded", date, Bodies.deployment("cams", "north", units: 2))
        }
        let hall = city.store("cityhall")
        try CityState.updateSnapshots(hall, factsPerSnapshot: 1)
        let held = try CityState.foldSnapshots(hall).count
        #expect(held >= 9)
        func day(_ instant: Int64?) -> String? { instant.map { LedgerDate(unixMilliseconds: $0).description } }
        func known(at date: String) -> TimeFilter { TimeFilter(knownAt: TimeFilter.instant(date)) }
        for (recorded, arrives) in [("2024-01-05", "2025-02-01"), ("2024-01-06", "2025-03-01"), ("2024-01-07", "2025-04-01")] {
            city.at(recorded)
            try city.recordUnchecked("police", "deployment.removed", recorded, Bodies.deployment("cams", "north", units: 1))
            city.at(arrives)
            try city.deliver(from: "police", to: "cityhall")
            try CityState.updateSnapshots(hall, factsPerSnapshot: 1)
        }
        #expect(try CityState.foldSnapshots(hall).count == held)
        let windows = try hall.read { db in
            try Row.fetchAll(db, sql: "SELECT arrived_max, known_before FROM civic_fold_snapshots_superseded").map { "\(day($0[0]) ?? "-") \(day($0[1]) ?? "-")" }
        }
        // Only the last delivery's: in force from the second one's arrival to the third's.
        #expect(windows == Array(repeating: "2025-03-01 2025-04-01", count: max(held, FoldSnapshots.supersededAtLeast)))
        #expect(try day(Self.same(hall, known(at: "2025-03-15"), "known at March 15, 2025")) == day(try CityState.foldSnapshots(hall).last))
        #expect(try Self.servedSuperseded(hall, known(at: "2025-03-15")))
        // Known in 2024 and in February 2025: the first two deliveries' were dropped; from the start.
        #expect(try Self.same(hall, known(at: "2024-12-31"), "known at the end of 2024") == nil)
        #expect(try Self.same(hall, known(at: "2025-02-15"), "known at February 15, 2025") == nil)
        #expect(try CityState.load(from: hall, filter: known(at: "2025-02-15")).facts.systems["cams"]?.deployments["north"] == 23)
    }

    /// Hand-computed: state known at an instant, or in force on a date, starts from the latest
    /// snapshot every one of whose facts passes that filter too. City hall deploys 5 cameras on
    /// February 10 and, on March 10, 3 more in force from September 1; police's removal of 2,
    /// recorded and in force on February 12, reaches city hall on June 1.
    @Test func knownAtAndEffectiveOnStartFromTheSnapshotsTheirFactsAllPass() throws {
        let (city, hall, _) = try Self.camerasInFebruary(marchInForceFrom: "2024-09-01")
        func day(_ instant: Int64?) -> String? { instant.map { LedgerDate(unixMilliseconds: $0).description } }
        #expect(try CityState.foldSnapshots(hall).map { day($0) } == ["2024-01-17", "2024-02-16", "2024-03-17"])
        func bounds(_ store: LedgerStore? = nil) throws -> [String] {
            try (store ?? hall).read { db in
                try Row.fetchAll(db, sql: "SELECT through, arrived_max, effective_max FROM civic_fold_snapshots ORDER BY through").map { row in
                    "\(day(row[0]) ?? "-") \(day(row[1]) ?? "-") \(row[2] as String? ?? "-")"
                }
            }
        }
        #expect(try bounds() == ["2024-01-17 2024-01-02 2024-01-02", "2024-02-16 2024-02-10 2024-02-10", "2024-03-17 2024-03-10 2024-09-01"])
        /// The superseded snapshots: instant, latest arrival, end of their window.
        func superseded() throws -> [String] {
            try hall.read { db in
                try Row.fetchAll(db, sql: "SELECT through, arrived_max, known_before FROM civic_fold_snapshots_superseded ORDER BY through, known_before")
                    .map { row in "\(day(row[0]) ?? "-") \(day(row[1]) ?? "-") \(day(row[2]) ?? "-")" }
            }
        }
        /// North's cameras under `filter`, and the snapshot state started from.
        func units(_ filter: TimeFilter, _ label: String) throws -> (units: Int64, from: String?) {
            let from = try Self.same(hall, filter, label)
            return (try CityState.load(from: hall, filter: filter).facts.systems["cams"]?.deployments["north"] ?? 0, day(from))
        }
        func known(at date: String) -> TimeFilter { TimeFilter(knownAt: TimeFilter.instant(date)) }
        func inForce(on date: String) -> TimeFilter { TimeFilter(effectiveOn: LedgerDate(date)) }
        #expect(try units(known(at: "2024-05-01"), "known at May 1") == (8, "2024-03-17"))
        #expect(try units(known(at: "2024-03-01"), "known at March 1") == (5, "2024-02-16"))
        #expect(try units(inForce(on: "2024-05-01"), "in force on May 1") == (5, "2024-02-16"))
        #expect(try units(inForce(on: "2024-09-01"), "in force on September 1") == (8, "2024-03-17"))

        // Police's removal arrives: the snapshots it landed in are left out until they catch up,
        // which the next state does, making them again at their own instants.
        city.at("2024-06-01")
        try city.deliver(from: "police", to: "cityhall")
        try city.record("cityhall", "district.defined", "2024-06-01", Bodies.district("east"))
        #expect(try day(Self.servedAsTheyStand(hall, known(at: "2024-06-02"))) == "2024-01-17")
        // State caught up first: the snapshots the removal landed in are made again, and kept aside.
        #expect(try units(known(at: "2024-05-01"), "known at May 1, the removal late") == (8, "2024-03-17"))
        #expect(
            try bounds() == [
                "2024-01-17 2024-01-02 2024-01-02", "2024-02-16 2024-06-01 2024-02-12", "2024-03-17 2024-06-01 2024-09-01",
            ])
        #expect(try units(known(at: "2024-06-02"), "known at June 2, the removal late") == (6, "2024-03-17"))
        try CityState.updateSnapshots(hall, factsPerSnapshot: 1)
        #expect(
            try bounds() == [
                "2024-01-17 2024-01-02 2024-01-02", "2024-02-16 2024-06-01 2024-02-12", "2024-03-17 2024-06-01 2024-09-01",
                "2024-04-16 2024-06-01 2024-09-01",
            ])
        // Known in May: the snapshots held hold the removal, which arrived in June; the two it
        // landed in were kept aside, for states known after their facts and before June 1.
        #expect(try superseded() == ["2024-02-16 2024-02-10 2024-06-01", "2024-03-17 2024-03-10 2024-06-01"])
        #expect(try units(known(at: "2024-05-01"), "known at May 1") == (8, "2024-03-17"))
        #expect(try Self.servedSuperseded(hall, known(at: "2024-05-01")))
        #expect(try units(known(at: "2024-03-01"), "known at March 1") == (5, "2024-02-16"))
        #expect(try Self.servedSuperseded(hall, known(at: "2024-03-01")))
        #expect(try units(known(at: "2024-06-02"), "known at June 2") == (6, "2024-04-16"))
        #expect(try !Self.servedSuperseded(hall, known(at: "2024-06-02")))
        #expect(try units(inForce(on: "2024-05-01"), "in force on May 1") == (3, "2024-02-16"))
        #expect(try units(inForce(on: "2024-09-30"), "in force on September 30") == (6, "2024-04-16"))
        let both = TimeFilter(asOf: TimeFilter.instant("2024-03-31"), knownAt: TimeFilter.instant("2024-06-02"))
        #expect(try units(both, "as of March 31, known at June 2") == (6, "2024-03-17"))
        let early = TimeFilter(asOf: TimeFilter.instant("2024-03-31"), effectiveOn: LedgerDate("2024-05-01"))
        #expect(try units(early, "as of March 31, in force on May 1") == (3, "2024-02-16"))

        // Police removes 1 more on February 20; it reaches city hall on May 20, by a clock that
        // has stepped back from June: the superseded March snapshot lacks it, so its window ends
        // there, and a state known on May 25 (7 cameras) starts from February's.
        city.at("2024-02-20")
        try city.recordUnchecked("police", "deployment.removed", "2024-02-20", Bodies.deployment("cams", "north", units: 1))
        city.at("2024-05-20")
        try city.deliver(from: "police", to: "cityhall")
        try CityState.updateSnapshots(hall, factsPerSnapshot: 1)
        #expect(try superseded() == ["2024-02-16 2024-02-10 2024-06-01", "2024-03-17 2024-03-10 2024-05-20"])
        #expect(try units(known(at: "2024-05-25"), "known at May 25, a clock stepped back") == (7, "2024-02-16"))
        #expect(try units(known(at: "2024-05-15"), "known at May 15, a clock stepped back") == (8, "2024-03-17"))
        #expect(try units(known(at: "2024-06-02"), "known at June 2, a clock stepped back") == (5, "2024-04-16"))

        // A ledger whose snapshots were made before they kept these bounds gets them when opened.
        let made = try bounds()
        let older = try city.copy(
            afterRunning: """
                ALTER TABLE civic_fold_snapshots DROP COLUMN arrived_max; ALTER TABLE civic_fold_snapshots DROP COLUMN effective_max;
                DELETE FROM grdb_migrations WHERE identifier = 'v10-civic-fold-snapshot-bounds';
                """, on: "cityhall")
        let reopened = older.store("cityhall")
        #expect(try bounds(reopened) == made)
        #expect(try Self.same(reopened, known(at: "2024-06-02"), "reopened, known at June 2").map { day($0) } == "2024-04-16")
    }

    /// A ledger whose snapshots were made before the facts' times were indexed (the table and its
    /// migration removed) gets the times of the facts its snapshots account for when opened, and
    /// state from the snapshots still finds every fact after them.
    @Test func snapshotsFromBeforeTheFactTimesStillServeWhenOpened() throws {
        let city = try TestCity(offices: ["cityhall"])
        city.at("2024-01-02")
        try city.record("cityhall", "district.defined", "2024-01-02", Bodies.district("north"))
        try city.record("cityhall", "system.procured", "2024-01-02", Bodies.system("cams"))
        for (month, units) in [("02", 5), ("03", 3), ("04", 2), ("05", 7)] {
            city.at("2024-\(month)-10")
            try city.record("cityhall", "deployment.recorded", "2024-\(month)-10", Bodies.deployment("cams", "north", units: units))
        }
        try CityState.updateSnapshots(city.store("cityhall"), factsPerSnapshot: 1)
        #expect(try CityState.foldSnapshots(city.store("cityhall")).count == 4)
        let older = try city.copy(
            afterRunning: """
                DROP TABLE civic_fact_times; DROP INDEX civic_facts_key_events;
                DELETE FROM grdb_migrations WHERE identifier = 'v8-civic-fact-times';
                """, on: "cityhall")
        let hall = older.store("cityhall")
        let times = try hall.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM civic_fact_times") }
        #expect(times == 6)
        var served = 0
        for (date, units) in [("2024-02-20", 5), ("2024-03-12", 8), ("2024-04-20", 10), ("2024-05-20", 17)] {
            let filter = TimeFilter(asOf: TimeFilter.instant(date))
            if try Self.same(hall, filter, date) != nil { served += 1 }
            #expect(try CityState.load(from: hall, filter: filter).facts.systems["cams"]?.deployments["north"] == Int64(units), "\(date)")
        }
        #expect(served == 4)
    }

    /// Many facts recorded within one period (a city importing its history in a day) get a
    /// snapshot inside it, the period still open, through the time of the fact `every` facts before
    /// the latest; state from it is state from every fact, and a late fact inside it leaves it out
    /// until the snapshots catch up.
    @Test func manyFactsInTheOpenPeriodGetASnapshotInsideIt() throws {
        let city = try TestCity(offices: ["cityhall", "police"])
        let hall = city.store("cityhall")
        city.at("2024-03-02")
        try city.record("cityhall", "system.procured", "2024-03-02", Bodies.system("cams"))
        var times: [Int64] = []
        for index in 0..<40 {
            city.clock += 60_000
            let event = try city.record("cityhall", "district.defined", "2024-03-02", Bodies.district("d\(index)"))
            times.append(event.envelope.hlc.wall)
        }
        try CityState.updateSnapshots(hall, factsPerSnapshot: 8)
        // 41 facts after none: through the 33rd (the procurement and 32 districts), 8 before the latest.
        #expect(try CityState.foldSnapshots(hall) == [times[31]])
        for instant in [times[31], times[35], times[39], times[39] + 86_400_000] {
            #expect(try Self.same(hall, TimeFilter(asOf: instant), "at \(instant)") == times[31])
        }
        #expect(try CityState.load(from: hall, filter: .none).facts.districts.count == 40)
        // Police's deployment, recorded before the snapshot's time, arrives after it was made.
        city.clock = times[20] + 1
        try city.recordUnchecked("police", "deployment.recorded", "2024-03-02", Bodies.deployment("cams", "d3", units: 2))
        try city.deliver(from: "police", to: "cityhall")
        #expect(try Self.servedAsTheyStand(hall, TimeFilter(asOf: times[39])) == nil)
        // State makes it again with it, at its own instant: 42 facts through it now (the
        // procurement, 21 districts, police's deployment and 11 more districts).
        #expect(try Self.same(hall, TimeFilter(asOf: times[39]), "with the late fact") == times[31])
        #expect(try CityState.load(from: hall, filter: TimeFilter(asOf: times[39])).facts.systems["cams"]?.deployments["d3"] == 2)
        try CityState.updateSnapshots(hall, factsPerSnapshot: 8)
        #expect(try CityState.foldSnapshots(hall) == [times[31]])
        #expect(try Self.same(hall, TimeFilter(asOf: times[39]), "caught up") == times[31])
    }

    /// A state's packed cost lines read as the lines they pack: in order of (system, year,
    /// category, source, currency), with their sums, the lines of one currency picked out by
    /// place, and the totals of each system summed without making a line.
    @Test func packedCostLinesReadAsTheirLines() throws {
        let city = try TestCity(offices: ["cityhall"])
        city.at("2024-01-02")
        try city.record("cityhall", "system.procured", "2024-01-02", Bodies.system("lights"))
        try city.record("cityhall", "system.procured", "2024-01-02", Bodies.system("cams", currency: "EUR"))
        try city.record("cityhall", "system.procured", "2024-01-02", Bodies.system("buses"))
        let costs: [(String, String, Int, String, String, String)] = [
            ("lights", "2024-03-01", 50, "maintenance", "general-fund", "USD"), ("cams", "2025-02-01", 7, "licence", "bond", "EUR"),
            ("lights", "2024-02-01", 20, "energy", "grant", "USD"), ("buses", "2025-01-05", 3, "maintenance", "general-fund", "USD"),
            ("lights", "2024-04-01", 5, "maintenance", "general-fund", "USD"), ("cams", "2024-06-01", 11, "licence", "bond", "EUR"),
            ("lights", "2025-01-01", 1, "energy", "grant", "USD"), ("cams", "2024-07-01", 2, "maintenance", "bond", "EUR"),
        ]
        for (system, date, amount, category, source, currency) in costs {
            city.at(date)
            try city.record("cityhall", "cost.incurred", date, Bodies.cost(system, amount, source: source, category: category, currency: currency))
        }
        let state = try CityState.load(from: city.store("cityhall"), filter: .none)
        func line(_ fields: (String, String, String, String, String), _ amount: Int64, _ count: Int64) -> CostLine {
            CostLine(system: fields.0, year: fields.1, category: fields.2, source: fields.3, currency: fields.4, amount: amount, count: count)
        }
        let expected = [
            line(("buses", "2025", "maintenance", "general-fund", "USD"), 3, 1),
            line(("cams", "2024", "licence", "bond", "EUR"), 11, 1), line(("cams", "2024", "maintenance", "bond", "EUR"), 2, 1),
            line(("cams", "2025", "licence", "bond", "EUR"), 7, 1),
            line(("lights", "2024", "energy", "grant", "USD"), 20, 1), line(("lights", "2024", "maintenance", "general-fund", "USD"), 55, 2),
            line(("lights", "2025", "energy", "grant", "USD"), 1, 1),
        ]
        #expect(Array(state.costs) == expected)
        #expect(state.costs.lines(in: "EUR") == expected.filter { $0.currency == "EUR" })
        #expect(state.costs.lines(in: "USD") == expected.filter { $0.currency == "USD" })
        #expect(state.costs.lines(in: "GBP").isEmpty)
        #expect(state.costTotals == ["buses": 3, "cams": 20, "lights": 76])
        #expect(state.costs != CostLines() && CostLines().isEmpty)
    }

    /// A snapshot read back and written again is the same fold; damaged bytes are one error, never a
    /// crash; and state with damaged snapshots drops them and is the same.
    @Test func aSnapshotReadsBackAndADamagedOneIsDropped() throws {
        let city = try TestCity(offices: ["cityhall", "police"], registrar: "cityhall", registering: true)
        let hall = city.store("cityhall")
        city.at("2026-01-02")
        try city.record("cityhall", "district.defined", "2026-01-02", Bodies.district("north"))
        try city.record("cityhall", "system.procured", "2026-01-02", Bodies.system("cams"))
        try city.record("cityhall", "deployment.recorded", "2026-01-03", Bodies.deployment("cams", "north", units: 5))
        try city.record("cityhall", "surveillance.assessed", "2026-01-03", Bodies.assessment("cams", districts: ["north"]))
        try city.record("cityhall", "algorithm.registered", "2026-01-04", Bodies.algorithm("triage", system: "cams"))
        try city.recordUnchecked("cityhall", "deployment.removed", "2026-01-05", Bodies.deployment("cams", "north", units: 9))
        city.at("2026-03-01")
        try city.record("cityhall", "contract.amended", "2026-03-01", Bodies.amendment("cams", change: 500))
        try CityState.updateSnapshots(hall, factsPerSnapshot: 1)
        let (blob, snapshot) = try Self.onlySnapshot(hall, city)
        let again = try snapshot.encoded().withUnsafeBytes { try FoldSnapshot(decoding: $0, registrar: "cityhall", city: city.city) }
        #expect(snapshot.state.systems["cams"]?.deployments == [:])
        #expect(snapshot.state.offices.keys.sorted() == ["police"] && snapshot.state.algorithms.keys.sorted() == ["triage"])
        #expect(again.state == snapshot.state && again.foldFindings == snapshot.foldFindings && again.through == snapshot.through)
        #expect(again.rules.systems == snapshot.rules.systems && again.rules.offices == snapshot.rules.offices)
        #expect(again.rules.districts == snapshot.rules.districts && again.rules.algorithms == snapshot.rules.algorithms)
        let rows = try hall.read { db in try Int64.fetchOne(db, sql: "SELECT count(*) FROM civic_facts WHERE hlc_wall <= ?", arguments: [snapshot.through]) ?? 0 }
        #expect(snapshot.factRows == rows && again.factRows == rows && rows == 7, "\(rows)")  // police's registration and six facts
        #expect(snapshot.foldFindings.map(\.kind) == [.overRemoval])
        #expect(throws: BinaryCoding.Failure.self) {
            try blob.withUnsafeBytes { try FoldSnapshot(decoding: $0, registrar: "police", city: city.city) }
        }
        // Cut short or with a byte changed: an error, or (a changed text) another snapshot; never a crash.
        let bytes = Array(blob)
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            #expect(throws: BinaryCoding.Failure.self) {
                try bytes[..<cut].withUnsafeBytes { try FoldSnapshot(decoding: $0, registrar: "cityhall", city: city.city) }
            }
            var changed = bytes
            changed[cut] ^= 0xA5
            _ = try? changed.withUnsafeBytes { try FoldSnapshot(decoding: $0, registrar: "cityhall", city: city.city) }
        }

        try hall.updateDerived { db in try db.execute(sql: "UPDATE civic_fold_snapshots SET fold = x'00ff'") }
        try Self.same(hall, TimeFilter(asOf: TimeFilter.instant("2026-03-31")), "with damaged snapshots")
        #expect(try CityState.foldSnapshots(hall).isEmpty)
    }

    /// A system's deployments are written once: the rules' system shares the state's (the fold
    /// applies a deployment to both), and writes its own only when they differ. A snapshot of
    /// another format is not read, and state makes it again.
    /// Each distinct string is written once, in the table of texts after the value's fields, and
    /// read back as itself wherever it stood; a form whose table is missing, misplaced or named
    /// past its end is an error, not a crash.
    @Test func aStringIsWrittenOnceInTheTableOfTexts() throws {
        let value: [String: [String]] = ["transport": ["transport", "police", "transport"], "police": ["é – ü", "transport"]]
        let bytes = try BinaryCoding.encode(value)
        func occurrences(_ text: String) -> Int {
            let needle = Array(text.utf8)
            return (0...(bytes.count - needle.count)).filter { Array(bytes[$0..<($0 + needle.count)]) == needle }.count
        }
        #expect(occurrences("transport") == 1 && occurrences("police") == 1 && occurrences("é – ü") == 1)
        #expect(try bytes.withUnsafeBytes { try BinaryCoding.decode([String: [String]].self, from: $0) } == value)
        // The table said to start past the bytes, the form cut before its table's place, a text
        // numbered past the table.
        var misplaced = bytes
        misplaced.replaceSubrange((bytes.count - 8)..<bytes.count, with: [0xFF, 0, 0, 0, 0, 0, 0, 0])
        var pastTheTable = bytes
        pastTheTable.replaceSubrange(4..<8, with: [9, 0, 0, 0])  // the first key's number, after the count of pairs
        for damaged in [misplaced, Array(bytes.prefix(7)), pastTheTable] {
            #expect(throws: BinaryCoding.Failure.self) {
                try damaged.withUnsafeBytes { try BinaryCoding.decode([String: [String]].self, from: $0) }
            }
        }
        // Many texts (the table of texts grows past its first slots): short and long, the empty
        // one, equal texts made apart (another string's storage) and texts alike but for their
        // length or one byte. Each is written once and read back where it stood.
        var many: [String: [String]] = ["": ["", String(repeating: "a", count: 40), "a", "aa", "é"]]
        for number in 0..<600 {
            let long = "system-with-a-long-identifier-\(number)"
            many["s\(number)"] = [long, String(decoding: Array(long.utf8), as: UTF8.self), "s\(number)", "s\(number + 1)", ""]
        }
        let manyBytes = try BinaryCoding.encode(many)
        #expect(try manyBytes.withUnsafeBytes { try BinaryCoding.decode([String: [String]].self, from: $0) } == many)
        // 1,206 distinct texts, each written once: the fields hold their numbers (4 bytes each).
        let texts = Set(many.keys).union(many.values.joined())
        let tableBytes = texts.reduce(4) { $0 + 4 + $1.utf8.count }
        let fieldBytes = 4 + many.reduce(0) { $0 + 4 + 4 + 4 * $1.value.count }
        #expect(texts.count == 1_206 && manyBytes.count == fieldBytes + tableBytes + 8)
    }

    @Test func deploymentsAreWrittenOnceAndAnOldFormatIsMadeAgain() throws {
        let city = try TestCity(offices: ["cityhall"], registrar: "cityhall", registering: true)
        let hall = city.store("cityhall")
        city.at("2026-01-02")
        try city.record("cityhall", "district.defined", "2026-01-02", Bodies.district("north"))
        try city.record("cityhall", "system.procured", "2026-01-02", Bodies.system("cams"))
        try city.record("cityhall", "deployment.recorded", "2026-01-03", Bodies.deployment("cams", "north", units: 5))
        city.at("2026-03-01")
        try city.record("cityhall", "contract.amended", "2026-03-01", Bodies.amendment("cams", change: 500))
        try CityState.updateSnapshots(hall, factsPerSnapshot: 1)
        let (blob, snapshot) = try Self.onlySnapshot(hall, city)
        #expect(snapshot.rules.systems["cams"]?.deployments == ["north": 5])
        #expect(snapshot.state.systems["cams"]?.deployments == ["north": 5])

        // The rules' system alone: shared (named by the state system's place), its own when the
        // state's differ or are not there.
        let system = try #require(snapshot.rules.systems["cams"])
        func written(sharing shared: (place: Int, deployments: [String: Int64])?) throws -> [UInt8] {
            let writer = BinaryCoding.Writer()
            try system.write(binary: writer, sharing: shared)
            return writer.finished()
        }
        func read(_ bytes: [UInt8], sharing shared: [[String: Int64]]) throws -> RuleFacts.System {
            try bytes.withUnsafeBytes { base in
                let reader = try BinaryCoding.Reader(base)
                let read = try RuleFacts.System(binary: reader, sharing: shared)
                #expect(reader.offset == reader.end)
                return read
            }
        }
        let shared = try written(sharing: (1, ["north": 5]))
        let own = try written(sharing: (1, ["north": 4]))
        #expect(own.count > shared.count)
        #expect(try read(shared, sharing: [["north": 4], ["north": 5]]) == system)
        #expect(try read(own, sharing: [["north": 5], ["north": 4]]) == system)
        #expect(try read(try written(sharing: nil), sharing: []) == system)
        #expect(throws: BinaryCoding.Failure.self) { try read(shared, sharing: [["north": 5]]) }

        // A snapshot of format 2 (before deployments were shared): not read, dropped and made again.
        var old = Array(blob)
        withUnsafeBytes(of: Int64(2).littleEndian) { old.replaceSubrange(0..<8, with: $0) }
        #expect {
            try old.withUnsafeBytes { try FoldSnapshot(decoding: $0, registrar: "cityhall", city: city.city) }
        } throws: { error in
            (error as? BinaryCoding.Failure)?.description == "a fold snapshot of format 2"
        }
        try hall.updateDerived { db in try db.execute(sql: "UPDATE civic_fold_snapshots SET fold = ?", arguments: [Data(old)]) }
        let from = try Self.same(hall, TimeFilter(asOf: TimeFilter.instant("2026-03-31")), "with a snapshot of format 2")
        #expect(from == nil)
        try CityState.updateSnapshots(hall, factsPerSnapshot: 1)
        let again = try Self.onlySnapshot(hall, city).snapshot
        #expect(again.state == snapshot.state && again.rules.systems == snapshot.rules.systems && again.through == snapshot.through)
    }
}
