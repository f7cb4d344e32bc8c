import Foundation
import LedgerCore
import Testing

/// The dashboard of a real `civic serve` on 127.0.0.1: time travel, one system's history with its
/// proofs, what changed, the node's health, maps, error pages, and the pages in headless Chromium
/// at a desktop and a phone width.
@Suite("The dashboard of civic serve", .serialized)
struct DashboardEndToEndTests {
    struct Ledger {
        let sandbox: CivicSandbox
        /// A time between the import and the correction (YYYY-MM-DDTHH:MM:SSZ).
        let before: String
        /// The capital cost's id, and its correction's.
        let corrected: String
        let correction: String
    }

    /// The transport sample, its three districts redefined with shapes, and its capital cost
    /// corrected a whole second after `before`.
    static func ledger() throws -> Ledger {
        let sandbox = try VocabularyCommandTests.sampleLedger()
        for (index, district) in ["riverside", "old-town", "hillcrest"].enumerated() {
            let west = -79_600_000 + index * 13_000, east = west + 13_000
            let ring = "[[\(west),44200000],[\(east),44200000],[\(east),44209000],[\(west),44209000],[\(west),44200000]]"
            let body = #"{"district":"\#(district)","name":"\#(district.capitalized)","population":\#(10_000 * (index + 1)),"need_index":\#(80 - 30 * index),"priority":\#(index == 0),"geometry":{"type":"Polygon","coordinates":[\#(ring)]}}"#
            let recorded = try sandbox.run(["record", "district.defined", "--json", "-", "--effective", "2024-01-01"], stdin: body)
            try #require(recorded.status == 0, "\(recorded.stderr)")
        }
        let correction = try VocabularyCommandTests.correctCapitalCost(sandbox)
        return Ledger(sandbox: sandbox, before: correction.before, corrected: correction.corrected, correction: correction.correction)
    }

    /// GET `url`: status, content type and body.
    static func get(_ url: String) throws -> (status: Int, type: String, body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-w", "\n%{http_code} %{content_type}", url]
        let output = try CivicSandbox.wait(for: process).stdout
        let last = output.split(separator: "\n").last.map(String.init) ?? ""
        let parts = last.split(separator: " ", maxSplits: 1).map(String.init)
        return (Int(parts.first ?? "") ?? 0, parts.count > 1 ? parts[1] : "", String(output.dropLast(last.count + 1)))
    }

    @Test func aSystemsHistoryShowsTheCorrectionAndItsProofVerifies() throws {
        let ledger = try Self.ledger()
        let node = try ServedNode(ledger.sandbox, data: "civic-data")
        defer { node.stop() }
        let page = try Self.get(node.url + "/systems/lpr-2024")
        #expect(page.status == 200)
        #expect(page.type.hasPrefix("text/html"))
        // Both the corrected event and its correction, each marked, in citywide order.
        #expect(page.body.contains(#"title="\#(ledger.corrected)">\#(ledger.corrected.prefix(12))</code>"#))
        #expect(page.body.contains(#"title="\#(ledger.correction)">\#(ledger.correction.prefix(12))</code>"#))
        #expect(page.body.contains(#"<span class="badge badge-missed">corrected</span> by <code title="\#(ledger.correction)""#))
        #expect(page.body.contains(#"<span class="badge badge-other">correction</span> of <code title="\#(ledger.corrected)""#))
        let corrected = try #require(page.body.range(of: "id=\"e-\(ledger.corrected.prefix(16))\""))
        let correction = try #require(page.body.range(of: "id=\"e-\(ledger.correction.prefix(16))\""))
        #expect(corrected.lowerBound < correction.lowerBound)
        // The corrected event's proof link returns a proof `civic proof verify` accepts under the office key.
        let row = String(page.body[corrected.lowerBound...].prefix { $0 != "\n" })
        let link = try #require(row.range(of: #"<a href="(/v1/logs/[^"]+)">proof</a>"#, options: .regularExpression))
        let href = String(row[link]).replacingOccurrences(of: "<a href=\"", with: "").replacingOccurrences(of: "\">proof</a>", with: "")
        let proof = try Self.get(node.url + href.replacingOccurrences(of: "&amp;", with: "&"))
        #expect(proof.status == 200, "\(href): \(proof.body)")
        let key = try ledger.sandbox.run(["key", "show"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let verified = try ledger.sandbox.run(["proof", "verify", "--key", key], stdin: proof.body)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("inclusion proof verified"))
        // Under a filter from before the correction, the history holds no correction.
        let earlier = try Self.get(node.url + "/systems/lpr-2024?as_of=\(ledger.before)")
        #expect(earlier.status == 200)
        #expect(!earlier.body.contains(ledger.correction))
        #expect(earlier.body.contains(#"<input type="text" name="as_of" value="\#(ledger.before)""#))
        // Linked from the surveillance register, keeping the filter.
        let register = try Self.get(node.url + "/reports/surveillance?effective_on=2025-12-31")
        #expect(register.body.contains(#"<a href="/systems/lpr-2024?effective_on=2025-12-31">lpr-2024</a>"#))
    }

    @Test func whatChangedIsCivicDiff() throws {
        let ledger = try Self.ledger()
        let node = try ServedNode(ledger.sandbox, data: "civic-data")
        defer { node.stop() }
        let page = try Self.get(node.url + "/changes?from=\(ledger.before)&to=2100-01-01&by=recorded")
        #expect(page.status == 200)
        let diff = try ledger.sandbox.run(["diff", "--from", ledger.before, "--to", "2100-01-01", "--format", "json"])
        let changes = diff.stdout.split(separator: "\n")
        #expect(!changes.isEmpty)
        #expect(page.body.contains(">\(changes.count) changes from "))
        #expect(page.body.contains(#"<th scope="row" class="wrap">systems[lpr-2024].cost.total</th><td>changed</td><td class="wrap">16800000</td><td class="wrap">16300000</td>"#))
        #expect(try Self.get(node.url + "/changes").body.contains("Pick two points in time"))
    }

    @Test func theHealthPageShowsLogsKeysAndSyncRounds() throws {
        let ledger = try Self.ledger()
        // A round with a peer that is not there is kept, with why.
        let failed = try ledger.sandbox.run(["sync", "http://127.0.0.1:9"])
        #expect(failed.status != 0)
        let node = try ServedNode(ledger.sandbox, data: "civic-data")
        defer { node.stop() }
        let page = try Self.get(node.url + "/health")
        #expect(page.status == 200)
        let key = try ledger.sandbox.run(["key", "show"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(page.body.contains(">\(key)</td><td>in use</td>"))
        #expect(page.body.contains(#"<th scope="row">transport</th><td class="num">13</td>"#), "13 events: 9 imported, 3 districts, 1 correction")
        #expect(page.body.contains(#"<th scope="row">http://127.0.0.1:9</th>"#))
        #expect(page.body.contains("<td>failed</td>"))
        #expect(page.body.contains("No fork evidence held"))
    }

    @Test func badRequestsGetAPageNotATrace() throws {
        let ledger = try Self.ledger()
        let node = try ServedNode(ledger.sandbox, data: "civic-data")
        defer { node.stop() }
        for (path, status, says) in [
            ("/reports/equity?as_of=yesterday", 400, "as_of=yesterday is not a time"),
            ("/reports/equity?effective_on=2024-13-01", 400, "effective_on=2024-13-01 is not a date"),
            ("/reports/equity?currency=XYZ", 400, "XYZ is not a currency"),
            ("/reports/budget", 404, "There is no report budget"),
            ("/systems/nope", 404, "No events about a system nope are held here."),
            ("/systems/lpr-2024?as_of=2000-01-01", 404, "System lpr-2024 has no events under this filter"),
            ("/changes?from=2024-01-01", 400, "Give both from and to"),
            ("/changes?from=2024-01-01&to=2025-01-01&by=sideways", 400, "by=sideways is not recorded or known."),
            ("/nothing/here", 404, "There is no page at /nothing/here."),
        ] {
            let answer = try Self.get(node.url + path)
            #expect(answer.status == status, "\(path)")
            #expect(answer.type.hasPrefix("text/html"), "\(path): \(answer.type)")
            #expect(answer.body.hasPrefix("<!DOCTYPE html>"), "\(path)")
            #expect(answer.body.contains("<h1>\(status) "), "\(path)")
            #expect(answer.body.contains(says), "\(path): \(answer.body.suffix(600))")
            #expect(!answer.body.contains("Error("), "\(path)")
            #expect(!answer.body.contains(".swift"), "\(path)")
        }
        // The API keeps its JSON errors.
        let api = try Self.get(node.url + "/v1/logs/transport/proof/inclusion")
        #expect(api.status == 400)
        #expect(!api.type.hasPrefix("text/html"))
    }

    @Test(
        .disabled(if: ProcessInfo.processInfo.environment["CIVIC_SKIP_BROWSER"] == "1", "CIVIC_SKIP_BROWSER=1"),
        .timeLimit(.minutes(6)))
    func everyPageWorksInChromiumOnADesktopAndAPhone() throws {
        let ledger = try Self.ledger()
        let node = try ServedNode(ledger.sandbox, data: "civic-data")
        defer { node.stop() }
        let pages = ["/", "/reports/funding", "/reports/equity", "/reports/surveillance", "/reports/vendors", "/reports/algorithms", "/reports/findings",
            "/systems/lpr-2024", "/changes?from=2024-01-01&to=2100-01-01", "/health"]
        var visits: [JSONValue] = pages.map { path in
            .object([("path", .string(path)), ("count", .array([.string("svg.map path[data-district]"), .string("form.time-travel")]))])
        }
        // The time-travel form, submitted as a person would: the figures become those of `civic report --as-of`.
        visits.append(.object([
            ("path", .string("/reports/funding")), ("fill", .object([("as_of", .string(ledger.before))])),
            ("text", .array([.string(".figure-value"), .string(".in-force")])),
        ]))
        visits.append(.object([("path", .string("/reports/funding")), ("text", .array([.string(".figure-value")]))]))
        let script = try ledger.sandbox.write("pages.json", String(decoding: try CanonicalJSON.encode(.array(visits)), as: UTF8.self))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", CivicSandbox.packageRoot.appendingPathComponent("Tools/check-pages.py").path, "--base", node.url, script]
        let run = try CivicSandbox.wait(for: process)
        try #require(run.status == 0, "\(run.stderr)")
        let results = try run.stdout.split(separator: "\n").map { try JSONParser.parse(Array($0.utf8), profile: .general) }
        #expect(results.count == visits.count * 2)
        for result in results {
            let name = "\(result["path"]?.stringValue ?? "?") at \(result["width"]?.integerValue ?? 0) px"
            #expect(result["status"]?.integerValue == 200, "\(name)")
            #expect(result["errors"]?.arrayValue?.isEmpty == true, "\(name): \(result["errors"].map { "\($0)" } ?? "")")
            let scroll = result["scroll_width"]?.integerValue ?? .max, viewport = result["viewport_width"]?.integerValue ?? 0
            #expect(scroll <= viewport, "\(name) scrolls sideways: \(scroll) > \(viewport)")
            if let counts = result["counts"]?.objectValue, !counts.isEmpty {
                #expect(result["counts"]?["form.time-travel"]?.integerValue == 1, "\(name): no time-travel form")
                let shapes = result["counts"]?["svg.map path[data-district]"]?.integerValue
                let path = result["path"]?.stringValue ?? ""
                // One shape per district with geometry, on each of the page's two maps.
                #expect(shapes == (path.hasPrefix("/reports/equity") || path.hasPrefix("/reports/surveillance") ? 6 : 0), "\(name)")
            }
        }
        let report = try JSONParser.parse(
            Array(try ledger.sandbox.run(["report", "funding", "--as-of", ledger.before, "--format", "json"]).stdout.utf8), profile: .general)
        let total = try #require(report["total"]?.integerValue)
        #expect(total == 16_800_000)
        func spent(_ result: JSONValue) -> String? { result["texts"]?[".figure-value"]?.arrayValue?.first?.stringValue }
        let submitted = results.filter { $0["texts"]?[".in-force"] != nil }
        #expect(submitted.count == 2)
        for result in submitted {
            #expect(spent(result) == "168,000.00", "\(result)")
            #expect(result["url"]?.stringValue?.contains("as_of=\(ledger.before.replacingOccurrences(of: ":", with: "%3A"))") == true, "\(result)")
            #expect(result["texts"]?[".in-force"]?.arrayValue?.first?.stringValue?.contains("as of \(ledger.before)") == true, "\(result)")
        }
        // Without the filter: the correction and the later cost are in.
        let latest = results.filter { $0["texts"]?[".figure-value"] != nil && $0["texts"]?[".in-force"] == nil }
        #expect(latest.count == 2)
        #expect(latest.allSatisfy { spent($0) == "163,000.00" }, "\(latest)")
    }
}
