import Foundation
import LedgerCore
import Testing

/// A running `civic serve` on 127.0.0.1 with a free port; stopped with SIGTERM when released.
final class ServedNode {
    let process: Process
    let url: String

    init(_ sandbox: CivicSandbox, data: String, options: [String] = []) throws {
        process = try sandbox.start(["serve", "--port", "0", "--data", data] + options)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        let reader = output.fileHandleForReading
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let byte = reader.readData(ofLength: 1)
            guard let first = byte.first else { break }
            if first == 0x0A { break }
            line.append(first)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("listening on ") else { throw CocoaError(.fileReadUnknown) }
        url = String(text.dropFirst("listening on ".count))
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

@Suite("civic serve and civic sync over loopback", .serialized)
struct SyncEndToEndTests {
    static let offices = ["transport", "police", "it", "works"]

    /// City hall (the registrar) and four offices that record offline.
    static func city() throws -> CivicSandbox {
        let sandbox = try CivicSandbox()
        let hallKey = try sandbox.run(["init", "--office", "cityhall", "--city", "springfield", "--registrar", "--data", "cityhall"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for (number, office) in offices.enumerated() {
            let key = try sandbox.run(["init", "--office", office, "--city", "springfield", "--registrar-key", hallKey, "--data", office])
            #expect(key.status == 0, "\(key.stderr)")
            let registered = try sandbox.run([
                "register", office, "--key", key.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "--name", office.capitalized,
                "--data", "cityhall",
            ])
            #expect(registered.status == 0, "\(registered.stderr)")
            // Offline work: a district, a system, costs and a deployment.
            let lines = [
                #"{"type":"district.defined","effective":"2025-01-01","body":{"district":"d-\#(office)","name":"D","population":\#(1000 * (number + 1)),"need_index":\#(20 * number),"priority":\#(number % 2 == 0)}}"#,
                #"{"type":"system.procured","effective":"2025-02-01","body":{"system":"\#(office)-cams","title":"Cameras","category":"cameras","vendor":"Vendor \#(number)","method":"sole-source","contract":{"value":5000000,"currency":"USD","start":"2025-02-01","end":"2029-01-31"},"terms":{"data_portability":false,"open_formats":false,"source_available":false,"exit_clause":false},"funding":[{"source":"bond","share_bps":10000}]}}"#,
                #"{"type":"cost.incurred","effective":"2025-03-01","body":{"system":"\#(office)-cams","amount":\#(100_000 * (number + 1)),"currency":"USD","category":"capital","source":"bond"}}"#,
                #"{"type":"deployment.recorded","effective":"2025-03-02","body":{"system":"\#(office)-cams","district":"d-\#(office)","units":\#(number + 2)}}"#,
            ]
            let file = try sandbox.write("\(office).jsonl", lines.joined(separator: "\n"))
            #expect(try sandbox.run(["import", file, "--data", office]).status == 0)
        }
        return sandbox
    }

    /// Validates a JSON document against a schema of Protocol/openapi.yaml (Tools/check-openapi.py).
    static func openapi(_ arguments: [String], _ document: String) throws -> CivicSandbox.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", CivicSandbox.packageRoot.appendingPathComponent("Tools/check-openapi.py").path] + arguments
        return try CivicSandbox.wait(for: process, stdin: document)
    }

    static func citywide(_ sandbox: CivicSandbox, _ data: String) throws -> String {
        try sandbox.run(["checkpoint", "--city", "--data", data]).stdout.split(separator: "\n").last.map(String.init) ?? ""
    }

    @Test func starThroughCityHall() throws {
        let sandbox = try Self.city()
        let hall = try ServedNode(sandbox, data: "cityhall")
        defer { hall.stop() }
        // Two nightly rounds: the first gathers everything at city hall, the second spreads it.
        for _ in 0..<2 {
            for office in Self.offices {
                let round = try sandbox.run(["sync", hall.url, "--data", office])
                #expect(round.status == 0, "\(office): \(round.stderr) \(round.stdout)")
            }
        }
        let expected = try Self.citywide(sandbox, "cityhall")
        #expect(expected.hasPrefix("sha256 "))
        let state = try sandbox.run(["state", "--format", "json", "--data", "cityhall"]).stdout
        #expect(state.contains(#""works-cams""#))
        for office in Self.offices {
            #expect(try Self.citywide(sandbox, office) == expected, "\(office) differs")
            #expect(try sandbox.run(["state", "--format", "json", "--data", office]).stdout == state)
            #expect(try sandbox.run(["verify", "--data", office]).status == 0)
        }
        // The status endpoint answers as Protocol/openapi.yaml says.
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        curl.arguments = ["curl", "-s", hall.url + "/v1/status"]
        let status = try CivicSandbox.wait(for: curl)
        #expect(status.stdout.contains(expected.dropFirst("sha256 ".count)))
        let checked = try SyncEndToEndTests.openapi(["Status"], status.stdout)
        #expect(checked.status == 0, "\(checked.stdout)")
        // A no-op round between converged nodes moves nothing.
        let idle = try sandbox.run(["sync", hall.url, "--data", "transport", "--format", "json"])
        #expect(idle.stdout.contains(#""pulled":{},"pushed":{},"quarantined":{},"refused":{}"#))

        // Witnessing: city hall holds cosignatures of every office's log by the other offices, each
        // entry as openapi.yaml says; cosignatures it is sent are checked, and bad bodies refused.
        let cosigned = try ProofEndpointTests.curl([hall.url + "/v1/cosignatures"])
        #expect(cosigned.status == "200")
        let entries = try #require(try JSONParser.parse(Array(cosigned.body.utf8), profile: .general)["cosignatures"]?.arrayValue)
        for office in Self.offices {
            let witnesses = entries.filter { $0["office"]?.stringValue == office }.compactMap { $0["cosignature"]?.stringValue }
            #expect(witnesses.count == Self.offices.count, "\(office): cosigned by city hall and the \(Self.offices.count - 1) other offices")
            #expect(!witnesses.contains { $0.hasPrefix("— civic/springfield/\(office) ") }, "\(office) cosigned its own log")
        }
        for entry in entries.prefix(3) {
            let text = String(decoding: try CanonicalJSON.encode(entry), as: UTF8.self)
            #expect(try SyncEndToEndTests.openapi(["CosignedCheckpoint"], text).status == 0)
        }
        func post(_ body: String) throws -> (status: String, body: String) {
            try ProofEndpointTests.curl(["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@-", hall.url + "/v1/cosignatures"], stdin: body)
        }
        let again = try post(cosigned.body)
        #expect(again.status == "200" && again.body.contains(#""already_held":\#(entries.count)"#) && again.body.contains(#""kept":0"#), "\(again.body)")
        for bad in ["not json", #"{"cosignatures":"x"}"#, #"{"cosignatures":[{"office":"police"}]}"#,
                    #"{"cosignatures":[{"office":"police","checkpoint":"x","cosignature":"— civic/springfield/works AAAA\n"}]}"#] {
            let answer = try post(bad)
            #expect(answer.status == "400", "\(bad): \(answer.body)")
            #expect(try SyncEndToEndTests.openapi(["--response", "Error"], answer.body).status == 0)
        }
        // A cosignature line that is well formed but signed by no office's key is refused, not kept.
        if let first = entries.first, case .object(var members) = first {
            let forged = try NoteSigner(name: "civic/springfield/works").cosign("civic/springfield/police\n1\nAAAA\n", at: 1).noteSignature.line
            members = members.map { $0.0 == "cosignature" ? ($0.0, .string(forged)) : $0 }
            let answer = try post(String(decoding: try CanonicalJSON.encode(.object([("cosignatures", .array([.object(members)]))])), as: UTF8.self))
            #expect(answer.status == "200" && answer.body.contains(#""kept":0"#) && answer.body.contains("does not verify"), "\(answer.body)")
        }
    }

    @Test func ringWithoutCityHallInTheMiddle() throws {
        let sandbox = try Self.city()
        var nodes: [String: ServedNode] = [:]
        for office in Self.offices { nodes[office] = try ServedNode(sandbox, data: office) }
        defer { nodes.values.forEach { $0.stop() } }
        let hall = try ServedNode(sandbox, data: "cityhall")
        defer { hall.stop() }
        // Each office learns the registrations from city hall once, then syncs only with its ring neighbour.
        for office in Self.offices { #expect(try sandbox.run(["sync", hall.url, "--data", office]).status == 0) }
        for _ in 0..<3 {
            for (index, office) in Self.offices.enumerated() {
                let next = Self.offices[(index + 1) % Self.offices.count]
                let round = try sandbox.run(["sync", nodes[next]!.url, "--data", office])
                #expect(round.status == 0, "\(office) → \(next): \(round.stderr) \(round.stdout)")
            }
        }
        #expect(try sandbox.run(["sync", hall.url, "--data", "transport"]).status == 0)
        let expected = try Self.citywide(sandbox, "transport")
        let state = try sandbox.run(["state", "--format", "json", "--data", "transport"]).stdout
        for office in Self.offices + ["cityhall"] {
            #expect(try Self.citywide(sandbox, office) == expected, "\(office) differs")
            if office != "cityhall" { #expect(try sandbox.run(["state", "--format", "json", "--data", office]).stdout == state) }
        }
    }

    @Test func alteredTruncatedAndForeignRangesAreRefused() throws {
        let sandbox = try Self.city()
        let hall = try ServedNode(sandbox, data: "cityhall")
        defer { hall.stop() }
        #expect(try sandbox.run(["sync", hall.url, "--data", "transport"]).status == 0)
        let before = try Self.citywide(sandbox, "cityhall")

        // Police's range, fetched from police's own ledger file format via its log.
        let log = try sandbox.run(["log", "--format", "json", "--data", "police"]).stdout.split(separator: "\n")
        let canonical = try log.map { line -> String in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return String(decoding: try #require(Data(base64Encoded: object["canonical"] as? String ?? "")), as: UTF8.self)
        }
        let note = try sandbox.run(["checkpoint", "--data", "police"]).stdout
        func header(_ count: Int) throws -> String {
            let data = try JSONSerialization.data(withJSONObject: ["office": "police", "after": 0, "count": count, "checkpoint": note])
            return String(decoding: data, as: UTF8.self)
        }
        func post(_ body: String) throws -> (Int, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", "--data-binary", "@-", hall.url + "/v1/logs/police/events"]
            let result = try CivicSandbox.wait(for: process, stdin: body)
            let parts = result.stdout.split(separator: "\n")
            return (Int(parts.last ?? "") ?? 0, parts.dropLast().joined(separator: "\n"))
        }
        // Altered in transit: one amount changed, so the root no longer matches the signed checkpoint.
        var altered = canonical
        altered[2] = altered[2].replacingOccurrences(of: #""amount":200000"#, with: #""amount":200001"#)
        #expect(altered != canonical)
        let (alteredStatus, alteredBody) = try post(([try header(4)] + altered).joined(separator: "\n") + "\n")
        #expect(alteredStatus == 422, "\(alteredBody)")
        #expect(try Self.openapi(["--response", "Error"], alteredBody).status == 0)
        #expect(alteredBody.contains("event police#"), "the refusal names the first bad event")
        // Truncated: three lines where four were announced.
        let (truncatedStatus, truncatedBody) = try post(([try header(4)] + canonical.prefix(3)).joined(separator: "\n") + "\n")
        #expect(truncatedStatus == 400 && truncatedBody.contains("truncated"))
        // Pushed under another office's name: the path says transport, the events are police's.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-w", "\n%{http_code}", "-X", "POST", "--data-binary", "@-", hall.url + "/v1/logs/transport/events"]
        let wrong = try CivicSandbox.wait(for: process, stdin: ([try header(4)] + canonical).joined(separator: "\n") + "\n")
        #expect(wrong.stdout.hasSuffix("400"))

        #expect(try Self.citywide(sandbox, "cityhall") == before, "a refused range changed the ledger")
        // The genuine range is then accepted.
        let (okStatus, okBody) = try post(([try header(4)] + canonical).joined(separator: "\n") + "\n")
        #expect(okStatus == 200)
        #expect(try Self.openapi(["ReceiveSummary"], okBody).status == 0, "\(okBody)")
    }
}

@Suite("Sync faults")
struct SyncFaultTests {
    /// The server is killed (SIGKILL) while it receives a large range; after a restart the same
    /// sync completes, with every event stored exactly once.
    @Test func serverKilledMidSyncThenResumed() throws {
        let sandbox = try CivicSandbox()
        let hallKey = try sandbox.run(["init", "--office", "cityhall", "--city", "springfield", "--registrar", "--data", "cityhall"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let key = try sandbox.run(["init", "--office", "transport", "--city", "springfield", "--registrar-key", hallKey, "--data", "transport"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try sandbox.run(["register", "transport", "--key", key, "--name", "Transport", "--data", "cityhall"]).status == 0)
        let count = 60_000
        let lines = (0..<count).map { index in
            #"{"type":"district.defined","effective":"2025-01-01","body":{"district":"d\#(index)","name":"District \#(index)","population":\#(index),"need_index":\#(index % 101),"priority":false}}"#
        }
        let file = try sandbox.write("big.jsonl", lines.joined(separator: "\n"))
        #expect(try sandbox.run(["import", file, "--data", "transport"]).status == 0)

        var hall = try ServedNode(sandbox, data: "cityhall")
        let sync = try sandbox.start(["sync", hall.url, "--data", "transport"])
        sync.standardOutput = FileHandle.nullDevice
        sync.standardError = FileHandle.nullDevice
        try sync.run()
        // Kill city hall once its transaction is writing the range.
        let wal = sandbox.folder + "/cityhall/ledger.sqlite-wal"
        let deadline = Date().addingTimeInterval(120)
        var killedWhileWriting = false
        while Date() < deadline && sync.isRunning {
            let size = ((try? FileManager.default.attributesOfItem(atPath: wal)[.size]) as? NSNumber)?.intValue ?? 0
            if size > 1_000_000 {
                kill(hall.process.processIdentifier, SIGKILL)
                killedWhileWriting = true
                break
            }
            usleep(2_000)
        }
        sync.waitUntilExit()
        hall.process.waitUntilExit()
        #expect(killedWhileWriting, "the range was stored before the server could be killed")
        // Nothing half-applied: city hall holds none of transport's events, or all of them.
        let partial = try sandbox.run(["checkpoint", "--city", "--data", "cityhall"]).stdout
        #expect(!partial.contains("civic/springfield/transport ") || partial.contains("civic/springfield/transport \(count) "))
        #expect(try sandbox.run(["verify", "--data", "cityhall"]).status == 0)

        hall = try ServedNode(sandbox, data: "cityhall")
        defer { hall.stop() }
        let resumed = try sandbox.run(["sync", hall.url, "--data", "transport"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let city = try sandbox.run(["checkpoint", "--city", "--data", "cityhall"]).stdout
        #expect(city.contains("civic/springfield/transport \(count) "))
        #expect(city.split(separator: "\n").last == (try sandbox.run(["checkpoint", "--city", "--data", "transport"]).stdout.split(separator: "\n").last))
        #expect(try sandbox.run(["verify", "--data", "cityhall"]).stdout.hasPrefix("ok: \(count + 1) events"))
    }
}
