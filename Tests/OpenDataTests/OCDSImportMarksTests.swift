import CivicDomain
import LedgerCore
import OpenData
import Testing

/// The marks an OCDS import leaves on what it records are what makes a second import record nothing.
@Suite("OCDS import marks")
struct OCDSImportMarksTests {
    static func releases(rationale: String) throws -> [JSONValue] {
        let text = #"""
            {"releases":[
             {"ocid":"ocds-abc123-7","id":"R1","date":"2024-01-01T00:00:00Z","tag":["contract"],
              "awards":[{"id":"A","suppliers":[{"name":"Acme"}]}],
              "contracts":[{"id":"C","awardID":"A","value":{"amount":100,"currency":"EUR"},"period":{"startDate":"2024-01-01T00:00:00Z","endDate":"2025-01-01T00:00:00Z"}}]},
             {"ocid":"ocds-abc123-7","id":"R2","date":"2024-02-01T00:00:00Z","tag":["contractAmendment","implementation"],
              "contracts":[{"id":"C","awardID":"A","value":{"amount":200,"currency":"EUR"},"amendments":[{"id":"M","rationale":"\#(rationale)"}],
               "implementation":{"transactions":[{"id":"T1","date":"2024-02-02","value":{"amount":5,"currency":"EUR"}}]}}]}]}
            """#
        return try OCDSImport.releases(Array(text.utf8))
    }

    /// A rationale longer than a vocabulary text is cut, never the mark after it; the ledger's
    /// events, read back, name every release and transaction, and an import over them records nothing.
    @Test func aLongRationaleKeepsItsMark() throws {
        var map = OCDSImportMap()
        map.category = .sensors
        map.ocidPrefix = "ocds-abc123"
        let releases = try Self.releases(rationale: String(repeating: "é", count: 300))
        let drafts = try OCDSImport.drafts(releases, map: map) { _ in OCDSImport.Held() }
        #expect(drafts.map(\.draft.type) == ["system.procured", "contract.amended", "cost.incurred"])
        var held = OCDSImport.Held()
        for (_, draft) in drafts { held.add(type: draft.type, body: draft.body) }
        let reason = try #require(drafts[1].draft.body["reason"]?.stringValue)
        #expect(reason.unicodeScalars.count == 200)
        #expect(reason.hasSuffix(" (OCDS release R2)"))
        #expect(held.procured && held.imported == ["release R2", "transaction T1"])
        let again = try OCDSImport.drafts(releases, map: map) { _ in held }
        #expect(again.isEmpty)
    }
}
