import Foundation
import LedgerCore
import Testing

/// `civic import --ocds`: a contracting process published as OCDS becomes a system with its
/// amendments and payments, and goes back out as OCDS that validates.
@Suite("civic import --ocds")
struct OCDSImportTests {
    /// A worked example of the usual shape: planning, tender, award, contract, implementation with
    /// an amendment and payments — and a real publisher's mess: nulls, empty strings, French text,
    /// mixed time zones, a release repeated as it was, amounts as decimals.
    static let releases = #"""
        {"uri":"https://example.org/ocds/2024-017.json","version":"1.1","publishedDate":"2024-09-01T00:00:00Z",
         "publisher":{"name":"Ville de Montréal-Nord"},
         "releases":[
          {"ocid":"ocds-xyz789-2024-017","id":"2024-017-planning","date":"2024-01-10T09:00:00-05:00","tag":["planning"],
           "initiationType":"tender","planning":{"rationale":"Réseau de capteurs de qualité de l'air","budget":null},
           "tender":{"id":"T-17","title":"Capteurs de qualité de l’air","status":"planning","description":""}},
          {"ocid":"ocds-xyz789-2024-017","id":"2024-017-tender","date":"2024-02-01T14:00:00Z","tag":["tender"],"initiationType":"tender",
           "tender":{"id":"T-17","title":"Capteurs de qualité de l’air","procurementMethod":"open","value":{"amount":120000.00,"currency":"CAD"}}},
          {"ocid":"ocds-xyz789-2024-017","id":"2024-017-award","date":"2024-03-15T10:30:00+01:00","tag":["award"],"initiationType":"tender",
           "awards":[{"id":"A-1","title":"Capteurs — lot unique","status":"active","value":{"amount":118500.5,"currency":"CAD"},
             "suppliers":[{"id":"CA-BN-123","name":"Éco-Mesures Inc."}],"contractPeriod":{"startDate":"2024-04-01T00:00:00Z","endDate":"2026-03-31T00:00:00Z"}}]},
          {"ocid":"ocds-xyz789-2024-017","id":"2024-017-contract","date":"2024-03-20T00:00:00Z","tag":["contract"],"initiationType":"tender",
           "contracts":[{"id":"C-1","awardID":"A-1","status":"active","value":{"amount":118500.5,"currency":"CAD"},
             "period":{"startDate":"2024-04-01T00:00:00Z","endDate":"2026-03-31T00:00:00Z"},"dateSigned":"2024-03-20T00:00:00Z"}]},
          {"ocid":"ocds-xyz789-2024-017","id":"2024-017-contract","date":"2024-03-20T00:00:00Z","tag":["contract"],"initiationType":"tender",
           "contracts":[{"id":"C-1","awardID":"A-1","status":"active","value":{"amount":118500.5,"currency":"CAD"},
             "period":{"startDate":"2024-04-01T00:00:00Z","endDate":"2026-03-31T00:00:00Z"},"dateSigned":"2024-03-20T00:00:00Z"}]},
          {"ocid":"ocds-xyz789-2024-017","id":"2024-017-impl-1","date":"2024-06-30T00:00:00Z","tag":["implementation"],"initiationType":"tender",
           "contracts":[{"id":"C-1","awardID":"A-1","implementation":{"transactions":[
             {"id":"TX-1","date":"2024-06-28T00:00:00Z","value":{"amount":8923.94,"currency":"CAD"},"payee":{"name":"Éco-Mesures Inc."}},
             {"id":"TX-2","date":"2024-06-29T23:30:00-05:00","value":{"amount":1500,"currency":"CAD"},"payee":{"name":""}}]}}]},
          {"ocid":"ocds-xyz789-2024-017","id":"2024-017-amend-1","date":"2024-09-01T00:00:00Z","tag":["contractAmendment"],"initiationType":"tender",
           "contracts":[{"id":"C-1","awardID":"A-1","value":{"amount":140000,"currency":"CAD"},"period":{"endDate":"2026-12-31T00:00:00Z"},
             "amendments":[{"id":"AM-1","date":"2024-09-01T00:00:00Z","rationale":"Ajout de 20 capteurs"}]}]}
         ]}
        """#

    static let map = #"{"ocid_prefix":"ocds-xyz789","category":"sensors","cost_category":"capital","cost_source":"grant"}"#

    static func events(_ sandbox: CivicSandbox) throws -> [JSONValue] {
        try sandbox.run(["log", "--format", "json"]).stdout.split(separator: "\n").map { try JSONParser.parse(Array($0.utf8), profile: .general) }
    }

    @Test func aWorkedExampleImportsReportsAndGoesBackOut() throws {
        let sandbox = try LedgerCommandTests.initialized()
        let file = try sandbox.write("process.json", Self.releases)
        let mapFile = try sandbox.write("map.json", Self.map)
        let result = try sandbox.run(["import", "--ocds", file, "--map", mapFile])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("imported 4 events"), "\(result.stdout)")
        let events = try Self.events(sandbox)
        #expect(events.compactMap { $0["type"]?.stringValue } == ["system.procured", "cost.incurred", "cost.incurred", "contract.amended"])
        let procured = events[0]["body"]
        #expect(procured?["system"]?.stringValue == "2024-017")
        #expect(procured?["ocid"]?.stringValue == "ocds-xyz789-2024-017")
        #expect(procured?["vendor"]?.stringValue == "Éco-Mesures Inc.")
        #expect(procured?["method"]?.stringValue == "open-tender")
        #expect(procured?["contract"]?["value"] == .integer(11_850_050))
        #expect(procured?["contract"]?["currency"]?.stringValue == "CAD")
        #expect(events[0]["effective"]?.stringValue == "2024-03-20")
        #expect(events[1]["body"]?["amount"] == .integer(892_394))
        #expect(events[2]["body"]?["amount"] == .integer(150_000))
        #expect(events[2]["effective"]?.stringValue == "2024-06-29")  // the date as the publisher wrote it
        #expect(events[2]["body"]?["payee"] == nil)  // an empty name is no payee
        #expect(events[3]["body"]?["value_change"] == .integer(2_149_950))
        #expect(events[3]["body"]?["new_end"]?.stringValue == "2026-12-31")

        // The costs are in the reports.
        let funding = try JSONParser.parse(Array(try sandbox.run(["report", "funding", "--format", "json", "--currency", "CAD"]).stdout.utf8), profile: .general)
        #expect(funding["total"] == .integer(1_042_394), "\(funding)")
        let vendors = try JSONParser.parse(Array(try sandbox.run(["report", "vendors", "--format", "json", "--currency", "CAD"]).stdout.utf8), profile: .general)
        let vendor = vendors["vendors"]?.arrayValue?.first
        #expect(vendor?["vendor"]?.stringValue == "Éco-Mesures Inc.")
        #expect(vendor?["lifetime_cost"] == .integer(1_042_394))

        // Importing the same releases again records nothing.
        let again = try sandbox.run(["import", "--ocds", file, "--map", mapFile])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.hasPrefix("nothing new"), "\(again.stdout)")
        #expect(try Self.events(sandbox).count == 4)

        // And back out as OCDS that validates, the compiled record carrying the payments.
        let out = sandbox.folder + "/out"
        let exported = try sandbox.run(["export", "ocds", "--out", out])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.hasPrefix("exported 4 releases of 1 contracting processes"), "\(exported.stdout)")
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", CivicSandbox.packageRoot.appendingPathComponent("Tools/check-ocds.py").path, out]
        let checked = try CivicSandbox.wait(for: check)
        #expect(checked.stdout.contains("2 passed, 0 failed"), "\(checked.stdout)\(checked.stderr)")
        let records = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/record-package.json"))), profile: .general)
        let compiled = records["records"]?.arrayValue?.first?["compiledRelease"]
        #expect(compiled?["ocid"]?.stringValue == "ocds-xyz789-2024-017")
        #expect(compiled?["contracts"]?.arrayValue?.first?["implementation"]?["transactions"]?.arrayValue?.count == 2)
        #expect(compiled?["contracts"]?.arrayValue?.first?["value"]?["amount"] == .integer(140_000) || compiled?["contracts"]?.arrayValue?.first?["value"]?["amount"] == .number(140_000))
    }

    /// Each bad input is one line naming the release, and nothing is stored.
    @Test(arguments: [
        (#""amount":8923.94,"#, #""amount":8923.945,"#, "release 2024-017-impl-1 of ocds-xyz789-2024-017: transaction TX-1 value.amount 8923.945 is not an amount of CAD"),
        (#"{"ocid":"ocds-xyz789-2024-017","id":"2024-017-tender""#, #"{"id":"2024-017-tender""#, "release 2024-017-tender has no ocid"),
        (#""dateSigned":"2024-03-20T00:00:00Z"}]},"#, #""dateSigned":"2024-03-21T00:00:00Z"}]},"#,
         "release 2024-017-contract of ocds-xyz789-2024-017 appears twice with different content"),
        (#""amount":1500,"currency":"CAD""#, #""amount":1500,"currency":"USD""#, "transaction TX-2: currency USD is not the contract's currency CAD"),
        (#""amount":1500,"#, #""amount":"1500","#, "is the text \"1500\", not a number"),
        (#""date":"2024-06-28T00:00:00Z""#, #""date":"le 28 juin""#, "transaction TX-1 date \"le 28 juin\" is not a date"),
    ])
    func aBadReleaseIsNamedAndNothingIsStored(replace: String, with: String, message: String) throws {
        let sandbox = try LedgerCommandTests.initialized()
        // Only the last occurrence: the contract release is repeated, and one copy must change.
        var text = Self.releases
        if let range = text.range(of: replace, options: .backwards) { text.replaceSubrange(range, with: with) }
        #expect(text != Self.releases, "the test's replacement did not apply")
        let result = try sandbox.run(["import", "--ocds", try sandbox.write("process.json", text), "--map", try sandbox.write("map.json", Self.map)])
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was imported"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try Self.events(sandbox).isEmpty)
    }

    @Test func withoutACategoryTheProcessCannotBeMapped() throws {
        let sandbox = try LedgerCommandTests.initialized()
        let result = try sandbox.run(["import", "--ocds", try sandbox.write("process.json", Self.releases)])
        #expect(result.status == 1)
        #expect(result.stderr.contains("the map gives no category"), "\(result.stderr)")
        #expect(try Self.events(sandbox).isEmpty)
    }
}
