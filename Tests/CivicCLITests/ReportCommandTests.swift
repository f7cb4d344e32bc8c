import Foundation
import LedgerCore
import Testing

/// `civic report` and the dashboard `civic serve` adds, on a small ledger.
@Suite("civic report and the dashboard")
struct ReportCommandTests {
    static func ledger() throws -> CivicSandbox {
        let sandbox = try CivicSandbox()
        #expect(try sandbox.run(["init", "--office", "it", "--city", "testville"]).status == 0)
        let lines = [
            #"{"type":"district.defined","effective":"2024-01-01","body":{"district":"north","name":"North","population":1000,"need_index":80,"priority":true}}"#,
            #"{"type":"district.defined","effective":"2024-01-01","body":{"district":"south","name":"South","population":3000,"need_index":20,"priority":false}}"#,
            #"{"type":"system.procured","effective":"2024-01-01","body":{"system":"lights","title":"Smart lights","category":"streetlights","vendor":"Lumen <Co>","method":"open-tender","contract":{"value":100000,"currency":"USD","start":"2024-01-01","end":"2028-12-31"},"terms":{"data_portability":true,"open_formats":true,"source_available":false,"exit_clause":false},"funding":[{"source":"bond","share_bps":10000}]}}"#,
            #"{"type":"deployment.recorded","effective":"2024-02-01","body":{"system":"lights","district":"south","units":3}}"#,
            #"{"type":"deployment.recorded","effective":"2024-02-01","body":{"system":"lights","district":"north","units":1}}"#,
            #"{"type":"cost.incurred","effective":"2024-03-01","body":{"system":"lights","amount":400000,"currency":"USD","category":"capital","source":"bond"}}"#,
            #"{"type":"cost.incurred","effective":"2025-03-01","body":{"system":"lights","amount":100000,"currency":"USD","category":"licence","source":"vendor-subsidy"}}"#,
        ]
        let file = try sandbox.write("city.jsonl", lines.joined(separator: "\n"))
        let imported = try sandbox.run(["import", file])
        #expect(imported.status == 0, "\(imported.stderr)")
        return sandbox
    }

    @Test func everyReportInEveryFormat() throws {
        let sandbox = try Self.ledger()
        let table = try sandbox.run(["report", "vendors"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("Lumen <Co>"))
        #expect(table.stdout.contains("5.0x"))
        let json = try JSONParser.parse(Array(try sandbox.run(["report", "funding", "--format", "json"]).stdout.utf8), profile: .general)
        #expect(json["total"] == .integer(500_000))
        #expect(json["residents_share_bps"] == .integer(8000))
        let early = try JSONParser.parse(Array(try sandbox.run(["report", "funding", "--format", "json", "--effective-on", "2024-12-31"]).stdout.utf8), profile: .general)
        #expect(early["total"] == .integer(400_000))
        let csv = try sandbox.run(["report", "equity", "--format", "csv"]).stdout
        #expect(csv.hasPrefix("district,population,need_index,priority,units,investment,per_capita,share\r\nnorth,1000,80,yes,1,1250.00,1.25,25.00%\r\n"))
        let html = try sandbox.run(["report", "equity", "--format", "html"]).stdout
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg"))
        let all = try sandbox.run(["report", "all", "--format", "html", "--out", "pages"])
        #expect(all.status == 0, "\(all.stderr)")
        for page in ["index", "funding", "equity", "surveillance", "vendors", "algorithms"] {
            #expect(FileManager.default.fileExists(atPath: sandbox.folder + "/pages/\(page).html"))
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: sandbox.folder + "/pages")
        #expect(!files.contains { $0.hasSuffix(".tmp") })
    }

    @Test(arguments: [
        (["report", "nonsense"], "Error: The value 'nonsense' is invalid for '<NAME>'"),
        (["report", "all", "--format", "html"], "Error: civic report all writes several files: give --out DIR"),
        (["report", "all", "--out", "x"], "Error: civic report all needs --format html, json or csv"),
        (["report", "funding", "--as-of", "yesterday"], #"civic: error: --as-of "yesterday" is not a time"#),
        (["report", "funding", "--currency", "XYZ"], "civic: error: --currency XYZ is not a currency of the vocabulary"),
        (["report", "equity", "--register"], "Error: --register goes with civic report surveillance"),
    ])
    func badInputsGetOneClearLine(arguments: [String], message: String) throws {
        let sandbox = try Self.ledger()
        let result = try sandbox.run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: sandbox.folder + "/x"))
    }

    @Test func dashboardServesThePagesReadOnly() throws {
        let sandbox = try Self.ledger()
        let node = try ServedNode(sandbox, data: "civic-data")
        defer { node.stop() }
        func get(_ path: String) throws -> (status: String, body: String) {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            curl.arguments = ["curl", "-s", "-w", "\n%{http_code}", node.url + path]
            let output = try CivicSandbox.wait(for: curl).stdout
            let status = output.split(separator: "\n").last.map(String.init) ?? ""
            return (status, String(output.dropLast(status.count + 1)))
        }
        let index = try get("/")
        #expect(index.status == "200")
        #expect(index.body.contains("/reports/equity"))
        let equity = try get("/reports/equity?effective_on=2024-12-31")
        #expect(equity.status == "200")
        #expect(equity.body.contains("<svg"))
        #expect(equity.body.contains("/reports/funding?effective_on=2024-12-31"))
        let json = try JSONParser.parse(Array(try get("/reports/funding?format=json&effective_on=2024-12-31").body.utf8), profile: .general)
        #expect(json["total"] == .integer(400_000))
        // --as-of is the recording time: nothing here was recorded by 2024.
        let before = try JSONParser.parse(Array(try get("/reports/funding?format=json&as_of=2024-12-31").body.utf8), profile: .general)
        #expect(before["total"] == .integer(0))
        let bad = try get("/reports/equity?as_of=soon")
        #expect(bad.status == "400")
        #expect(bad.body.contains("as_of=soon is not a time"))
        #expect(try get("/reports/nothing").status == "404")
        #expect(try get("/reports/funding?currency=XYZ").status == "400")
    }
}
