import CivicDomain
import CivicTestSupport
import Foundation
import LedgerCore
import LedgerStore
import Testing

@Suite("Protocol/vectors/fold")
struct FoldVectorsTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocol/vectors/fold")

    static func committed(_ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    /// The committed vectors are what the code computes: they cannot drift from the fold.
    @Test func committedVectorsMatchTheFold() throws {
        try withTemporaryFolder("civic-fold-vectors") { scratch in
            for (name, contents) in try FoldVectors.files(scratch: scratch) {
                #expect(try Self.committed(name) == contents, "Protocol/vectors/fold/\(name) is stale: run `civic vectors --out Protocol/vectors`")
            }
        }
    }

    /// What another implementation does with the vectors: a node that trusts the offices' keys
    /// receives each office's log, in any order of offices, and computes state.json and findings.json.
    @Test(arguments: 0..<4 as Range<UInt64>)
    func aNodeReadingTheEventsInAnyOrderComputesTheExpectedState(order: UInt64) throws {
        let input = try JSONParser.parse(Array(try Self.committed("input.json").utf8), profile: .general)
        var byOffice: [String: [Event]] = [:]
        for line in try Self.committed("events.jsonl").split(separator: "\n") {
            let event = try Event(canonical: Array(line.utf8))
            byOffice[event.envelope.office, default: []].append(event)
        }
        try withTemporaryFolder("civic-fold-reader") { folder in
            let node = try LedgerDirectory(path: folder + "/auditor").initialize(
                identity: LedgerIdentity(city: FoldVectors.city, office: "auditor", registrar: FoldVectors.registrar), projector: CivicProjector())
            var random = SeededGenerator(seed: order)
            let checkpoints = try #require(input["checkpoints"]?.arrayValue).shuffled(using: &random)
            for entry in checkpoints {
                let office = try #require(entry["office"]?.stringValue)
                try node.store.trust(office: office, verifier: NoteVerifier(vkey: try #require(entry["key"]?.stringValue)))
            }
            for entry in checkpoints {
                let office = try #require(entry["office"]?.stringValue)
                try node.store.receive(events: byOffice[office] ?? [], checkpoint: try #require(entry["checkpoint"]?.stringValue))
            }
            var state = try CityState.load(from: node.store, filter: .none)
            state.findings = state.findings.filter { $0.scope == .ledger }
            #expect(try state.json.prettyPrinted() == Self.committed("state.json"))
            var streamed: [UInt8] = []
            try state.writeJSON { streamed += $0 }
            #expect(try String(decoding: streamed, as: UTF8.self) == Self.committed("state.json"), "civic state --format json writes the same")
            #expect(try state.findingsJSON.prettyPrinted() == Self.committed("findings.json"))
            #expect(try node.store.verify().eventCount == UInt64(byOffice.values.map(\.count).reduce(0, +)))
        }
    }
}
