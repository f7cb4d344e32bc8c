import Foundation
import LedgerCore
import Testing

/// `civic demo` end to end: real nodes, nightly syncs, convergence, and headlines that are the reports' own numbers.
@Suite("civic demo", .serialized)
struct DemoTests {
    @Test func demoNodesConvergeAndHeadlinesMatchTheReports() throws {
        let sandbox = try CivicSandbox()
        let demo = try sandbox.run(["demo", "--out", "city", "--seed", "7", "--format", "json"])
        try #require(demo.status == 0, "\(demo.stderr)")
        let summary = try JSONParser.parse(Array(demo.stdout.utf8), profile: .general)
        let nodes = try #require(summary["nodes"]?.arrayValue)
        #expect(nodes.count >= 5)
        let offices = nodes.compactMap { $0["office"]?.stringValue }
        #expect(offices.first == "cityhall")

        // Every node holds the same citywide checkpoint, and its ledger verifies.
        let expected = try SyncEndToEndTests.citywide(sandbox, "city/nodes/cityhall")
        #expect(expected == "sha256 " + (summary["citywide_checkpoint"]?.stringValue ?? "?"))
        for office in offices {
            #expect(try SyncEndToEndTests.citywide(sandbox, "city/nodes/\(office)") == expected, "\(office) differs")
            let verify = try sandbox.run(["verify", "--data", "city/nodes/\(office)"])
            #expect(verify.status == 0, "\(office): \(verify.stderr)")
        }

        // The headlines are what `civic report … --format json` says on any node (here: police).
        let headlines = try #require(summary["headlines"])
        func report(_ name: String) throws -> JSONValue {
            let result = try sandbox.run(["report", name, "--format", "json", "--data", "city/nodes/police"])
            try #require(result.status == 0, "\(result.stderr)")
            return try JSONParser.parse(Array(result.stdout.utf8), profile: .general)
        }
        let funding = try report("funding")
        let equity = try report("equity")
        let vendors = try report("vendors")
        let surveillance = try report("surveillance")
        #expect(headlines["residents_share_bps"] == funding["residents_share_bps"])
        #expect(headlines["total_spend"] == funding["total"])
        #expect(headlines["concentration_index"] == equity["concentration_index"])
        #expect(headlines["priority_share_bps"] == equity["priority_share_bps"])
        #expect(headlines["target_verdict"] == equity["targets"]?.arrayValue?.first?["verdict"])
        #expect(headlines["worst_multiplier_vendor"] == vendors["worst_multiplier"]?["vendor"])
        #expect(headlines["worst_multiplier"] == vendors["worst_multiplier"]?["multiplier"])
        #expect(headlines["hhi"] == vendors["hhi"])
        #expect(headlines["most_watched"] == surveillance["most_watched"])
        // The story the demo tells: real numbers, not placeholders.
        #expect((headlines["worst_multiplier"].flatMap { if case .number(let value) = $0 { value } else if case .integer(let value) = $0 { Double(value) } else { nil } } ?? 0) >= 5)
        #expect(headlines["most_watched"]?.stringValue != nil)
        #expect(headlines["target_verdict"]?.stringValue == "missed")

        // Through OCDS and back: city hall's ledger exported, imported into an empty ledger, and
        // the vendors report agrees on every vendor's lifetime cost, multiplier and contracts.
        let exported = try sandbox.run(["export", "ocds", "--data", "city/nodes/cityhall", "--out", "ocds", "--ocid-prefix", "ocds-nb1234"])
        try #require(exported.status == 0, "\(exported.stderr)")
        #expect(try sandbox.run(["init", "--office", "archive", "--city", "northbridge", "--data", "archive"]).status == 0)
        let roundTripMap = try sandbox.write("ocds-map.json", #"{"ocid_prefix":"ocds-nb1234","category":"platform"}"#)
        let imported = try sandbox.run(["import", "--ocds", "ocds/release-package.json", "--map", roundTripMap, "--data", "archive"])
        try #require(imported.status == 0, "\(imported.stderr)")
        let archived = try sandbox.run(["report", "vendors", "--format", "json", "--data", "archive"])
        let original = try sandbox.run(["report", "vendors", "--format", "json", "--data", "city/nodes/cityhall"])
        func byVendor(_ text: String) throws -> [String: [JSONValue?]] {
            let vendors = try JSONParser.parse(Array(text.utf8), profile: .general)["vendors"]?.arrayValue ?? []
            return Dictionary(uniqueKeysWithValues: vendors.compactMap { vendor in
                vendor["vendor"]?.stringValue.map { ($0, [vendor["lifetime_cost"], vendor["multiplier"], vendor["initial_contract"], vendor["contract_value"]]) }
            })
        }
        let before = try byVendor(original.stdout)
        #expect(!before.isEmpty)
        #expect(try byVendor(archived.stdout) == before)

        // The pages and files were written.
        let reports = sandbox.folder + "/city/reports"
        for file in ["index.html", "funding.html", "equity.html", "surveillance.html", "vendors.html", "algorithms.html", "equity.json",
            "algorithms.csv", "surveillance-register.csv", "headlines.json"]
        {
            #expect(FileManager.default.fileExists(atPath: reports + "/" + file), "\(file) missing")
        }
        // No node is left running: each node's port is closed.
        for node in nodes {
            let url = try #require(node["url"]?.stringValue)
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            curl.arguments = ["curl", "-s", "-o", "/dev/null", "--max-time", "2", url + "/healthz"]
            let result = try CivicSandbox.wait(for: curl)
            #expect(result.status != 0, "\(url) still answers")
        }

        // A second run with the same seed writes the same ledgers, byte for byte.
        let again = try sandbox.run(["demo", "--out", "city", "--seed", "7", "--format", "json"])
        try #require(again.status == 0, "\(again.stderr)")
        #expect(try JSONParser.parse(Array(again.stdout.utf8), profile: .general)["citywide_checkpoint"] == summary["citywide_checkpoint"])
    }

    @Test func demoRefusesAFolderItDidNotWrite() throws {
        let sandbox = try CivicSandbox()
        _ = try sandbox.write("notes.txt", "mine")
        let result = try sandbox.run(["demo", "--out", "."])
        #expect(result.status == 1)
        #expect(result.stderr == "civic: error: . exists and is not an earlier demo's folder: choose another --out\n")
        #expect(FileManager.default.fileExists(atPath: sandbox.folder + "/notes.txt"))
    }
}
