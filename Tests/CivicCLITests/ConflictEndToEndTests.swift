import Foundation
import Testing

/// The case that once split the city: transport retires a camera while police, offline, records a
/// cost on it. Three real `civic serve` nodes on 127.0.0.1; every node ends with the same ledger,
/// the same state and the same findings, and the finding names both events.
@Suite("Conflicting offline decisions over loopback", .serialized)
struct ConflictEndToEndTests {
    static func recorded(_ result: CivicSandbox.Result) -> String {
        String(result.stdout.split(separator: " ").first ?? "")
    }

    @Test func aCostOnARetiredSystemConvergesAsAFinding() throws {
        let sandbox = try CivicSandbox()
        let hallKey = try sandbox.run(["init", "--office", "cityhall", "--city", "springfield", "--registrar", "--data", "cityhall"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for office in ["transport", "police"] {
            let key = try sandbox.run(["init", "--office", office, "--city", "springfield", "--registrar-key", hallKey, "--data", office])
            #expect(key.status == 0, "\(key.stderr)")
            let registered = try sandbox.run([
                "register", office, "--key", key.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "--name", office.capitalized, "--data", "cityhall",
            ])
            #expect(registered.status == 0, "\(registered.stderr)")
        }
        let nodes = try ["cityhall", "transport", "police"].map { try ServedNode(sandbox, data: $0) }
        defer { nodes.forEach { $0.stop() } }
        let (hall, police) = (nodes[0].url, nodes[2].url)

        // 1. Transport procures cam-1; transport and police sync with city hall.
        let system = #"{"system":"cam-1","title":"Corner cameras","category":"cameras","vendor":"Acme","method":"sole-source","contract":{"value":2000000,"currency":"USD","start":"2025-01-10","end":"2027-01-09"},"terms":{"data_portability":false,"open_formats":false,"source_available":false,"exit_clause":true},"funding":[{"source":"general-fund","share_bps":10000}]}"#
        #expect(try sandbox.run(["record", "system.procured", "--json", "-", "--effective", "2025-01-10", "--data", "transport"], stdin: system).status == 0)
        for office in ["transport", "police"] { #expect(try sandbox.run(["sync", hall, "--data", office]).status == 0) }

        // 2. Offline: transport retires cam-1; a moment later police records a May cost on it.
        let retirement = try sandbox.run([
            "record", "system.retired", "--system", "cam-1", "--reason", "Replaced by the new platform", "--effective", "2025-06-01", "--data", "transport",
        ])
        #expect(retirement.status == 0, "\(retirement.stderr)")
        let cost = try sandbox.run([
            "record", "cost.incurred", "--system", "cam-1", "--amount", "450.00", "--currency", "USD", "--source", "general-fund",
            "--category", "maintenance", "--effective", "2025-05-20", "--data", "police",
        ])
        #expect(cost.status == 0, "\(cost.stderr)")

        // 3. Transport syncs, then police: nothing is refused; a relay through police's node spreads the rest.
        for (office, peer) in [("transport", hall), ("police", hall), ("transport", police), ("police", hall)] {
            let round = try sandbox.run(["sync", peer, "--data", office, "--format", "json"])
            #expect(round.status == 0, "\(office) ↔ \(peer): \(round.stderr)")
            #expect(round.stdout.contains(#""refused":{}"#), "\(office) ↔ \(peer): \(round.stdout)")
        }
        let outputs = try ["cityhall", "transport", "police"].map { data in
            (
                checkpoint: try sandbox.run(["checkpoint", "--city", "--data", data]).stdout,
                state: try sandbox.run(["state", "--format", "json", "--data", data]).stdout,
                findings: try sandbox.run(["findings", "--format", "json", "--data", data]).stdout
            )
        }
        #expect(Set(outputs.map(\.checkpoint)).count == 1, "the nodes hold different ledgers")
        #expect(Set(outputs.map(\.state)).count == 1, "the nodes compute different states")
        #expect(Set(outputs.map(\.findings)).count == 1, "the nodes list different findings")
        let findings = try #require(outputs.first?.findings)
        #expect(findings.contains(#""kind": "system-retired""#) && findings.contains(#""resolution": "counted""#), "\(findings)")
        #expect(findings.contains(Self.recorded(cost)) && findings.contains(Self.recorded(retirement)), "\(findings)")
        #expect(outputs.first?.state.contains(#""total": 45000"#) == true)
        for data in ["cityhall", "transport", "police"] { #expect(try sandbox.run(["verify", "--data", data]).status == 0) }
        let file = try sandbox.write("findings.json", findings)
        let checked = try VocabularyCommandTests.python(["--findings", file])
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        let table = try sandbox.run(["findings", "--data", "police"])
        #expect(table.stdout.contains("system-retired") && table.stdout.contains("police#1"), "\(table.stdout)")
    }
}
