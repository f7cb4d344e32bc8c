import Foundation
import LedgerCore
import Testing

/// Proofs and checkpoint gossip over HTTP, on a real `civic serve`.
@Suite("Proofs and gossip over HTTP")
struct ProofEndpointTests {
    static func curl(_ arguments: [String], stdin: String? = nil) throws -> (status: String, body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-w", "\n%{http_code}"] + arguments
        let output = try CivicSandbox.wait(for: process, stdin: stdin).stdout
        let status = output.split(separator: "\n").last.map(String.init) ?? ""
        return (status, String(output.dropLast(status.count + 1)))
    }

    @Test func proofsFromTheServerVerifyAgainstTheOfficeKey() throws {
        let sandbox = try CivicSandbox()
        #expect(try sandbox.run(["init", "--office", "transport", "--city", "springfield"]).status == 0)
        let sample = CivicSandbox.packageRoot.appendingPathComponent("Tools/samples/transport.jsonl").path
        #expect(try sandbox.run(["import", sample]).status == 0)
        let key = try sandbox.run(["key"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let node = try ServedNode(sandbox, data: "civic-data")
        defer { node.stop() }

        let inclusion = try Self.curl([node.url + "/v1/logs/transport/proof/inclusion?seq=2"])
        #expect(inclusion.status == "200")
        let verified = try sandbox.run(["proof", "verify", "--key", key], stdin: inclusion.body)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("inclusion proof verified: leaf 1 is in the tree"))
        // The same proof as `civic proof inclusion` prints.
        #expect(inclusion.body == (try sandbox.run(["proof", "inclusion", "--seq", "2"]).stdout))
        let consistency = try Self.curl([node.url + "/v1/logs/transport/proof/consistency?from=1"])
        #expect(consistency.status == "200")
        #expect(try sandbox.run(["proof", "verify", "--key", key], stdin: consistency.body).status == 0)
        #expect(try SyncEndToEndTests.openapi(["InclusionProof"], inclusion.body).status == 0)
        #expect(try SyncEndToEndTests.openapi(["ConsistencyProof"], consistency.body).status == 0)

        for (path, status) in [
            ("/v1/logs/transport/proof/inclusion", "400"), ("/v1/logs/transport/proof/inclusion?seq=999", "404"),
            ("/v1/logs/police/proof/inclusion?seq=1", "404"), ("/v1/logs/transport/proof/consistency?from=1&to=x", "400"),
            ("/v1/logs/transport/proof/consistency?from=0", "404"),
        ] {
            let answer = try Self.curl([node.url + path])
            #expect(answer.status == status, "\(path): \(answer.body)")
            #expect(try SyncEndToEndTests.openapi(["--response", "Error"], answer.body).status == 0, "\(path): \(answer.body)")
        }
    }

    @Test func gossipedCheckpointsAreChecked() throws {
        let sandbox = try CivicSandbox()
        #expect(try sandbox.run(["init", "--office", "transport", "--city", "springfield"]).status == 0)
        let sample = CivicSandbox.packageRoot.appendingPathComponent("Tools/samples/transport.jsonl").path
        #expect(try sandbox.run(["import", sample]).status == 0)
        let note = try sandbox.run(["checkpoint"]).stdout
        let node = try ServedNode(sandbox, data: "civic-data")
        defer { node.stop() }
        func post(_ body: String) throws -> (status: String, body: String) {
            try Self.curl(["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@-", node.url + "/v1/checkpoints"], stdin: body)
        }
        func gossip(_ office: String, _ note: String) throws -> (status: String, body: String) {
            let body: JSONValue = .object([("office", .string(office)), ("checkpoint", .string(note))])
            return try post(String(decoding: try CanonicalJSON.encode(body), as: UTF8.self))
        }
        let consistent = try gossip("transport", note)
        #expect(consistent.status == "200")
        #expect(consistent.body.contains(#""verdict":"consistent""#))
        #expect(try SyncEndToEndTests.openapi(["GossipVerdict"], consistent.body).status == 0)
        // A note whose root was altered no longer verifies: refused, and no evidence is made of it.
        var lines = note.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[2] = String(repeating: "A", count: 43) + "="
        let forged = try gossip("transport", lines.joined(separator: "\n"))
        #expect(forged.status == "422", "\(forged.body)")
        #expect(try gossip("police", note).status == "422")
        #expect(try post("not json").status == "400")
        #expect(try post(#"{"office":"transport"}"#).status == "400")
        let status = try Self.curl([node.url + "/v1/status"])
        #expect(status.body.contains(#""forks":[]"#))
    }
}

/// A fork proven at a real node: `civic verify` fails naming it, and the proof it exports checks
/// offline with `Tools/check-fork-proof.py` (Python, nothing of the Swift code).
@Suite("Fork proofs end to end", .serialized)
struct ForkProofEndToEndTests {
    @Test func aForkIsProvenExportedAndCheckedOffline() throws {
        let sandbox = try CivicSandbox()
        let hallKey = try sandbox.run(["init", "--office", "cityhall", "--city", "springfield", "--registrar", "--data", "cityhall"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let key = try sandbox.run(["init", "--office", "police", "--city", "springfield", "--registrar-key", hallKey, "--data", "police"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try sandbox.run(["register", "police", "--key", key, "--name", "Police", "--data", "cityhall"]).status == 0)
        #expect(try sandbox.run(["record", "district.defined", "--json", "-", "--data", "police"], stdin: CivicSandbox.district("a")).status == 0)
        // The police key, copied, signs a second history from seq 2 on.
        try FileManager.default.copyItem(atPath: sandbox.folder + "/police", toPath: sandbox.folder + "/police-copy")
        for district in ["b", "c", "d"] {
            #expect(try sandbox.run(["record", "district.defined", "--json", "-", "--data", "police"], stdin: CivicSandbox.district(district)).status == 0)
        }
        #expect(try sandbox.run(["record", "district.defined", "--json", "-", "--data", "police-copy"], stdin: CivicSandbox.district("z")).status == 0)
        let hall = try ServedNode(sandbox, data: "cityhall")
        defer { hall.stop() }
        #expect(try sandbox.run(["sync", hall.url, "--data", "police"]).status == 0)
        let forked = try sandbox.run(["sync", hall.url, "--data", "police-copy"])
        #expect(forked.status == 2 && forked.stdout.contains("FORK"), "\(forked.stdout)\(forked.stderr)")

        let verify = try sandbox.run(["verify", "--data", "cityhall"])
        #expect(verify.status == 1 && verify.stderr.contains("fork proven"), "\(verify.stderr)")
        let evidence = try sandbox.run(["verify", "--evidence", "--format", "json", "--data", "cityhall"])
        #expect(evidence.status == 0 && evidence.stdout.contains(#""office": "police""#), "\(evidence.stdout)\(evidence.stderr)")
        let file = try sandbox.write("evidence.json", evidence.stdout)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", CivicSandbox.packageRoot.appendingPathComponent("Tools/check-fork-proof.py").path, file]
        let checked = try CivicSandbox.wait(for: process)
        #expect(checked.status == 0 && checked.stdout.contains("police: fork proven"), "\(checked.stdout)\(checked.stderr)")
        // The copy's log (size 2) is shorter than police's (size 4): the proof carries a consistency path.
        #expect(evidence.stdout.contains("civic/springfield/police\\n2\\n") && evidence.stdout.contains("civic/springfield/police\\n4\\n"))
        // Tampered with, the same file proves nothing.
        let tampered = try sandbox.write("tampered.json", evidence.stdout.replacingOccurrences(of: "civic/springfield/police\\n4\\n", with: "civic/springfield/police\\n5\\n"))
        let again = Process()
        again.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        again.arguments = ["python3", CivicSandbox.packageRoot.appendingPathComponent("Tools/check-fork-proof.py").path, tampered]
        let refused = try CivicSandbox.wait(for: again)
        #expect(refused.status == 1 && refused.stdout.contains("NOT a fork proof"), "\(refused.stdout)\(refused.stderr)")
        // The status lists the proof; the third copy of the city (a fresh node) would learn it in a round.
        let status = try ProofEndpointTests.curl([hall.url + "/v1/status"])
        #expect(status.body.contains(#""forks":[{"digest":"#), "\(status.body)")
    }
}
