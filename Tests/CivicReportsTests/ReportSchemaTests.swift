import CivicDomain
import CivicReports
import CivicTestSupport
import Foundation
import LedgerCore
import Testing

/// The reports' `--format json` output against `Protocol/schemas/reports/` (checked by `Tools/check-schemas.py --reports`).
@Suite("Report JSON against the report schemas")
struct ReportSchemaTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs `Tools/check-schemas.py` with `arguments`; its exit status and its output (stdout and stderr).
    static func checkSchemas(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", packageRoot.appendingPathComponent("Tools/check-schemas.py").path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }


    /// Every report's JSON and the headlines, as `civic report all --format json --out DIR` writes them.
    static func reports(_ context: ReportContext) throws -> [(name: String, json: JSONValue)] {
        ReportKind.allCases.map { ($0.rawValue, $0.json(context)) } + [("headlines", Headlines(context).json)]
    }

    /// Writes the reports into a fresh folder (pretty or canonical), runs the check, and expects it to pass.
    static func expectValid(_ context: ReportContext, canonical: Bool = false) throws {
        let folder = try TemporaryFolder("civic-report-json")
        let reports = try Self.reports(context)
        for (name, json) in reports {
            let text = canonical ? String(decoding: try CanonicalJSON.encode(json), as: UTF8.self) : try json.prettyPrinted()
            try folder.write(name + ".json", text)
        }
        let result = try checkSchemas(["--reports", folder.path, "-v"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.hasSuffix("\(reports.count) passed, 0 failed\n"), "\(result.output)")
    }

    /// A ledger with something in every report: districts (one without residents), systems (one with a zero-value
    /// contract, one amended below zero, one retired, one in another currency), costs, deployments, an assessment,
    /// targets and algorithms.
    static func fullLedger() throws -> ReportLedger {
        let ledger = try ReportLedger()
        try ledger.district("north", population: 1000, need: 80, priority: true)
        try ledger.district("south", population: 3000, need: 20)
        try ledger.district("east", population: 2000, need: 20)
        try ledger.district("port", population: 0, need: 50)
        try ledger.system("lights", value: 5000, vendor: "Lumen")
        try ledger.system("cams", value: 1000, category: "cameras", vendor: "Vigil", portable: false, open: false, exit: false)
        try ledger.system("lpr", value: 0, category: "licence-plate-readers", vendor: "Gratis", exit: false)
        try ledger.system("app", value: 300, category: "app", vendor: "Appworks")
        try ledger.system("old-cams", value: 700, category: "cameras", vendor: "Vigil")
        try ledger.system("tram", value: 9000, category: "traffic", vendor: "Tramco", currency: "EUR")
        try ledger.deploy("lights", "north", units: 3)
        try ledger.deploy("lights", "south", units: 1)
        try ledger.deploy("lights", "east", units: 1)
        try ledger.deploy("lights", "port", units: 2)
        try ledger.deploy("cams", "north", units: 5)
        try ledger.deploy("old-cams", "south", units: 2)
        try ledger.cost("lights", 7001, category: "capital", on: "2024-02-01")
        try ledger.cost("lights", 1203, source: "bond", category: "hardware-refresh", on: "2025-03-01")
        try ledger.cost("cams", 4000, source: "grant", category: "professional-services", on: "2024-05-01")
        try ledger.cost("cams", 1333, source: "vendor-subsidy", category: "licence", on: "2025-01-01")
        try ledger.cost("lpr", 2000, source: "fees", category: "licence", on: "2025-06-01")
        try ledger.cost("app", 999, source: "utility-surcharge", category: "data", on: "2025-07-01")
        try ledger.cost("old-cams", 650, category: "maintenance", on: "2024-08-01")
        try ledger.cost("tram", 9999, category: "capital", on: "2024-09-01", currency: "EUR")
        try ledger.record(
            "contract.amended", #"{"system":"app","value_change":-400,"currency":"USD","reason":"Scope cut"}"#, on: "2024-04-01")
        try ledger.record(
            "surveillance.assessed",
            #"""
            {"system":"cams","data_types":["video","biometrics"],"retention_days":90,"sharing":["police","vendor"],"automated_decisions":true,
             "districts":["east"],"communities":["Night workers"],"risk":"high","mitigations":["Signage"],"use_policy":"Policy 12","notes":"Reviewed yearly."}
            """#, on: "2024-03-01")
        try ledger.record(
            "surveillance.assessed",
            #"{"system":"old-cams","data_types":["video"],"retention_days":30,"sharing":[],"automated_decisions":false,"districts":[],"risk":"medium"}"#,
            on: "2024-03-02")
        try ledger.record("system.retired", #"{"system":"old-cams","reason":"Council vote"}"#, on: "2025-01-31")
        try ledger.record(
            "policy.target-declared",
            #"{"target":"fair-lights","title":"A third to priority districts","metric":"priority-district-share","comparison":"at-least","threshold_bps":3333,"categories":["streetlights"]}"#
        )
        try ledger.record(
            "policy.target-declared",
            #"{"target":"fair-traffic","title":"Traffic","metric":"priority-district-share","comparison":"at-most","threshold_bps":5000,"categories":["traffic"]}"#
        )
        try ledger.record(
            "algorithm.registered",
            #"""
            {"algorithm":"hotlist","system":"lpr","name":"Hotlist matching","purpose":"Match plates, against a hotlist","decision_process":"Alerts to officers",
             "human_oversight":"An officer confirms","data_sources":["plates","hotlist"],"risks":"False matches","risk_category":"high","status":"pilot","contact":"it@testville.gov"}
            """#, on: "2024-02-01")
        try ledger.record("algorithm.updated", #"{"algorithm":"hotlist","status":"in-use"}"#, on: "2024-03-01")
        try ledger.record(
            "algorithm.registered",
            #"""
            {"algorithm":"triage","name":"Pothole triage","purpose":"Order repairs","decision_process":"Ranks reports","human_oversight":"Crew lead reviews",
             "data_sources":["reports"],"risks":"Bias to areas that report more","risk_category":"limited","status":"in-development","contact":"roads@testville.gov"}
            """#, on: "2024-04-01")
        try ledger.record("algorithm.retired", #"{"algorithm":"triage","reason":"Replaced"}"#, on: "2025-02-01")
        return ledger
    }

    @Test func theDefaultRunChecksTheReportSchemas() throws {
        let result = try Self.checkSchemas(["-v"])
        #expect(result.status == 0, "\(result.output)")
        for name in ["report-common", "funding", "equity", "surveillance", "vendors", "algorithms", "headlines"] {
            #expect(result.output.contains("ok   Protocol/schemas/reports/\(name).schema.json"), "\(result.output)")
        }
    }

    @Test func anEmptyLedgerIsValid() throws {
        let ledger = try ReportLedger()
        let context = try ledger.context()
        #expect(context.currency == nil)
        try Self.expectValid(context)
        try Self.expectValid(try ledger.context(currency: "JPY"), canonical: true)
    }

    @Test func aFullLedgerIsValid() throws {
        let ledger = try Self.fullLedger()
        let context = try ledger.context(currency: "USD")
        // The values the schemas are strictest about are really there: nulls, fractions, a negative contract value.
        let equity = EquityReport(context)
        #expect(equity.districts.contains { $0.investmentPerCapita == nil })
        #expect(equity.concentrationIndex.map { $0 != $0.rounded() } == true)
        #expect(equity.targets.map(\.verdict) == [.met, .noData])
        let vendors = VendorReport(context)
        #expect(vendors.vendors.contains { $0.multiplier == nil })
        #expect(vendors.vendors.contains { $0.contractValue < 0 })
        #expect(vendors.vendors.contains { $0.multiplier.map { $0 != $0.rounded() } == true })
        let surveillance = SurveillanceReport(context)
        #expect(surveillance.register.contains { $0.record.retiredOn != nil })
        #expect(surveillance.unassessed == ["lpr"])
        #expect(AlgorithmRegister(context).entries.map(\.status) == ["in-use", "retired"])
        #expect(context.otherCurrencySystems == ["tram"])
        try Self.expectValid(context)
        try Self.expectValid(context, canonical: true)
        try Self.expectValid(try ledger.context(currency: "EUR"))

        // Every time option given: the filter's members are numbers and a date rather than nulls.
        let filtered = try ledger.context(
            TimeFilter(asOf: ledger.clock - 20_000, knownAt: ledger.clock, effectiveOn: LedgerDate("2024-12-31")), currency: "USD")
        #expect(FundingReport(filtered).json["filter"]?["effective_on"] == .string("2024-12-31"))
        try Self.expectValid(filtered)
    }

    /// Replaces the first member named `key` found depth first (objects in order, then arrays).
    static func replacing(_ key: String, with replacement: JSONValue?, in value: JSONValue) -> (JSONValue, Bool) {
        switch value {
        case .object(let members):
            if let index = members.firstIndex(where: { $0.0 == key }) {
                var changed = members
                if let replacement { changed[index].1 = replacement } else { changed.remove(at: index) }
                return (.object(changed), true)
            }
            for (index, member) in members.enumerated() {
                let (inner, done) = replacing(key, with: replacement, in: member.1)
                if done {
                    var changed = members
                    changed[index].1 = inner
                    return (.object(changed), true)
                }
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                let (inner, done) = replacing(key, with: replacement, in: element)
                if done {
                    var changed = elements
                    changed[index] = inner
                    return (.array(changed), true)
                }
            }
        default: break
        }
        return (value, false)
    }

    @Test(
        arguments: [
            ("funding", "share_bps", JSONValue.string("1250"), "is not of type"),  // a share as a string
            ("equity", "share_bps", JSONValue.integer(10_001), "greater than the maximum"),  // more than 100 %
            ("funding", "total", nil, "'total' is a required property"),  // a member left out
            ("vendors", "multiplier", JSONValue.string("6x"), "is not valid under any of the given schemas"),
            ("algorithms", "standard", JSONValue.string("ats"), "was expected"),
            ("headlines", "hhi", JSONValue.integer(-1), "less than the minimum of 0"),
        ] as [(String, String, JSONValue?, String)])
    func aBrokenReportFails(report: String, member: String, replacement: JSONValue?, message: String) throws {
        let ledger = try Self.fullLedger()
        let context = try ledger.context(currency: "USD")
        let original = try #require(try Self.reports(context).first { $0.name == report }?.json)
        let (broken, done) = Self.replacing(member, with: replacement, in: original)
        #expect(done)
        let folder = try TemporaryFolder("civic-report-json")
        try folder.write(report + ".json", try broken.prettyPrinted())
        let result = try Self.checkSchemas(["--reports", folder.path])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("FAIL \(folder.path)/\(report).json: "), "\(result.output)")
        #expect(result.output.contains(message), "\(result.output)")
        #expect(result.output.hasSuffix("0 passed, 1 failed\n"), "\(result.output)")
    }

    @Test func theStrictReadingRefusesWhatASwiftReportNeverWrites() throws {
        let ledger = try Self.fullLedger()
        let text = try FundingReport(try ledger.context(currency: "USD")).json.prettyPrinted()
        let folder = try TemporaryFolder("civic-report-json")
        // An integer written with a fraction is a number, not an integer; an extra member; a stray JSON file.
        try folder.write("funding.json", text.replacingOccurrences(of: "\"events\": ", with: "\"events\": 1.0, \"extra\": "))
        try folder.write("notes.json", "{}")
        let result = try Self.checkSchemas(["--reports", folder.path])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("events: Decimal('1.0') is not of type 'integer'"), "\(result.output)")
        #expect(result.output.contains("Additional properties are not allowed ('extra' was unexpected)"), "\(result.output)")
        #expect(result.output.contains("notes.json: not named NAME.json for a report"), "\(result.output)")
    }
}
