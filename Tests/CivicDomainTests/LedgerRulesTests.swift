import CivicDomain
import CivicTestSupport
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
