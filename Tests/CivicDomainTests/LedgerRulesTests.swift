import CivicDomain
import CivicTestSupport
import GRDB
import LedgerCore
import LedgerStore
import Testing

@Suite("Rules against the ledger")
struct LedgerRulesTests {
    static func city() throws -> TestCity {
        let city = try TestCity(offices: ["it"])
        city.at("2024-01-10")
        try city.record("it", "district.defined", "2024-01-01", Bodies.district("north", population: 1000, need: 80, priority: true))
        try city.record("it", "system.procured", "2024-01-10", Bodies.system("cams"))
        return city
    }

    /// Each refusal names the field and stores nothing.
    @Test(arguments: [
        ("cost.incurred", "2024-02-01", Bodies.cost("ghost", 100), "system", "has not been procured"),
        ("cost.incurred", "2023-12-31", Bodies.cost("cams", 100), "system", "was procured on 2024-01-10"),
        ("cost.incurred", "2024-02-01", #"{"system":"cams","amount":5,"currency":"EUR","category":"capital","source":"bond"}"#, "currency", "USD"),
        ("deployment.recorded", "2024-02-01", #"{"system":"cams","district":"south","units":3}"#, "district", "not a defined district"),
        ("deployment.removed", "2024-02-01", #"{"system":"cams","district":"north","units":3}"#, "units", "only 0 are deployed"),
        ("system.procured", "2024-02-01", Bodies.system("cams"), "system", "already procured"),
        ("surveillance.assessed", "2024-02-01",
         #"{"system":"cams","data_types":["video"],"retention_days":30,"sharing":[],"automated_decisions":false,"districts":["east"],"risk":"low"}"#,
         "districts", "not a defined district"),
        ("algorithm.updated", "2024-02-01", #"{"algorithm":"triage","status":"in-use"}"#, "algorithm", "not registered"),
        ("algorithm.retired", "2024-02-01", #"{"algorithm":"triage","reason":"done"}"#, "algorithm", "not registered"),
        ("contract.amended", "2024-02-01", #"{"system":"ghost","value_change":5,"currency":"USD","reason":"x"}"#, "system", "has not been procured"),
        ("event.corrected", "2024-02-01", #"{"event":"\#(String(repeating: "ab", count: 32))","reason":"typo","replacement":{}}"#, "event", "not an event of this ledger"),
    ])
    func refuses(type: String, effective: String, body: String, field: String, reason: String) throws {
        let city = try Self.city()
        let before = try city.store("it").eventCount()
        let error = #expect(throws: StoreError.self) { try city.record("it", type, effective, body) }
        #expect(error?.description.contains("field \"\(field)\"") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
        #expect(try city.store("it").eventCount() == before)
    }

    @Test func aRetiredSystemTakesNoMoreDeployments() throws {
        let city = try Self.city()
        try city.record("it", "system.retired", "2024-06-01", #"{"system":"cams","reason":"replaced"}"#)
        let error = #expect(throws: StoreError.self) {
            try city.record("it", "deployment.recorded", "2024-07-01", #"{"system":"cams","district":"north","units":1}"#)
        }
        #expect(error?.description.contains("retired") == true)
    }

    /// Recording loads only the keys an event reads; a correction that renames a system or a district
    /// moves the fact to the new key, and the checks see it there (and no more under the old one),
    /// in the same batch and in later ones, however many other facts the ledger holds.
    @Test func correctionsThatRenameAKeyAreSeenByTheChecks() throws {
        let city = try TestCity(offices: ["it"])
        city.at("2024-01-10")
        let definition = try city.record("it", "district.defined", "2024-01-01", Bodies.district("north"))
        let procurement = try city.record("it", "system.procured", "2024-01-10", Bodies.system("cams"))
        for index in 0..<50 { try city.record("it", "district.defined", "2024-01-02", Bodies.district("other-\(index)")) }
        try city.record("it", "event.corrected", "2024-02-01", Bodies.correction(of: procurement.id, replacement: Bodies.system("cams-2")))
        try city.record("it", "event.corrected", "2024-02-01", Bodies.correction(of: definition.id, replacement: Bodies.district("north-2")))
        try city.record("it", "cost.incurred", "2024-02-02", Bodies.cost("cams-2", 100))
        try city.record("it", "deployment.recorded", "2024-02-02", Bodies.deployment("cams-2", "north-2", units: 2))
        let stale = #expect(throws: StoreError.self) { try city.record("it", "cost.incurred", "2024-02-02", Bodies.cost("cams", 100)) }
        #expect(stale?.description.contains("has not been procured") == true, "\(stale?.description ?? "")")
        let gone = #expect(throws: StoreError.self) {
            try city.record("it", "deployment.recorded", "2024-02-02", Bodies.deployment("cams-2", "north", units: 1))
        }
        #expect(gone?.description.contains("not a defined district") == true, "\(gone?.description ?? "")")
        // Within one batch: a system procured, then deployed and removed beyond what is there.
        let error = #expect(throws: StoreError.self) {
            try city.record(
                "it",
                [
                    try TestCity.draft("system.procured", "2024-03-01", Bodies.system("cams-3")),
                    try TestCity.draft("deployment.recorded", "2024-03-01", Bodies.deployment("cams-3", "north-2", units: 2)),
                    try TestCity.draft("deployment.removed", "2024-03-01", Bodies.deployment("cams-3", "north-2", units: 3)),
                ])
        }
        #expect(error?.description.contains("only 2 are deployed") == true, "\(error?.description ?? "")")
        // A correction and what depends on it, in one batch.
        let west = try city.record("it", "district.defined", "2024-03-01", Bodies.district("west"))
        try city.record(
            "it",
            [
                try TestCity.draft("event.corrected", "2024-03-02", Bodies.correction(of: west.id, replacement: Bodies.district("west-2"))),
                try TestCity.draft("deployment.recorded", "2024-03-02", Bodies.deployment("cams-2", "west-2", units: 1)),
            ])
        let west1 = #expect(throws: StoreError.self) {
            try city.record("it", "deployment.recorded", "2024-03-03", Bodies.deployment("cams-2", "west", units: 1))
        }
        #expect(west1?.description.contains("not a defined district") == true, "\(west1?.description ?? "")")
        let rules = try RuleFacts.load(from: city.store("it"))
        #expect(rules.systems["cams"] == nil && rules.systems["cams-2"]?.deployments == ["north-2": 2, "west-2": 1])
        #expect(try RuleFacts.load(from: city.store("it"), systems: ["cams-2"]).systems["cams-2"] == rules.systems["cams-2"])
    }

    /// A node keeps the rule facts it loaded between its recordings. Events stored since — a range
    /// received from another office, a correction, another writer's event — change what the next
    /// recording sees, exactly as if everything were loaded again.
    @Test func keptRuleFactsFollowWhatArrivesSince() throws {
        let city = try TestCity(offices: ["cityhall", "transport"], registrar: "cityhall", registering: true)
        city.at("2024-01-10")
        let north = try city.record("transport", "district.defined", "2024-01-01", Bodies.district("north"))
        try city.record("transport", "system.procured", "2024-01-10", Bodies.system("cams"))
        try city.record("transport", "system.procured", "2024-01-10", Bodies.system("buses"))
        try city.record("transport", "deployment.recorded", "2024-01-11", Bodies.deployment("cams", "north", units: 3))
        try city.record("transport", "cost.incurred", "2024-01-12", Bodies.cost("buses", 100))
        // City hall retires the cameras and renames the district, then transport hears of it.
        try city.deliver(from: "transport", to: "cityhall")
        try city.record("cityhall", "system.retired", "2024-02-01", Bodies.retirement("cams"))
        try city.record("cityhall", "event.corrected", "2024-02-01", Bodies.correction(of: north.id, replacement: Bodies.district("north-2")))
        try city.deliver(from: "cityhall", to: "transport")
        let retired = #expect(throws: StoreError.self) { try city.record("transport", "cost.incurred", "2024-02-02", Bodies.cost("cams", 100)) }
        #expect(retired?.description.contains("retired") == true, "\(retired?.description ?? "")")
        let renamed = #expect(throws: StoreError.self) {
            try city.record("transport", "deployment.recorded", "2024-02-02", Bodies.deployment("buses", "north", units: 1))
        }
        #expect(renamed?.description.contains("not a defined district") == true, "\(renamed?.description ?? "")")
        try city.record("transport", "deployment.recorded", "2024-02-02", Bodies.deployment("buses", "north-2", units: 1))
        // Another writer on the same file (a second process) retires the buses: seen too.
        try city.recordUnchecked("transport", "system.retired", "2024-02-03", Bodies.retirement("buses"))
        let again = #expect(throws: StoreError.self) { try city.record("transport", "cost.incurred", "2024-02-04", Bodies.cost("buses", 100)) }
        #expect(again?.description.contains("retired") == true, "\(again?.description ?? "")")
        // A refused batch leaves nothing of itself in what is kept.
        #expect(throws: StoreError.self) {
            try city.record(
                "transport",
                [
                    try TestCity.draft("system.procured", "2024-03-01", Bodies.system("trams")),
                    try TestCity.draft("cost.incurred", "2024-03-01", Bodies.cost("ghost", 1)),
                ])
        }
        let trams = #expect(throws: StoreError.self) { try city.record("transport", "cost.incurred", "2024-03-02", Bodies.cost("trams", 1)) }
        #expect(trams?.description.contains("has not been procured") == true, "\(trams?.description ?? "")")
    }

    /// A ledger from before the rule keys (their column, tables and migration removed, and its
    /// projection not yet named in `ledger_meta`) gets them from its events when opened, corrections
    /// included, and records against them.
    @Test func aLedgerFromBeforeRuleKeysGetsThemWhenOpened() throws {
        let city = try TestCity(offices: ["it"])
        city.at("2024-01-10")
        try city.record("it", "district.defined", "2024-01-01", Bodies.district("north"))
        let cams = try city.record("it", "system.procured", "2024-01-10", Bodies.system("cams"))
        try city.record("it", "event.corrected", "2024-01-11", Bodies.correction(of: cams.id, replacement: Bodies.system("cams-2")))
        try city.record("it", "deployment.recorded", "2024-01-12", Bodies.deployment("cams-2", "north", units: 2))
        let older = try city.copy(
            afterRunning: """
                DROP TABLE civic_rule_index; DROP TABLE civic_rule_index_mark; DROP TABLE civic_correction_keys;
                DROP INDEX civic_facts_key_events; DROP TABLE civic_fact_times;
                ALTER TABLE civic_facts DROP COLUMN rule_key;
                DELETE FROM grdb_migrations WHERE identifier IN ('v4-civic-rule-keys', 'v8-civic-fact-times');
                DELETE FROM ledger_meta WHERE key = 'projector';
                """, on: "it")
        let rules = try RuleFacts.load(from: older.store("it"), systems: ["cams", "cams-2"])
        #expect(rules.systems["cams"] == nil && rules.systems["cams-2"]?.deployments == ["north": 2])
        try older.record("it", "cost.incurred", "2024-02-01", Bodies.cost("cams-2", 10))
        let stale = #expect(throws: StoreError.self) { try older.record("it", "cost.incurred", "2024-02-01", Bodies.cost("cams", 10)) }
        #expect(stale?.description.contains("has not been procured") == true, "\(stale?.description ?? "")")
        let named = try older.store("it").read { db in try String.fetchOne(db, sql: "SELECT value FROM ledger_meta WHERE key = 'projector'") }
        #expect(named == "civic/1")
        #expect(try older.store("it").verify().eventCount == 5)
    }

    /// Cost rows go in by 32 a statement and the rest when the transaction ends: every cost of a
    /// batch of 70 (and of the same range received) has its row, each column from its own event.
    @Test func everyCostOfALongBatchHasItsOwnRow() throws {
        let city = try TestCity(offices: ["cityhall", "it"])
        city.at("2024-01-02")
        try city.record("it", "system.procured", "2024-01-02", Bodies.system("cams"))
        try city.record("it", "system.procured", "2024-01-02", Bodies.system("lights"))
        let (sources, categories) = (["general-fund", "bond", "grant", "fees"], ["maintenance", "licence", "energy"])
        let drafts = try (0..<70).map { index in
            try TestCity.draft(
                "cost.incurred", "2024-01-\(10 + index % 9)",
                Bodies.cost(
                    index % 3 == 0 ? "lights" : "cams", 100 + index, source: sources[index % 4], category: categories[index % 3],
                    currency: "USD"))
        }
        city.at("2024-01-20")
        try city.record("it", drafts)
        try city.deliver(from: "it", to: "cityhall")
        for office in ["it", "cityhall"] {
            let (rows, wrong) = try city.store(office).read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM civic_costs") ?? -1,
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT count(*) FROM events e LEFT JOIN civic_costs c ON c.event_rowid = e.rowid
                            WHERE e.type = 'cost.incurred' AND (c.event_rowid IS NULL
                                OR c.system IS NOT json_extract(e.canonical, '$.body.system')
                                OR c.amount IS NOT json_extract(e.canonical, '$.body.amount')
                                OR c.currency IS NOT json_extract(e.canonical, '$.body.currency')
                                OR c.category IS NOT json_extract(e.canonical, '$.body.category')
                                OR c.source IS NOT json_extract(e.canonical, '$.body.source')
                                OR c.effective IS NOT e.effective OR c.hlc_wall IS NOT e.hlc_wall
                                OR c.hlc_logical IS NOT e.hlc_logical OR c.arrived_ms IS NOT e.arrived_ms)
                            """) ?? -1
                )
            }
            #expect(rows == 70 && wrong == 0, "\(office): \(rows) rows, \(wrong) wrong")
        }
        let state = try CityState.load(from: city.store("cityhall"), filter: .none, snapshots: false)
        #expect(state.totalCost(system: "cams") + state.totalCost(system: "lights") == (0..<70).reduce(0) { $0 + 100 + $1 })
    }

    /// A ledger written before any projection existed (the projection's tables and migrations
    /// removed) is projected from every event it holds when opened (city hall received IT's events
    /// after its own later ones, so the rows arrive out of citywide order): its state is the state
    /// it had, and it records again. (The projection's rows are keyed by event, so the order they
    /// are made in does not change them; this test does not see it.)
    @Test func aLedgerFromBeforeAnyProjectionIsProjectedWhenOpened() throws {
        let city = try TestCity(offices: ["cityhall", "it"])
        city.at("2024-01-02")
        try city.record("it", "district.defined", "2024-01-01", Bodies.district("north"))
        let cams = try city.record("it", "system.procured", "2024-01-02", Bodies.system("cams"))
        city.at("2024-01-20")
        try city.record("it", "deployment.recorded", "2024-01-20", Bodies.deployment("cams", "north", units: 4))
        try city.record("it", "cost.incurred", "2024-01-20", Bodies.cost("cams", 900))
        try city.record("it", "event.corrected", "2024-01-21", Bodies.correction(of: cams.id, replacement: Bodies.system("cams", currency: "EUR")))
        city.at("2024-02-01")
        try city.record("cityhall", "system.procured", "2024-02-01", Bodies.system("lights"))
        try city.record("cityhall", "cost.incurred", "2024-02-01", Bodies.cost("lights", 30))
        city.at("2024-03-01")
        try city.deliver(from: "it", to: "cityhall")
        let hall = city.store("cityhall")
        let before = try CityState.load(from: hall, filter: .none, snapshots: false)
        #expect(before.totalCost(system: "cams") == 900 && before.totalCost(system: "lights") == 30)
        #expect(before.facts.systems["cams"]?.deployments["north"] == 4)
        let tables = [
            "civic_costs", "civic_facts", "civic_corrections", "civic_correction_keys", "civic_rule_index", "civic_rule_index_mark",
            "civic_cost_periods", "civic_cost_periods_mark", "civic_cost_totals", "civic_cost_times",
            "civic_fold_snapshots", "civic_fold_snapshots_mark", "civic_fold_snapshots_due", "civic_fold_snapshots_superseded",
            "civic_fact_times",
        ]
        let older = try city.copy(
            afterRunning: tables.map { "DROP TABLE \($0);" }.joined()
                + "DELETE FROM grdb_migrations WHERE identifier LIKE 'v%-civic-%'; DELETE FROM ledger_meta WHERE key = 'projector';",
            on: "cityhall")
        let store = older.store("cityhall")
        let projected = try store.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM civic_costs") ?? 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM civic_facts") ?? 0)
        }
        #expect(projected.0 == 2 && projected.1 == 5, "\(projected)")
        let after = try CityState.load(from: store, filter: .none, snapshots: false)
        #expect(after.costs == before.costs)
        #expect(after.findings == before.findings)
        #expect(after.facts.systems["cams"]?.deployments["north"] == 4)
        #expect(after.eventCount == before.eventCount)
        try older.record("cityhall", "cost.incurred", "2024-03-02", Bodies.cost("lights", 5))
        #expect(try CityState.load(from: store, filter: .none).totalCost(system: "lights") == 35)
    }

    @Test func aCorrectionMustFitTheCorrectedType() throws {
        let city = try Self.city()
        let cost = try city.record("it", "cost.incurred", "2024-02-01", Bodies.cost("cams", 100))
        let error = #expect(throws: StoreError.self) {
            try city.record("it", "event.corrected", "2024-02-02", #"{"event":"\#(cost.id)","reason":"typo","replacement":{"system":"cams"}}"#)
        }
        #expect(error?.description.contains("replacement") == true)
        let correction = try city.record(
            "it", "event.corrected", "2024-02-02", #"{"event":"\#(cost.id)","reason":"typo","replacement":\#(Bodies.cost("cams", 90))}"#)
        let again = #expect(throws: StoreError.self) {
            try city.record("it", "event.corrected", "2024-02-03", #"{"event":"\#(correction.id)","reason":"x","replacement":{}}"#)
        }
        #expect(again?.description.contains("cannot be corrected") == true)
    }

    @Test func aBatchSeesItsOwnEarlierEvents() throws {
        let city = try TestCity(offices: ["it"])
        let opened = city.ledgers["it"]!
        let drafts = try [
            ("district.defined", Bodies.district("west", population: 10, need: 5, priority: false)),
            ("system.procured", Bodies.system("wifi", category: "broadband")),
            ("deployment.recorded", #"{"system":"wifi","district":"west","units":2}"#),
            ("cost.incurred", Bodies.cost("wifi", 500)),
        ].map { try EventDraft(type: $0.0, effective: LedgerDate("2024-05-01")!, body: JSONParser.parse(Array($0.1.utf8), profile: .strict)) }
        let summary = try opened.store.append(drafts, signer: opened.signer, validate: { try EventTypeRegistry.version1.validate($0) })
        #expect(summary.count == 4)
        let state = try CityState.load(from: opened.store, filter: .none)
        #expect(state.facts.systems["wifi"]?.deployments["west"] == 2)
        #expect(state.totalCost(system: "wifi") == 500)
    }
}
