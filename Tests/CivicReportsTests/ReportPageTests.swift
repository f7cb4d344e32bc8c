import CivicDomain
import CivicReports
import CivicTestSupport
import Foundation
import LedgerCore
import LedgerStore
import Testing

@Suite("HTML report pages")
struct ReportPageTests {
    static let chartKinds: [ReportKind] = [.funding, .equity, .surveillance, .vendors]
    static let csp = #"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'">"#

    @Test(arguments: ReportKind.allCases)
    func everyPageIsSelfContained(kind: ReportKind) throws {
        let ledger = try ReportLedger.smallCity()
        let context = try ledger.context()
        let page = ReportPage.render(kind, context: context)
        expectSelfContained(page)
        #expect(page.contains("<h1>\(kind.title)</h1>"))
        #expect(page.contains("civic report \(kind.rawValue) --currency USD --format json"))
        #expect(page.contains(#"aria-current="page">\#(kind.title)</a>"#))
        #expect(occurrences("<table>", in: page) == kind.tables(context).count)
        #expect(occurrences("<svg", in: page) == occurrences(#"<svg class="chart" role="img" aria-label=""#, in: page))
        #expect(occurrences("<svg", in: page) == occurrences(#"preserveAspectRatio="xMidYMid meet"><title>"#, in: page))
        if Self.chartKinds.contains(kind) { #expect(page.contains("<svg class=\"chart\"")) }
        #expect(!page.contains("No data yet"))
        #expect(!page.contains("NaN"))
    }

    @Test func ledgerTextIsEscaped() throws {
        let ledger = try ReportLedger.smallCity()
        let context = try ledger.context()
        let vendors = ReportPage.render(.vendors, context: context)
        #expect(vendors.contains("&lt;b&gt;&amp;&quot;"))
        let algorithms = ReportPage.render(.algorithms, context: context)
        #expect(algorithms.contains("the police&#39;s hotlist &lt;v2&gt;"))
        for page in ReportKind.allCases.map({ ReportPage.render($0, context: context) }) + [ReportPage.index(context: context)] {
            #expect(!page.contains("<b>"))
            #expect(!page.contains("<v2>"))
        }
    }

    /// `report all` makes the four reports the headlines quote once (equity and surveillance
    /// sharing one allocation of spend, on two cores) and renders every file from them: the same
    /// JSON and pages as each report made alone.
    @Test func reportsMadeOnceRenderAsEachMadeAlone() throws {
        let context = try ReportLedger.smallCity().context()
        let headlines = Headlines(context)
        #expect(!headlines.equity.districts.allSatisfy { $0.investment == 0 }, "the city allocates spend to districts")
        for kind in ReportKind.allCases {
            #expect(kind.json(context, reports: headlines) == kind.json(context), "\(kind)")
            #expect(ReportPage.render(kind, context: context, reports: headlines) == ReportPage.render(kind, context: context), "\(kind)")
        }
        #expect(ReportPage.index(context: context, headlines: headlines) == ReportPage.index(context: context))
    }

    @Test func indexLinksEveryReport() throws {
        let ledger = try ReportLedger.smallCity()
        let context = try ledger.context()
        let index = ReportPage.index(context: context)
        expectSelfContained(index)
        for kind in ReportKind.allCases {
            #expect(index.contains(#"<a class="card" href="\#(kind.rawValue).html">"#))
            #expect(index.contains(escaped(kind.summary)))
        }
        for line in Headlines(context).lines { #expect(index.contains(escaped(line))) }
        #expect(index.contains(#"href="index.html" aria-current="page""#))
    }

    @Test func servedPagesCarryTheQuery() throws {
        let ledger = try ReportLedger.smallCity()
        let context = try ledger.context()
        let page = ReportPage.render(.funding, context: context, query: "as_of=2024-01-01&currency=USD", links: .served)
        #expect(page.contains(#"href="/reports/equity?as_of=2024-01-01&amp;currency=USD""#))
        #expect(page.contains(#"href="/?as_of=2024-01-01&amp;currency=USD""#))
        #expect(!page.contains(".html\""))
        let index = ReportPage.index(context: context, links: .served)
        #expect(index.contains(#"href="/reports/algorithms""#))
        #expect(index.contains(#"href="/" aria-current="page""#))
        #expect(PageLinks.served.href(.vendors, query: "?known_at=5") == "/reports/vendors?known_at=5")
        #expect(PageLinks.files.href(.vendors, query: "known_at=5") == "vendors.html")
        #expect(PageLinks.files.href(nil) == "index.html")
    }

    @Test func theFilterIsShownAndReproducible() throws {
        let ledger = try ReportLedger.smallCity()
        let endOfDay = try #require(TimeFilter.instant("2024-01-01"))
        let context = try ledger.context(TimeFilter(asOf: endOfDay, effectiveOn: LedgerDate("2024-01-01")))
        let page = ReportPage.render(.equity, context: context)
        #expect(page.contains("as of 2024-01-01 (end of day, UTC), effective on 2024-01-01"))
        #expect(page.contains("civic report equity --as-of 2024-01-01 --effective-on 2024-01-01 --currency USD --format json"))
        #expect(ReportPage.render(.equity, context: try ledger.context()).contains("<dd>latest</dd>"))
    }

    @Test(arguments: ReportKind.allCases)
    func anEmptyLedgerSaysNoDataYet(kind: ReportKind) throws {
        let ledger = try ReportLedger()
        let context = try ledger.context()
        let page = ReportPage.render(kind, context: context)
        expectSelfContained(page)
        #expect(page.contains("No data yet"))
        #expect(!page.contains("<svg"))
        #expect(page.contains("No rows yet."))
        #expect(!page.contains("NaN"))
        expectSelfContained(ReportPage.index(context: context))
    }

    @Test func numbersAreRightAligned() throws {
        let ledger = try ReportLedger.smallCity()
        let page = ReportPage.render(.funding, context: try ledger.context())
        #expect(page.contains(#"<th scope="col" class="num">amount</th>"#))
        #expect(page.contains(#"<td class="num">60000.00</td>"#))
    }

    @Test func mapsDrawOneShapePerDistrictWithGeometry() throws {
        let ledger = try ReportLedger.smallCity()
        // Redefined with a shape; "port" keeps none.
        try ledger.district("north", population: 1000, need: 80, priority: true, geometry: ReportLedger.square(column: 0))
        try ledger.district("south", population: 3000, need: 20, geometry: ReportLedger.square(column: 1))
        let context = try ledger.context()
        for kind in [ReportKind.equity, .surveillance] {
            let page = ReportPage.render(kind, context: context)
            expectSelfContained(page)
            #expect(occurrences(#"<svg class="map""#, in: page) == 2, "\(kind)")
            #expect(occurrences(#"<path data-district="north""#, in: page) == 2, "\(kind)")
            #expect(occurrences(#"<path data-district="south""#, in: page) == 2, "\(kind)")
            #expect(!page.contains(#"data-district="port""#), "\(kind)")
            #expect(!page.contains("NaN"))
        }
        let equity = ReportPage.render(.equity, context: context)
        // North's need (80) is the highest: the darkest orange; south's (20) the lightest.
        #expect(equity.contains(#"<path data-district="north" d="M"#))
        #expect(equity.contains(##"fill="#a63603" fill-rule="evenodd"><title>North: 80</title>"##))
        #expect(equity.contains(##"fill="#feedde" fill-rule="evenodd"><title>South: 20</title>"##))
        // Without geometry, no map at all.
        #expect(!ReportPage.render(.equity, context: try ReportLedger.smallCity().context()).contains("<svg class=\"map\""))
    }

    @Test(arguments: chartKinds)
    func everyChartIsAlsoDrawnForAPhone(kind: ReportKind) throws {
        let page = ReportPage.render(kind, context: try ReportLedger.smallCity().context())
        let wide = occurrences(#"<div class="chart-wide"><svg class="chart" role="img" aria-label=""#, in: page)
        #expect(wide > 0)
        #expect(occurrences(#"<div class="chart-narrow"><svg class="chart" role="img" aria-label=""#, in: page) == wide)
        #expect(occurrences(#"viewBox="0 0 360 "#, in: page) == wide)
        #expect(occurrences(#"viewBox="0 0 640 "#, in: page) == wide)
    }

    @Test func servedPagesHaveTheTimeTravelForm() throws {
        let ledger = try ReportLedger.smallCity()
        let filter = TimeFilter(asOf: TimeFilter.instant("2024-01-01"), effectiveOn: LedgerDate("2024-12-31"))
        let context = try ledger.context(filter, currency: "USD")
        let page = ReportPage.render(.surveillance, context: context, query: "as_of=2024-01-01&effective_on=2024-12-31&currency=USD", links: .served)
        expectSelfContained(page)
        #expect(page.contains(#"<form class="time-travel" method="get" action="/reports/surveillance">"#))
        #expect(page.contains(#"<input type="text" name="as_of" value="2024-01-01""#))
        #expect(page.contains(#"<input type="text" name="known_at" value="""#))
        #expect(page.contains(#"<input type="date" name="effective_on" value="2024-12-31">"#))
        #expect(page.contains(#"<input type="hidden" name="currency" value="USD">"#))
        #expect(page.contains(#"<a href="/reports/surveillance?currency=USD">back to now</a>"#))
        #expect(page.contains("as of 2024-01-01 (end of day, UTC), effective on 2024-12-31"))
        // The register's systems link to their histories, keeping the filter.
        #expect(page.contains(#"<a href="/systems/cams?as_of=2024-01-01&amp;effective_on=2024-12-31&amp;currency=USD">cams</a>"#))
        #expect(page.contains(#"href="/health?as_of=2024-01-01&amp;effective_on=2024-12-31&amp;currency=USD""#))
        #expect(ReportPage.render(.equity, context: try ledger.context(), links: .served).contains("Showing the ledger as it is now."))
        // Files have no form (nothing would answer it) and no history links.
        let file = ReportPage.render(.surveillance, context: context)
        #expect(!file.contains("<form"))
        #expect(!file.contains("/systems/"))
        #expect(PageLinks.served.system("a b/ç") == "/systems/a%20b%2F%C3%A7")
    }

    @Test func aSystemsHistoryListsTheFindingsThatNameItsEvents() throws {
        let ledger = try ReportLedger.smallCity()
        // Another office's decision, received: a cost on "lights" dated before its procurement.
        ledger.clock += 1000
        let early = try ledger.city.recordUnchecked(
            "it", "cost.incurred", "2023-06-01", #"{"system":"lights","amount":500,"currency":"USD","category":"capital","source":"bond"}"#)
        let store = ledger.opened.store
        let history = try SystemHistory.load(from: store, system: "lights")
        let findings = try CityState.load(from: store, filter: .none).findings
        #expect(findings.contains { $0.kind == .costBeforeProcurement })
        let page = DashboardPage.systemHistory(history, findings: findings, city: "testville", node: "it", filter: .none, query: "")
        expectSelfContained(page)
        #expect(page.contains("Findings (1)"))
        #expect(page.contains("<th scope=\"row\">cost-before-procurement</th>"))
        #expect(page.contains("it#\(early.envelope.seq)"))
        // Another system's history lists none.
        let other = DashboardPage.systemHistory(
            try SystemHistory.load(from: store, system: "cams"), findings: findings, city: "testville", node: "it", filter: .none, query: "")
        #expect(other.contains("No finding names these events."))
    }

    // MARK: - In a real browser

    @Test(
        .disabled(if: ProcessInfo.processInfo.environment["CIVIC_SKIP_BROWSER"] == "1", "CIVIC_SKIP_BROWSER=1"),
        .timeLimit(.minutes(5)))  // a hang, not a speed: ten Chromium starts on a loaded 2-core machine took over a minute
    func pagesLoadInHeadlessChromium() async throws {
        let executable = try #require(
            Chromium.find(),
            "Chromium not found on PATH (chromium, chromium-browser, google-chrome) nor in CIVIC_CHROMIUM: install it, or set CIVIC_SKIP_BROWSER=1")
        let ledger = try ReportLedger.smallCity()
        let context = try ledger.context()
        let keep = ProcessInfo.processInfo.environment["CIVIC_REPORT_PAGES"]
        let temporary = try TemporaryFolder("civic-pages")
        defer { withExtendedLifetime(temporary) {} }
        let folder = keep ?? temporary.path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let chromium = Chromium(executable: executable, scratch: folder + "/.profiles")
        defer { try? FileManager.default.removeItem(atPath: folder + "/.profiles") }

        var pages: [(name: String, kind: ReportKind?, text: String)] = [("index", nil, ReportPage.index(context: context))]
        pages += ReportKind.allCases.map { ($0.rawValue, $0, ReportPage.render($0, context: context)) }
        for page in pages { try page.text.write(toFile: "\(folder)/\(page.name).html", atomically: true, encoding: .utf8) }

        for page in pages {
            let run = try await chromium.run(["--dump-dom", "file://\(folder)/\(page.name).html"])
            #expect(run.status == 0, "chromium exited with \(run.status) on \(page.name).html")
            #expect(run.problems.isEmpty, "\(page.name).html: \(run.problems.joined(separator: "\n"))")
            #expect(run.stdout.contains("<h1>"), "\(page.name).html: no <h1> in the DOM")
            if let kind = page.kind {
                #expect(run.stdout.contains("<table>"), "\(page.name).html: no <table> in the DOM")
                if Self.chartKinds.contains(kind) {
                    #expect(run.stdout.contains(#"<svg class="chart" role="img""#), "\(page.name).html: no chart in the DOM")
                    #expect(run.stdout.contains("</rect>") || run.stdout.contains("<rect "), "\(page.name).html: a chart without bars")
                }
            } else {
                #expect(occurrences(#"<a class="card""#, in: run.stdout) == ReportKind.allCases.count)
            }
        }

        let screenshot = "\(folder)/equity.png"
        let shot = try await chromium.run([
            "--screenshot=\(screenshot)", "--window-size=1280,1600", "--hide-scrollbars", "file://\(folder)/equity.html",
        ])
        #expect(shot.status == 0)
        #expect(shot.problems.isEmpty, "equity.html: \(shot.problems.joined(separator: "\n"))")
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(png.count > 20_000, "the screenshot is only \(png.count) bytes")

        // The check would see a violation: a page that loads an image from a file breaks the policy.
        let broken = pages[1].text.replacingOccurrences(of: "<main>", with: #"<main><img src="missing.png" alt="">"#)
        try broken.write(toFile: "\(folder)/broken.html", atomically: true, encoding: .utf8)
        let control = try await chromium.run(["--dump-dom", "file://\(folder)/broken.html"])
        #expect(!control.problems.isEmpty, "a Content-Security-Policy violation went unnoticed")
        try FileManager.default.removeItem(atPath: "\(folder)/broken.html")
    }

    private func expectSelfContained(_ page: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"), sourceLocation: sourceLocation)
        #expect(page.hasSuffix("</html>\n"), sourceLocation: sourceLocation)
        #expect(page.contains(Self.csp), sourceLocation: sourceLocation)
        #expect(page.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#), sourceLocation: sourceLocation)
        #expect(!page.lowercased().contains("<script"), sourceLocation: sourceLocation)
        #expect(!page.contains("http://") && !page.contains("https://"), sourceLocation: sourceLocation)
        #expect(page.contains("@media print"), sourceLocation: sourceLocation)
        #expect(occurrences("<div class=\"table-wrap\"", in: page) == occurrences("<table>", in: page), sourceLocation: sourceLocation)
    }
}

private func occurrences(_ needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}

private func escaped(_ text: String) -> String {
    [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\"", "&quot;"), ("'", "&#39;")].reduce(text) {
        $0.replacingOccurrences(of: $1.0, with: $1.1)
    }
}

/// Headless Chromium, run once per page with its own throwaway profile.
private struct Chromium {
    let executable: String
    let scratch: String

    struct Run {
        let status: Int32
        let stdout: String
        /// The log lines that say the page did not load cleanly: CSP violations, failed loads,
        /// script errors, console messages.
        let problems: [String]
    }

    static let problemMarkers = ["Refused to", "Failed to load", "Uncaught", "CONSOLE(", ":CONSOLE", "Content Security Policy", "net::ERR_"]

    static func find() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["CIVIC_CHROMIUM"], FileManager.default.isExecutableFile(atPath: path) { return path }
        let folders = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") { return "\(folder)/\(name)" }
        }
        return nil
    }

    func run(_ arguments: [String], timeout: Duration = .seconds(20)) async throws -> Run {
        let id = UUID().uuidString
        let profile = "\(scratch)/\(id)"
        let out = "\(scratch)/\(id).out", err = "\(scratch)/\(id).err"
        try FileManager.default.createDirectory(atPath: profile, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--user-data-dir=\(profile)", "--enable-logging=stderr", "--v=0",
            ] + arguments
        process.standardInput = FileHandle.nullDevice
        let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                Issue.record("chromium took longer than \(timeout): \(arguments.joined(separator: " "))")
                break
            }
            try await Task.sleep(for: .milliseconds(40))
        }
        process.waitUntilExit()
        let stdout = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        let problems = stderr.split(separator: "\n").map(String.init).filter { line in Self.problemMarkers.contains { line.contains($0) } }
        return Run(status: process.terminationStatus, stdout: stdout, problems: problems)
    }
}

extension ReportLedger {
    /// Three districts, three systems from three vendors (one named `<b>&"`), costs over two years
    /// from four sources, a high-risk camera assessment, a target and an algorithm.
    static func smallCity() throws -> ReportLedger {
        let ledger = try ReportLedger()
        try ledger.district("north", population: 1000, need: 80, priority: true)
        try ledger.district("port", population: 0, need: 50)
        try ledger.district("south", population: 3000, need: 20)
        try ledger.system("lights", value: 5_000_000, vendor: "Lumen")
        try ledger.system("cams", value: 1_000_000, category: "cameras", vendor: #"<b>&\""#, portable: false, open: false, exit: false)
        try ledger.system("app", value: 0, category: "app", vendor: "Civic Apps")
        try ledger.deploy("lights", "north", units: 1)
        try ledger.deploy("lights", "south", units: 3)
        try ledger.deploy("lights", "port", units: 4)
        try ledger.deploy("cams", "north", units: 5)
        try ledger.cost("lights", 600_000, source: "general-fund", category: "capital", on: "2024-02-01")
        try ledger.cost("lights", 200_000, source: "bond", on: "2024-03-01")
        try ledger.cost("lights", 300_000, source: "grant", on: "2025-03-01")
        try ledger.cost("lights", 400_000, source: "vendor-subsidy", on: "2025-04-01")
        try ledger.cost("cams", 4_000_000, category: "professional-services", on: "2025-05-01")
        try ledger.cost("app", 500_000, source: "fees", on: "2025-06-01")
        try ledger.record(
            "surveillance.assessed",
            #"""
            {"system":"cams","data_types":["video","biometrics"],"retention_days":90,"sharing":["police"],"automated_decisions":false,
             "districts":["south"],"risk":"high"}
            """#)
        try ledger.record(
            "policy.target-declared",
            #"""
            {"target":"fair-lights","title":"A third of the lights to priority districts","metric":"priority-district-share",
             "comparison":"at-least","threshold_bps":3333,"categories":["streetlights"]}
            """#)
        try ledger.record(
            "algorithm.registered",
            #"""
            {"algorithm":"hotlist","system":"cams","name":"Hotlist matching","purpose":"Match plates against the police's hotlist <v2>",
             "decision_process":"Alerts go to an officer, who decides whether to stop the car.",
             "human_oversight":"An officer confirms every match by eye before acting on it.","data_sources":["plates","hotlist"],
             "risks":"False matches; stops of the wrong driver.","risk_category":"high","status":"in-use","contact":"it@testville.gov"}
            """#, on: "2024-02-01")
        return ledger
    }
}
