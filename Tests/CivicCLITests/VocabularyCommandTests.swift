import Foundation
import LedgerCore
import Testing

@Suite("civic: vocabulary, state, history, diff")
struct VocabularyCommandTests {
    static func sampleLedger() throws -> CivicSandbox {
        let sandbox = try LedgerCommandTests.initialized()
        let sample = CivicSandbox.packageRoot.appendingPathComponent("Tools/samples/transport.jsonl").path
        let imported = try sandbox.run(["import", sample])
        #expect(imported.status == 0, "\(imported.stderr)")
        return sandbox
    }

    static func python(_ arguments: [String], stdin: String? = nil) throws -> CivicSandbox.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", CivicSandbox.packageRoot.appendingPathComponent("Tools/check-schemas.py").path] + arguments
        let result = try CivicSandbox.wait(for: process, stdin: stdin)
        return CivicSandbox.Result(status: result.status, stdout: result.stdout + result.stderr, stderr: "")
    }

    @Test func recordWithFieldOptionsAndReadState() throws {
        let sandbox = try Self.sampleLedger()
        let recorded = try sandbox.run([
            "record", "cost.incurred", "--system", "lpr-2024", "--amount", "120000.00", "--currency", "USD", "--source", "general-fund",
            "--category", "maintenance", "--effective", "2026-03-01",
        ])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let state = try sandbox.run(["state", "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(state.stdout.utf8)) as? [String: Any])
        let systems = try #require(json["systems"] as? [[String: Any]])
        let lpr = try #require(systems.first { $0["system"] as? String == "lpr-2024" })
        let cost = try #require(lpr["cost"] as? [String: Any])
        #expect(cost["total"] as? Int == 12_000_000 + 4_800_000 + 12_000_000)
        #expect((lpr["deployments"] as? [String: Int])?["riverside"] == 14)
        #expect((lpr["surveillance"] as? [String: Any])?["risk"] as? String == "high")

        let table = try sandbox.run(["state"])
        #expect(table.stdout.contains("lpr-2024") && table.stdout.contains("USD 288000.00"))
        let inForce = try sandbox.run(["state", "--effective-on", "2024-12-31", "--format", "json"])
        #expect(inForce.stdout.contains(#""total": 12000000"#))
        // The log takes the time options too: 8 of the 10 events took effect by the end of 2024.
        let log2024 = try sandbox.run(["log", "--effective-on", "2024-12-31", "--format", "json"])
        #expect(log2024.stdout.split(separator: "\n").count == 8)
        #expect(try sandbox.run(["log", "--as-of", "2000-01-01"]).stdout.split(separator: "\n").count == 1)
    }

    /// What ``correctCapitalCost(_:)`` did: a time between the ledger as it was and the correction,
    /// the corrected event's id and the correction's.
    struct Correction {
        let before: String
        let corrected: String
        let correction: String
    }

    /// Corrects the sample's capital cost of lpr-2024 (120,000.00 → 115,000.00, "credit note"), a
    /// whole second after `before` and a whole second after what the ledger held.
    static func correctCapitalCost(_ sandbox: CivicSandbox) throws -> Correction {
        let log = try sandbox.run(["log", "--format", "json"]).stdout.split(separator: "\n")
        let capital = try #require(log.first { $0.contains(#""category":"capital""#) })
        let id = try #require(try JSONParser.parse(Array(capital.utf8), profile: .general)["id"]?.stringValue)
        Thread.sleep(forTimeInterval: 1.1)
        let before = ISO8601DateFormatter().string(from: Date())
        Thread.sleep(forTimeInterval: 1.1)
        let replacement = #"{"system":"lpr-2024","amount":11500000,"currency":"USD","category":"capital","source":"bond"}"#
        let corrected = try sandbox.run(
            ["record", "event.corrected", "--json", "-"], stdin: #"{"event":"\#(id)","reason":"credit note","replacement":\#(replacement)}"#)
        try #require(corrected.status == 0, "\(corrected.stderr)")
        let last = try #require(try sandbox.run(["log", "--format", "json"]).stdout.split(separator: "\n").last)
        let correction = try #require(try JSONParser.parse(Array(last.utf8), profile: .general)["id"]?.stringValue)
        return Correction(before: before, corrected: id, correction: correction)
    }

    @Test func historyMarksCorrectionsAndDiffShowsThem() throws {
        let sandbox = try Self.sampleLedger()
        let correction = try Self.correctCapitalCost(sandbox)
        let (id, before) = (correction.corrected, correction.before)

        let history = try sandbox.run(["history", "lpr-2024"])
        #expect(history.stdout.contains("[corrected by"))
        #expect(history.stdout.contains("[corrects \(id.prefix(12))]"))
        let json = try sandbox.run(["history", "lpr-2024", "--format", "json"])
        #expect(json.stdout.contains(#""corrected_by""#))

        let diff = try sandbox.run(["diff", "--from", before, "--to", "2100-01-01"])
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("systems[lpr-2024].cost.total: 16800000 → 16300000"), "\(diff.stdout)")
        #expect(try sandbox.run(["verify"]).status == 0)
    }

    @Test func schemasAndGeneratedEventsAgree() throws {
        let checked = try Self.python([])
        #expect(checked.status == 0, "\(checked.stdout)")
        #expect(checked.stdout.contains(" passed, 0 failed"))
        let sandbox = try Self.sampleLedger()
        let log = try sandbox.run(["log", "--format", "json"])
        let events = try Self.python(["--events", "-"], stdin: log.stdout)
        #expect(events.status == 0, "\(events.stdout)")
        #expect(events.stdout.contains("9 passed, 0 failed"), "\(events.stdout)")
    }
}
