import Foundation
import LedgerCore
import Testing

/// The demo city published with `civic publish`, served by a real nginx on 127.0.0.1, and verified
/// by `Tools/civic-verify.py` (Python, written from Protocol/ alone) with a policy of 3 of 5 witnesses:
/// every tile, entry and signature; then one changed byte, a cosignature too few and a stale
/// checkpoint each fail naming what; a second publish writes only what changed.
@Suite("civic publish, nginx and the independent verifier", .serialized)
struct PublishEndToEndTests {
    static let witnesses = ["--witnesses", "cityhall,it,police,publicworks,transport", "--quorum", "3"]

    /// A real nginx serving `root` on a free port of 127.0.0.1 (its own config, no service).
    final class Nginx {
        let process: Process
        let url: String

        init(root: String, scratch: String) throws {
            let binary = ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }
            guard let binary else { throw CLIFailureForTests("nginx is not installed (Tools/setup test installs it)") }
            var started: (Process, String)?
            for attempt in 0..<10 {
                let port = 20_000 + Int.random(in: 0..<30_000) + attempt
                let config = """
                    daemon off; worker_processes 1; pid \(scratch)/nginx-\(port).pid; error_log \(scratch)/nginx-error.log;
                    events { worker_connections 64; }
                    http {
                      access_log off; client_body_temp_path \(scratch); proxy_temp_path \(scratch); fastcgi_temp_path \(scratch);
                      uwsgi_temp_path \(scratch); scgi_temp_path \(scratch);
                      default_type application/octet-stream;
                      types { text/plain checkpoint; application/json json; text/html html; text/csv csv; }
                      server { listen 127.0.0.1:\(port); root \(root); location / { } }
                    }
                    """
                try config.write(toFile: "\(scratch)/nginx-\(port).conf", atomically: true, encoding: .utf8)
                let process = Process()
                process.executableURL = URL(fileURLWithPath: binary)
                process.arguments = ["-p", scratch, "-c", "\(scratch)/nginx-\(port).conf", "-e", "\(scratch)/nginx-error.log"]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                // Up when the city's checkpoint answers; a port in use makes nginx exit.
                for _ in 0..<50 where process.isRunning {
                    if (try? PublishEndToEndTests.fetch("http://127.0.0.1:\(port)/city.json")) == 200 {
                        started = (process, "http://127.0.0.1:\(port)")
                        break
                    }
                    Thread.sleep(forTimeInterval: 0.1)
                }
                if started != nil { break }
                if process.isRunning { process.terminate() }
            }
            guard let started else { throw CLIFailureForTests("nginx did not start: \((try? String(contentsOfFile: "\(scratch)/nginx-error.log", encoding: .utf8)) ?? "")") }
            (process, url) = started
        }

        func stop() {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }

        deinit { stop() }
    }

    struct CLIFailureForTests: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The HTTP status of GET `url`.
    static func fetch(_ url: String) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url]
        return Int(try CivicSandbox.wait(for: process).stdout) ?? 0
    }

    static func verify(_ arguments: [String]) throws -> CivicSandbox.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", CivicSandbox.packageRoot.appendingPathComponent("Tools/civic-verify.py").path] + arguments
        return try CivicSandbox.wait(for: process)
    }

    @Test func theIndependentVerifierAgreesOnEveryVector() throws {
        let result = try Self.verify(["vectors", "--dir", CivicSandbox.packageRoot.appendingPathComponent("Protocol/vectors").path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    /// A registrar that rotated its own key: a reader holding only its first key follows the
    /// rotation through the published boundary checkpoint, and cannot without it.
    @Test func aRotatedRegistrarIsFollowedThroughItsBoundaryCheckpoint() throws {
        let sandbox = try CivicSandbox()
        let key = try sandbox.run(["init", "--office", "cityhall", "--city", "rotville", "--registrar", "--data", "hall"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let police = try sandbox.run(["init", "--office", "police", "--city", "rotville", "--registrar-key", key, "--data", "police"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try sandbox.run(["register", "police", "--key", police, "--name", "Police", "--data", "hall"]).status == 0)
        for name in ["a", "b", "c"] {
            #expect(try sandbox.run(["record", "district.defined", "--json", "-", "--data", "hall"], stdin: CivicSandbox.district(name)).status == 0)
        }
        #expect(try sandbox.run(["key", "rotate", "--data", "hall"]).status == 0)
        #expect(try sandbox.run(["record", "district.defined", "--json", "-", "--data", "hall"], stdin: CivicSandbox.district("d")).status == 0)
        #expect(try sandbox.run(["record", "district.defined", "--json", "-", "--data", "police"], stdin: CivicSandbox.district("p")).status == 0)
        let hall = try ServedNode(sandbox, data: "hall")
        #expect(try sandbox.run(["sync", hall.url, "--data", "police"]).status == 0)
        hall.stop()
        #expect(try sandbox.run(["publish", "--data", "hall", "--out", "pub", "--no-reports"]).status == 0)
        let pub = sandbox.folder + "/pub"
        #expect(FileManager.default.fileExists(atPath: pub + "/logs/cityhall/boundary/5"))
        // civic serve serves the same folder read-only, and the verifier reads it there too.
        let serving = try ServedNode(sandbox, data: "hall", options: ["--publish", pub])
        #expect(try Self.fetch(serving.url + "/published/logs/cityhall/boundary/5") == 200)
        #expect(try Self.fetch(serving.url + "/published/nothing") == 404)
        let served = try Self.verify(["published", serving.url + "/published/", "--registrar-key", key])
        #expect(served.status == 0, "\(served.stdout)\(served.stderr)")
        serving.stop()
        let followed = try Self.verify(["published", pub, "--registrar-key", key, "--witnesses", "cityhall,police", "--quorum", "1"])
        #expect(followed.status == 0, "\(followed.stdout)\(followed.stderr)")
        try FileManager.default.removeItem(atPath: pub + "/logs/cityhall/boundary")
        let lost = try Self.verify(["published", pub, "--registrar-key", key])
        #expect(lost.status == 1)
        #expect(lost.stdout.contains("cityhall") && lost.stdout.contains("cannot be followed from the first key"), "\(lost.stdout)")
    }

    @Test(.timeLimit(.minutes(5)))
    func theDemoCityPublishedAndServedByNginxVerifiesAndTamperingIsNamed() throws {
        let sandbox = try CivicSandbox()
        let demo = try sandbox.run(["demo", "--out", "city", "--seed", "7"])
        try #require(demo.status == 0, "\(demo.stderr)")
        let hall = "city/nodes/cityhall"
        let key = try sandbox.run(["key", "show", "--data", hall]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let published = try sandbox.run(["publish", "--data", hall, "--out", "pub", "--format", "json"])
        try #require(published.status == 0, "\(published.stderr)")
        let first = try JSONParser.parse(Array(published.stdout.utf8), profile: .general)
        #expect(first["logs"]?.integerValue == 5)
        let pub = sandbox.folder + "/pub"
        try FileManager.default.copyItem(atPath: pub + "/logs/it/checkpoint", toPath: sandbox.folder + "/it-checkpoint-before")

        let nginx = try Nginx(root: pub, scratch: sandbox.folder)
        defer { nginx.stop() }
        let state = sandbox.folder + "/verifier-state.json"
        let ok = try Self.verify(["published", nginx.url, "--registrar-key", key] + Self.witnesses + ["--state", state])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        // The verifier and the Swift code agree on the citywide hash.
        let citywide = try sandbox.run(["checkpoint", "--city", "--format", "json", "--data", hall])
        let hash = try #require(try JSONParser.parse(Array(citywide.stdout.utf8), profile: .general)["hash"]?.stringValue)
        #expect(ok.stdout.contains(hash), "\(ok.stdout)")
        // And a folder verifies as the URL does.
        #expect(try Self.verify(["published", pub, "--registrar-key", key] + Self.witnesses).status == 0)
        // The inclusion of one event and the consistency of two sizes, from the tiles.
        #expect(try Self.verify(["inclusion", nginx.url, "--registrar-key", key, "--office", "police", "--seq", "300"]).status == 0)
        #expect(try Self.verify(["consistency", nginx.url, "--registrar-key", key, "--office", "police", "--from", "100"]).status == 0)

        // One changed byte of one entry bundle.
        let bundle = pub + "/logs/police/tile/entries/000"
        let original = try Data(contentsOf: URL(fileURLWithPath: bundle))
        var changed = original
        changed[400] ^= 0x01
        try changed.write(to: URL(fileURLWithPath: bundle))
        let tampered = try Self.verify(["published", nginx.url, "--registrar-key", key] + Self.witnesses)
        #expect(tampered.status == 1, "\(tampered.stdout)")
        #expect(tampered.stdout.contains("police") && tampered.stdout.contains("entries/000"), "\(tampered.stdout)")
        try original.write(to: URL(fileURLWithPath: bundle))

        // Cosignatures dropped below the quorum.
        let checkpointPath = pub + "/logs/transport/checkpoint"
        let checkpoint = try String(contentsOfFile: checkpointPath, encoding: .utf8)
        var lines = checkpoint.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let signatureLines = lines.indices.filter { lines[$0].hasPrefix("— ") }
        #expect(signatureLines.count == 5, "the office's signature and four witnesses'")
        lines.removeSubrange(signatureLines[3]...signatureLines[4])
        try lines.joined(separator: "\n").write(toFile: checkpointPath, atomically: true, encoding: .utf8)
        let unwitnessed = try Self.verify(["published", nginx.url, "--registrar-key", key] + Self.witnesses)
        #expect(unwitnessed.status == 1, "\(unwitnessed.stdout)")
        #expect(unwitnessed.stdout.contains("transport") && unwitnessed.stdout.contains("2 of"), "\(unwitnessed.stdout)")
        try checkpoint.write(toFile: checkpointPath, atomically: true, encoding: .utf8)

        // IT records three more events; the offices witness them through city hall; a second publish
        // writes only IT's new partial tile and bundle (and the checkpoints).
        for index in 0..<3 {
            let body = #"{"district":"new-\#(index)","name":"New \#(index)","population":10,"need_index":1,"priority":false}"#
            #expect(try sandbox.run(["record", "district.defined", "--json", "-", "--data", "city/nodes/it"], stdin: body).status == 0)
        }
        let served = try ServedNode(sandbox, data: hall)
        for office in ["it", "police", "transport", "publicworks", "it"] {
            let synced = try sandbox.run(["sync", served.url, "--data", "city/nodes/\(office)"])
            #expect(synced.status == 0, "\(office): \(synced.stderr)")
        }
        served.stop()
        let again = try sandbox.run(["publish", "--data", hall, "--out", "pub", "--format", "json", "--no-reports"])
        try #require(again.status == 0, "\(again.stderr)")
        let second = try JSONParser.parse(Array(again.stdout.utf8), profile: .general)
        #expect(second["tiles"]?.integerValue == 1 && second["bundles"]?.integerValue == 1, "\(again.stdout)")
        let grown = try Self.verify(["published", nginx.url, "--registrar-key", key] + Self.witnesses + ["--state", state])
        #expect(grown.status == 0, "\(grown.stdout)\(grown.stderr)")

        // A stale checkpoint served under the newer cosigned one the reader has seen.
        try FileManager.default.removeItem(atPath: pub + "/logs/it/checkpoint")
        try FileManager.default.copyItem(atPath: sandbox.folder + "/it-checkpoint-before", toPath: pub + "/logs/it/checkpoint")
        let stale = try Self.verify(["published", nginx.url, "--registrar-key", key] + Self.witnesses + ["--state", state])
        #expect(stale.status == 1, "\(stale.stdout)")
        #expect(stale.stdout.contains("it"), "\(stale.stdout)")
    }
}
