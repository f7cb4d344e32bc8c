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
