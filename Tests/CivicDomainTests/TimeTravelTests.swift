@testable import CivicDomain
import CivicTestSupport
import Foundation
import GRDB
import LedgerCore
import LedgerStore
import Testing

@Suite("State, corrections and the three times")
struct TimeTravelTests {
    @Test func aCorrectionChangesStateAndKeepsHistory() throws {
        let city = try LedgerRulesTests.city()
        city.at("2024-03-01")
        let wrong = try city.record("it", "cost.incurred", "2024-03-01", Bodies.cost("cams", 1_200_000))
        try city.record("it", "cost.incurred", "2024-04-01", Bodies.cost("cams", 50_000, source: "grant"))
        city.at("2024-03-05")
        let fix = try city.record(
            "it", "event.corrected", "2024-03-05",
            #"{"event":"\#(wrong.id)","reason":"invoice was 12,000.00 not 120,000.00","replacement":\#(Bodies.cost("cams", 120_000))}"#)

        let state = try CityState.load(from: city.store("it"), filter: .none)
        #expect(state.totalCost(system: "cams") == 170_000)
        #expect(state.corrections.map(\.event) == [wrong.id])
        // Before the correction was recorded, the wrong amount stood.
        let before = try CityState.load(from: city.store("it"), filter: TimeFilter(asOf: TimeFilter.instant("2024-03-04")))
        #expect(before.totalCost(system: "cams") == 1_250_000)

        let history = try SystemHistory.load(from: city.store("it"), system: "cams")
        #expect(history.entries.map(\.event.id).contains(wrong.id))
        #expect(history.entries.first { $0.event.id == wrong.id }?.correctedBy == fix.id)
        #expect(history.entries.first { $0.event.id == fix.id }?.corrects == wrong.id)
        #expect(try city.store("it").verify().eventCount == 5)
    }

    /// Two offices; police's events of 2024-03-10 reach city hall a week late, on 2024-03-17.
    /// A ledger's facts are read a chunk at a time and parsed on other cores: every fact keeps its
    /// own body, and the fold takes them in citywide order whatever order they were stored in.
    @Test func factsReadInManyChunksFoldInCitywideOrder() throws {
        let city = try TestCity(offices: ["it", "police"])
        let count = 3_000
        func districts(_ population: Int) throws -> [EventDraft] {
            try (0..<count).map { index in
                try TestCity.draft("district.defined", "2024-01-01", Bodies.district("d\(index)", population: population + index))
            }
        }
        // Police defines every district first in citywide order, IT later; IT's node stores its own
        // definitions first and police's (received) after them.
        city.at("2024-01-02")
        try city.record("police", try districts(5_000))
        city.at("2024-02-01")
        try city.record("it", try districts(1_000))
        try city.deliver(from: "police", to: "it")
        let now = try CityState.load(from: city.store("it"), filter: .none)
        #expect(now.facts.factCount == 2 * count)
        #expect(now.facts.districts.count == count)
        #expect((0..<count).allSatisfy { now.facts.districts["d\($0)"]?.population == Int64(1_000 + $0) }, "IT's later definitions stand")
        let before = try CityState.load(from: city.store("it"), filter: TimeFilter(asOf: TimeFilter.instant("2024-01-15")))
        #expect(before.facts.factCount == count)
        #expect((0..<count).allSatisfy { before.facts.districts["d\($0)"]?.population == Int64(5_000 + $0) }, "only police's, as of January")
    }

    @Test func lateEventsAnswerAllThreeTimes() throws {
        let city = try TestCity(offices: ["cityhall", "police"])
        city.at("2024-03-01")
        try city.record("cityhall", "district.defined", "2024-01-01", Bodies.district("north", population: 2000, need: 70, priority: true))
        try city.record("cityhall", "system.procured", "2024-03-01", Bodies.system("lights", value: 5_000_000, category: "streetlights"))
        try city.record("police", "district.defined", "2024-01-01", Bodies.district("north", population: 2000, need: 70, priority: true))
        try city.record("police", "system.procured", "2024-03-01", Bodies.system("lpr", value: 9_000_000, category: "licence-plate-readers"))
        try city.deliver(from: "police", to: "cityhall")  // arrives 2024-03-01

        city.at("2024-03-10")
        try city.record("police", "cost.incurred", "2024-03-10", Bodies.cost("lpr", 300_000, source: "bond", category: "capital"))
        try city.record("police", "deployment.recorded", "2024-03-10", #"{"system":"lpr","district":"north","units":6}"#)
        city.at("2024-03-12")
        try city.record("cityhall", "cost.incurred", "2024-03-12", Bodies.cost("lights", 40_000))
        city.at("2024-03-17")
        try city.deliver(from: "police", to: "cityhall")  // a week late
        city.at("2024-03-20")
        try city.record("cityhall", "cost.incurred", "2024-03-20", Bodies.cost("lights", 10_000))

        let store = city.store("cityhall")
        func state(_ filter: TimeFilter) throws -> CityState { try CityState.load(from: store, filter: filter) }
        let mar15 = TimeFilter.instant("2024-03-15")

        // Recorded by 15 March: the police events of the 10th count, though they arrived on the 17th.
        let asOf = try state(TimeFilter(asOf: mar15))
        #expect(asOf.totalCost(system: "lpr") == 300_000)
        #expect(asOf.facts.systems["lpr"]?.deployments["north"] == 6)
        #expect(asOf.totalCost(system: "lights") == 40_000)
        #expect(asOf.eventCount == 2 + 2 + 2 + 1)

        // Known here by 15 March: not yet.
        let knownAt = try state(TimeFilter(knownAt: mar15))
        #expect(knownAt.totalCost(system: "lpr") == 0)
        #expect(knownAt.facts.systems["lpr"]?.deployments["north"] == nil)
        #expect(knownAt.totalCost(system: "lights") == 40_000)
        #expect(knownAt.eventCount == 2 + 2 + 1)

        // After arrival both agree; in force on 11 March only what took effect by then.
        let now = try state(.none)
        #expect(now.totalCost(system: "lpr") == 300_000 && now.totalCost(system: "lights") == 50_000)
        let effective = try state(TimeFilter(effectiveOn: LedgerDate("2024-03-11")))
        #expect(effective.totalCost(system: "lights") == 0 && effective.totalCost(system: "lpr") == 300_000)
        #expect(try store.verify().offices.count == 2)
    }

    @Test func lateEventsDatedIntoThePastAreCheckedAtTheirPlace() throws {
        // police records a cost on 10 March, then retires the system on 11 March; cityhall receives both
        // late: the cost was valid when recorded, so it is accepted although the system is retired now.
        let city = try TestCity(offices: ["cityhall", "police"])
        city.at("2024-03-01")
        try city.record("police", "system.procured", "2024-03-01", Bodies.system("lpr"))
        city.at("2024-03-10")
        try city.record("police", "cost.incurred", "2024-03-10", Bodies.cost("lpr", 1_000))
        city.at("2024-03-11")
        try city.record("police", "system.retired", "2024-03-11", #"{"system":"lpr","reason":"council vote"}"#)
        city.at("2024-03-20")
        try city.deliver(from: "police", to: "cityhall")
        let state = try CityState.load(from: city.store("cityhall"), filter: .none)
        #expect(state.totalCost(system: "lpr") == 1_000)
        #expect(state.facts.systems["lpr"]?.retiredOn == "2024-03-11")
    }

    @Test func aTamperedRangeIsRefusedWhole() throws {
        let city = try TestCity(offices: ["cityhall", "police"])
        try city.record("police", "system.procured", "2024-03-01", Bodies.system("lpr"))
        try city.record("police", "cost.incurred", "2024-03-10", Bodies.cost("lpr", 1_000))
        var events: [Event] = []
        try city.store("police").forEachEvent(office: "police") { events.append(try Event(canonical: $0.canonical)); return true }
        let note = try #require(try city.store("police").head(office: "police")?.checkpoint)
        let altered = try Event(envelope: EventEnvelope(
            office: "police", seq: 2, prev: events[0].leafHash, hlc: events[1].envelope.hlc, type: "cost.incurred",
            effective: events[1].envelope.effective, author: nil, body: JSONParser.parse(Array(Bodies.cost("lpr", 1).utf8), profile: .strict)))
        #expect(throws: StoreError.self) { try city.store("cityhall").receive(events: [events[0], altered], checkpoint: note) }
        #expect(try city.store("cityhall").eventCount() == 0)
        try city.store("cityhall").receive(events: events, checkpoint: note)
        let again = try city.store("cityhall").receive(events: events, checkpoint: note)
        #expect(again.stored == 0 && again.alreadyHeld == 2)
    }
}

@Suite("Projection tables")
struct ProjectionTableTests {
    /// Facts without a system stay out of the by-system index, and lookups by system still use it.
    @Test func onlyFactsAboutASystemAreIndexedBySystem() throws {
        let city = try LedgerRulesTests.city()
        let store = city.store("it")
        let (definition, plan) = try store.read { db in
            (
                try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'civic_facts_by_system'"),
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT event_rowid FROM civic_facts WHERE system = ?", arguments: ["cams"])
                    .map { $0["detail"] as String? ?? "" }.joined(separator: "; ")
            )
        }
        #expect(definition?.hasSuffix("WHERE system IS NOT NULL") == true)
        #expect(plan.contains("USING INDEX civic_facts_by_system") || plan.contains("USING COVERING INDEX civic_facts_by_system"), "\(plan)")
    }

    /// State from a snapshot of the fold reads the facts recorded after its instant and the key
    /// events by index: a scan of every fact took a fifth of a large city's state, and the key
    /// events' query must repeat the partial index's condition word for word to use it.
    @Test func factsAfterASnapshotAndKeyEventsAreReadByIndex() throws {
        let city = try LedgerRulesTests.city()
        let store = city.store("it")
        func plan(_ sql: String, _ arguments: StatementArguments) throws -> String {
            try store.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String? ?? "" }
                    .joined(separator: "; ")
            }
        }
        let (condition, arguments) = TimeFilter(asOf: 1_800_000_000_000).sql(prefix: "f.")
        let facts = try plan(
            LedgerFacts.factsUnder(condition + " AND f.hlc_wall > ? AND f.event_rowid IN (\(LedgerFacts.afterSnapshot))"),
            arguments + [1_700_000_000_000, 1_700_000_000_000, 1_800_000_000_000, 10])
        #expect(facts.contains("SEARCH civic_fact_times USING PRIMARY KEY (hlc_wall>? AND hlc_wall<?)"), "\(facts)")
        #expect(facts.contains("SEARCH civic_facts USING INTEGER PRIMARY KEY (rowid>?)"), "\(facts)")
        #expect(!facts.contains("SCAN"), "\(facts)")
        let (keyCondition, keyArguments) = TimeFilter(asOf: 1).sql(prefix: "e.")
        let keys = try plan(LedgerFacts.keyEventsBefore(0) + " AND " + keyCondition, [1] + keyArguments)
        #expect(keys.contains("USING INDEX civic_facts_key_events"), "\(keys)")
        #expect(!keys.contains("SCAN civic_facts"), "\(keys)")
    }
}
