import Foundation
import Testing

@Suite("civic: the offline ledger end to end")
struct LedgerCommandTests {
    static func initialized() throws -> CivicSandbox {
        let sandbox = try CivicSandbox()
        let result = try sandbox.run(["init", "--office", "transport", "--city", "springfield"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("civic/springfield/transport+"))
        return sandbox
    }

    @Test func initRecordThreeVerifyThenTamper() throws {
        let sandbox = try Self.initialized()
        var ids: [String] = []
        for (index, district) in ["north", "south", "east"].enumerated() {
            let result = try sandbox.run(
                ["record", "district.defined", "--json", "-", "--effective", "2026-01-0\(index + 1)"], stdin: CivicSandbox.district(district))
            #expect(result.status == 0, "\(result.stderr)")
            let parts = result.stdout.split(separator: " ")
            #expect(parts.count == 2 && parts[1].hasPrefix("\(index + 1)"))
            ids.append(String(parts[0]))
        }
        let verified = try sandbox.run(["verify"])
        #expect(verified.status == 0)
        #expect(verified.stdout.hasPrefix("ok: 3 events"))

        // SQLite itself refuses to change or delete an event.
        let update = try sandbox.sqlite("UPDATE events SET type = 'x' WHERE seq = 2")
        #expect(update.status != 0 && update.stderr.contains("append-only"))
        let delete = try sandbox.sqlite("DELETE FROM events")
        #expect(delete.status != 0 && delete.stderr.contains("append-only"))

        // Change one byte of event 2 with the sqlite3 shell: verify fails and names it.
        let tamper = try sandbox.sqlite(
            "DROP TRIGGER events_append_only_update; UPDATE events SET canonical = CAST(replace(CAST(canonical AS TEXT), 'south', 'sOuth') AS BLOB) WHERE seq = 2;"
        )
        #expect(tamper.status == 0, "\(tamper.stderr)")
        let failed = try sandbox.run(["verify"])
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("transport#2"))
        #expect(failed.stderr.contains(ids[1]))
        #expect(failed.stderr.split(separator: "\n").count == 1)
    }

    /// `civic record` closes its ledger before it ends (``closeUntilExit``): SQLite has copied the
    /// WAL into the database file and removed it, and the event is there for the next process.
    @Test func recordLeavesTheLedgerClosed() throws {
        let sandbox = try Self.initialized()
        for district in ["north", "south"] {
            let result = try sandbox.run(["record", "district.defined", "--json", "-"], stdin: CivicSandbox.district(district))
            #expect(result.status == 0, "\(result.stderr)")
            for suffix in ["-wal", "-shm"] {
                #expect(!FileManager.default.fileExists(atPath: sandbox.data + "/ledger.sqlite" + suffix), "ledger.sqlite\(suffix) is left")
            }
        }
        let verified = try sandbox.run(["verify"])
        #expect(verified.status == 0 && verified.stdout.hasPrefix("ok: 2 events"), "\(verified.stdout)")
    }

    /// `civic state` lays systems and districts out in columns by id; a cell too wide is cut to its
    /// width less one and a space, counted in characters whatever its bytes.
    @Test func theStateTableIsInColumns() throws {
        let sandbox = try Self.initialized()
        func record(_ type: String, _ body: String) throws {
            let result = try sandbox.run(["record", type, "--json", "-", "--effective", "2026-01-05"], stdin: body)
            #expect(result.status == 0, "\(result.stderr)")
        }
        func system(_ id: String, vendor: String, value: Int64 = 123_456) -> String {
            #"""
            {"system":"\#(id)","title":"T","category":"cameras","vendor":"\#(vendor)","method":"open-tender",
             "contract":{"value":\#(value),"currency":"USD","start":"2026-01-01","end":"2028-12-31"},
             "terms":{"data_portability":true,"open_formats":true,"source_available":false,"exit_clause":true},
             "funding":[{"source":"general-fund","share_bps":10000}]}
            """#
        }
        try record("district.defined", CivicSandbox.district("north"))
        try record("system.procured", system("zeta", vendor: "Société d’Équipements Municipaux"))
        try record("system.procured", system("alpha", vendor: "Acme"))
        // An amount wider than its column is cut, as any cell is.
        try record("system.procured", system("mega", vendor: "Acme", value: 9_007_199_254_740_991))
        try record("system.retired", #"{"system":"zeta","reason":"replaced"}"#)
        try record("cost.incurred", #"{"system":"alpha","amount":5000,"currency":"USD","category":"maintenance","source":"general-fund"}"#)
        try record("deployment.recorded", #"{"system":"alpha","district":"north","units":3}"#)
        let table = try sandbox.run(["state"])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "7 events; 1 districts, 3 systems, 0 algorithms, 0 corrections applied")
        #expect(lines[2] == "SYSTEM                CATEGORY              VENDOR                STATUS   CONTRACT        SPENT           UNITS")
        #expect(lines[3] == "alpha                 cameras               Acme                  active   USD 1234.56     USD 50.00       3")
        #expect(lines[4] == "mega                  cameras               Acme                  active   USD 90071992547 USD 0.00        0")
        #expect(lines[5] == "zeta                  cameras               Société d’Équipements retired  USD 1234.56     USD 0.00        0")
        #expect(lines[7] == "DISTRICT              POPULATION  NEED  PRIORITY")
        #expect(lines[8] == "north                 1000        40    no")
        #expect(lines.last == "")
    }

    @Test func globalDataOptionAndEnvironment() throws {
        let sandbox = try CivicSandbox()
        let folder = sandbox.folder + "/elsewhere"
        #expect(try sandbox.run(["--data", folder, "init", "--office", "it", "--city", "springfield"]).status == 0)
        #expect(try sandbox.run(["record", "district.defined", "--json", "-", "--data", folder], stdin: CivicSandbox.district("a")).status == 0)
        let viaEnvironment = try sandbox.run(["log", "--format", "json"], environment: ["CIVIC_DATA": folder])
        #expect(viaEnvironment.status == 0)
        #expect(viaEnvironment.stdout.split(separator: "\n").count == 1)
        let key = try sandbox.run(["key", "--data", folder])
        #expect(key.stdout.hasPrefix("civic/springfield/it+"))
    }

    /// Verbs are parsed without ArgumentParser's completion-script try (``Civic/parseVerb``); help,
    /// the version, errors and completion scripts still come from the `civic` root, in its words.
    @Test func helpVersionErrorsAndCompletionsNameTheCivicRoot() throws {
        let sandbox = try CivicSandbox()
        for arguments in [["--help"], ["help"], []] {
            let result = try sandbox.run(arguments)
            #expect(result.stdout.hasPrefix("OVERVIEW: CivicLedger"), "\(arguments): \(result.stdout)")
            #expect(result.stdout.contains("USAGE: civic <subcommand>"), "\(arguments)")
        }
        let help = try sandbox.run(["record", "--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: civic record "))
        #expect(try sandbox.run(["help", "record"]).stdout == help.stdout)
        #expect(try sandbox.run(["proof", "inclusion", "--help"]).stdout.contains("USAGE: civic proof inclusion "))
        #expect(try sandbox.run(["--version"]).stdout == "0.1.0\n")
        let unknown = try sandbox.run(["recrd"])
        #expect(unknown.status != 0 && unknown.stderr.contains("Unexpected argument 'recrd'") && unknown.stderr.contains("Usage: civic <subcommand>"))
        let missing = try sandbox.run(["record", "--json"])
        #expect(missing.status != 0 && missing.stderr.contains("Usage: civic record "))
        let completion = try sandbox.run(["--generate-completion-script", "bash"])
        #expect(completion.status == 0 && completion.stdout.contains("_civic()"))
        // A verb parsed quickly runs as itself, with the `--data` given before it.
        let folder = sandbox.folder + "/quick"
        #expect(try sandbox.run(["--data", folder, "init", "--office", "it", "--city", "springfield"]).status == 0)
        #expect(try sandbox.run(["--data", folder, "record", "district.defined", "--json", "-"], stdin: CivicSandbox.district("a")).status == 0)
        #expect(try sandbox.run(["--data", folder, "verify"]).stdout.hasPrefix("ok: 1 events"))
    }

    @Test func logJSONCarriesTheExactCanonicalBytes() throws {
        let sandbox = try Self.initialized()
        #expect(try sandbox.run(["record", "district.defined", "--json", "-", "--author", "ana"], stdin: CivicSandbox.district("x")).status == 0)
        let log = try sandbox.run(["log", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [String: Any])
        for field in ["id", "office", "seq", "hlc", "type", "effective", "body", "canonical", "author"] {
            #expect(object[field] != nil, "missing \(field)")
        }
        let canonical = try #require(Data(base64Encoded: object["canonical"] as? String ?? ""))
        #expect(String(decoding: canonical, as: UTF8.self).contains(#""office":"transport""#))
        let table = try sandbox.run(["log"])
        #expect(table.stdout.contains("district.defined"))
    }

    @Test func checkpointAndProofsRoundTrip() throws {
        let sandbox = try Self.initialized()
        for index in 0..<5 {
            #expect(try sandbox.run(["record", "district.defined", "--json", "-"], stdin: CivicSandbox.district("d\(index)")).status == 0)
        }
        let checkpoint = try sandbox.run(["checkpoint"])
        #expect(checkpoint.stdout.hasPrefix("civic/springfield/transport\n5\n"))
        let json = try sandbox.run(["checkpoint", "--format", "json"])
        #expect(json.stdout.contains(#""size":5"#))
        let city = try sandbox.run(["checkpoint", "--city"])
        #expect(city.stdout.hasPrefix("civic-city/springfield\ncivic/springfield/transport 5 "))
        #expect(try sandbox.run(["checkpoint", "--city", "--format", "json"]).stdout.contains(#""events":5"#))
        let key = try sandbox.run(["key"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let inclusion = try sandbox.run(["proof", "inclusion", "--seq", "3"])
        #expect(inclusion.status == 0)
        let checked = try sandbox.run(["proof", "verify", "--key", key], stdin: inclusion.stdout)
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.contains("inclusion proof verified"))

        let consistency = try sandbox.run(["proof", "consistency", "--from", "2", "--to", "5"])
        #expect(try sandbox.run(["proof", "verify", "--key", key], stdin: consistency.stdout).status == 0)
        let older = try sandbox.run(["proof", "consistency", "--from", "2", "--to", "4"])
        #expect(try sandbox.run(["proof", "verify"], stdin: older.stdout).status == 0)

        // A proof for another leaf, or under another key, is refused.
        let forged = inclusion.stdout.replacingOccurrences(of: #""leafIdx":2"#, with: #""leafIdx":1"#)
        let refused = try sandbox.run(["proof", "verify"], stdin: forged)
        #expect(refused.status != 0 && refused.stderr.contains("proof refused"))
        let otherKey = try CivicSandbox()
        let other = try otherKey.run(["init", "--office", "transport", "--city", "springfield"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try sandbox.run(["proof", "verify", "--key", other], stdin: inclusion.stdout).status != 0)
    }

    @Test func verifiesTheConformanceProbesFromStdin() throws {
        let sandbox = try CivicSandbox()
        let root = CivicSandbox.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/rfc6962/transparency-dev")
        let happy = try String(contentsOf: root.appendingPathComponent("inclusion/4/happy-path.json"), encoding: .utf8)
        #expect(try sandbox.run(["proof", "verify"], stdin: happy).status == 0)
        let wrong = try String(contentsOf: root.appendingPathComponent("consistency/4/modified-proof@0-bit-@4.json"), encoding: .utf8)
        #expect(try sandbox.run(["proof", "verify"], stdin: wrong).status != 0)
    }
}
