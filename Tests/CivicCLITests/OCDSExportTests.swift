import Foundation
import Testing

/// `civic export ocds`: the ledger's contracting processes as OCDS 1.1 release and record packages.
@Suite("civic export ocds")
struct OCDSExportTests {
    static func procurement(_ system: String, ocid: String? = nil) -> String {
        #"""
        {"system":"\#(system)","title":"Cameras \#(system)","category":"cameras","vendor":"Acme Vision Ltd.","method":"sole-source",
        "contract":{"value":1000000,"currency":"USD","start":"2024-01-01","end":"2026-12-31"},\#(ocid.map { #""ocid":"\#($0)","# } ?? "")
        "terms":{"data_portability":true,"open_formats":true,"source_available":false,"exit_clause":true},
        "funding":[{"source":"general-fund","share_bps":10000}]}
        """#
    }

    static func record(_ sandbox: CivicSandbox, _ type: String, _ body: String, _ effective: String) throws -> String {
        let file = try sandbox.write("body-\(UUID().uuidString).json", body)
        let result = try sandbox.run(["record", type, "--json", file, "--effective", effective])
        #expect(result.status == 0, "\(result.stderr)")
        return String(result.stdout.split(separator: " ").first ?? "")
    }

    static func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
    }

    /// Procured (one system with its own ocid, one given the prefix), amended, paid, a payment
    /// corrected, retired: the releases carry the events' ids and tags, the compiled release the
    /// amended value, the corrected payment and the termination, and both packages validate
    /// against the OCDS 1.1.5 schemas.
    @Test func exportsContractingProcessesThatValidate() throws {
        let sandbox = try LedgerCommandTests.initialized()
        try Self.record(sandbox, "system.procured", Self.procurement("cams", ocid: "ocds-abc123-0042"), "2024-01-01")
        try Self.record(sandbox, "system.procured", Self.procurement("plates"), "2024-01-02")
        try Self.record(sandbox, "contract.amended", #"{"system":"cams","value_change":250000,"currency":"USD","new_end":"2027-06-30","reason":"More sites"}"#, "2024-03-01")
        try Self.record(sandbox, "cost.incurred", #"{"system":"cams","amount":120050,"currency":"USD","category":"licence","source":"bond","payee":"Acme Vision Ltd."}"#, "2024-04-01")
        let wrong = try Self.record(sandbox, "cost.incurred", #"{"system":"cams","amount":99,"currency":"USD","category":"licence","source":"bond"}"#, "2024-05-01")
        let correction = try Self.record(
            sandbox, "event.corrected",
            #"{"event":"\#(wrong)","reason":"typo","replacement":{"system":"cams","amount":9900,"currency":"USD","category":"licence","source":"bond"}}"#,
            "2024-05-02")
        try Self.record(sandbox, "system.retired", #"{"system":"plates","reason":"Council vote"}"#, "2024-06-01")

        let out = sandbox.folder + "/ocds"
        let result = try sandbox.run(["export", "ocds", "--out", out, "--ocid-prefix", "ocds-abc123"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("exported 6 releases of 2 contracting processes"), "\(result.stdout)")

        let releases = try Self.json(out + "/release-package.json")["releases"] as? [[String: Any]] ?? []
        #expect(releases.compactMap { $0["tag"] as? [String] } == [
            ["award", "contract"], ["award", "contract"], ["contractAmendment"], ["implementation"], ["implementation"], ["contractTermination"],
        ])
        #expect(releases.compactMap { $0["ocid"] as? String } == [
            "ocds-abc123-0042", "ocds-abc123-plates", "ocds-abc123-0042", "ocds-abc123-0042", "ocds-abc123-0042", "ocds-abc123-plates",
        ])
        #expect(releases[4]["id"] as? String == correction)

        let records = try Self.json(out + "/record-package.json")["records"] as? [[String: Any]] ?? []
        let cams = try #require(records.first { $0["ocid"] as? String == "ocds-abc123-0042" })
        let compiled = try #require(cams["compiledRelease"] as? [String: Any])
        let contract = try #require((compiled["contracts"] as? [[String: Any]])?.first)
        #expect((contract["value"] as? [String: Any])?["amount"] as? Double == 12_500.0)
        #expect((contract["period"] as? [String: Any])?["endDate"] as? String == "2027-06-30T00:00:00Z")
        let transactions = (contract["implementation"] as? [String: Any])?["transactions"] as? [[String: Any]] ?? []
        #expect(transactions.compactMap { ($0["value"] as? [String: Any])?["amount"] as? Double } == [1_200.5, 99.0])
        #expect((contract["amendments"] as? [[String: Any]])?.count == 1)
        let plates = try #require(records.first { $0["ocid"] as? String == "ocds-abc123-plates" })
        let terminated = ((plates["compiledRelease"] as? [String: Any])?["contracts"] as? [[String: Any]])?.first
        #expect(terminated?["status"] as? String == "terminated")
        #expect((cams["versionedRelease"] as? [String: Any])?["ocid"] as? String == "ocds-abc123-0042")

        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", CivicSandbox.packageRoot.appendingPathComponent("Tools/check-ocds.py").path, out]
        let checked = try CivicSandbox.wait(for: check)
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        #expect(checked.stdout.contains("2 passed, 0 failed"), "\(checked.stdout)")
    }

    /// Without a prefix, systems without their own ocid are left out and named; a prefix that is
    /// not an OCDS one is refused with one line and nothing written.
    @Test func systemsWithoutAnOCIDAreNamedAndABadPrefixIsRefused() throws {
        let sandbox = try LedgerCommandTests.initialized()
        try Self.record(sandbox, "system.procured", Self.procurement("cams", ocid: "ocds-abc123-0042"), "2024-01-01")
        try Self.record(sandbox, "system.procured", Self.procurement("plates"), "2024-01-02")
        let out = sandbox.folder + "/ocds"
        let result = try sandbox.run(["export", "ocds", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("exported 1 releases of 1 contracting processes"), "\(result.stdout)")
        #expect(result.stdout.contains("left out 1 systems without an ocid (give --ocid-prefix): plates"), "\(result.stdout)")
        let bad = try sandbox.run(["export", "ocds", "--out", sandbox.folder + "/other", "--ocid-prefix", "city"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("is not an OCDS prefix"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.folder + "/other"))
    }

    /// The city's prefix given once, to `civic init`, names the systems in every export.
    @Test func thePrefixGivenAtInitIsTheExportsDefault() throws {
        let sandbox = try CivicSandbox()
        let bad = try sandbox.run(["init", "--office", "transport", "--city", "springfield", "--ocid-prefix", "springfield"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("is not an OCDS prefix"), "\(bad.stderr)")
        let created = try sandbox.run(["init", "--office", "transport", "--city", "springfield", "--ocid-prefix", "ocds-spr1ng"])
        #expect(created.status == 0, "\(created.stderr)")
        try Self.record(sandbox, "system.procured", Self.procurement("plates"), "2024-01-02")
        let out = sandbox.folder + "/ocds"
        let result = try sandbox.run(["export", "ocds", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        let releases = try Self.json(out + "/release-package.json")["releases"] as? [[String: Any]] ?? []
        #expect(releases.compactMap { $0["ocid"] as? String } == ["ocds-spr1ng-plates"])
    }
}
