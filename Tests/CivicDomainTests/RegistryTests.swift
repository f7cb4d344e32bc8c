import CivicDomain
import LedgerCore
import Testing

@Suite("Event type registry")
struct RegistryTests {
    static func draft(_ type: String, _ body: String) throws -> EventDraft {
        try EventDraft(type: type, effective: LedgerDate(unixMilliseconds: 0), body: JSONParser.parse(Array(body.utf8), profile: .strict))
    }

    @Test func knowsEveryTypeOfTheVocabulary() {
        let expected = [
            "office.registered", "office.key-rotated", "office.key-revoked", "district.defined", "policy.target-declared", "system.procured",
            "contract.amended", "cost.incurred", "deployment.recorded", "deployment.removed", "surveillance.assessed",
            "algorithm.registered", "algorithm.updated", "algorithm.retired", "system.retired", "event.corrected",
        ]
        #expect(EventTypeRegistry.version1.types == expected.sorted())
    }

    @Test func refusesAnUnknownType() throws {
        let error = #expect(throws: ValidationError.self) { try EventTypeRegistry.version1.validate(try Self.draft("budget.spent", "{}")) }
        #expect(error?.description.contains("unknown event type") == true)
    }

    @Test func acceptsAGoodDistrict() throws {
        try EventTypeRegistry.version1.validate(
            try Self.draft("district.defined", #"{"district":"riverside","name":"Riverside","population":41200,"need_index":72,"priority":true}"#))
    }

    @Test(arguments: [
        (#"{"name":"R","population":1,"need_index":1,"priority":true}"#, "district"),
        (#"{"district":"Riverside!","name":"R","population":1,"need_index":1,"priority":true}"#, "district"),
        (#"{"district":"r","name":"","population":1,"need_index":1,"priority":true}"#, "name"),
        (#"{"district":"r","name":"R","population":-5,"need_index":1,"priority":true}"#, "population"),
        (#"{"district":"r","name":"R","population":1,"need_index":101,"priority":true}"#, "need_index"),
        (#"{"district":"r","name":"R","population":1,"need_index":1,"priority":"yes"}"#, "priority"),
        (#"{"district":"r","name":"R","population":1,"need_index":1,"priority":true,"mayor":"x"}"#, "mayor"),
    ])
    func refusesABadDistrict(body: String, field: String) throws {
        let error = #expect(throws: ValidationError.self) { try EventTypeRegistry.version1.validate(try Self.draft("district.defined", body)) }
        #expect(error?.field == field)
    }

    @Test func checksARegistration() throws {
        let signer = try NoteSigner(name: "civic/springfield/transport")
        let good = #"{"office":"transport","name":"Transport","key":"\#(signer.verifier.vkey)"}"#
        try EventTypeRegistry.version1.validate(try Self.draft("office.registered", good))
        let wrongOffice = #"{"office":"police","name":"Police","key":"\#(signer.verifier.vkey)"}"#
        let error = #expect(throws: ValidationError.self) { try EventTypeRegistry.version1.validate(try Self.draft("office.registered", wrongOffice)) }
        #expect(error?.field == "key")
        let badKey = #"{"office":"transport","name":"Transport","key":"nonsense"}"#
        #expect(throws: ValidationError.self) { try EventTypeRegistry.version1.validate(try Self.draft("office.registered", badKey)) }
    }
}

@Suite("Protocol vectors against the vocabulary")
struct VectorVocabularyTests {
    @Test func theSampleRegistrationAndDistrictsValidate() throws {
        for event in try ProtocolVectors.sampleEvents() where event.envelope.type != "cost.incurred" {
            let draft = try EventDraft(type: event.envelope.type, effective: event.envelope.effective, body: event.envelope.body)
            try EventTypeRegistry.version1.validate(draft)
        }
    }
}
