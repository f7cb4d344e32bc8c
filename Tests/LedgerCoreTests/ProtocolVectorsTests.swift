import Foundation
import LedgerCore
import Testing

@Suite("Protocol/vectors")
struct ProtocolVectorsTests {
    /// The committed vectors are exactly what the code produces: they cannot drift from the implementation.
    @Test func committedVectorsMatchTheImplementation() throws {
        let folder = Conformance.packageRoot.appendingPathComponent("Protocol/vectors")
        for (name, contents) in try ProtocolVectors.files() {
            let committed = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            #expect(committed == contents, "Protocol/vectors/\(name) is stale: run `civic vectors --out Protocol/vectors`")
        }
    }

    @Test func vectorsVerifyOnTheirOwn() throws {
        let signer = try NoteSigner(name: ProtocolVectors.origin, seed: Hash.sha256(Array(ProtocolVectors.seedText.utf8)).bytes)
        let events = try ProtocolVectors.sampleEvents()
        for (index, event) in events.enumerated() {
            let reread = try Event(canonical: event.canonical)
            #expect(reread.envelope.seq == UInt64(index + 1))
            #expect(reread.envelope.prev == (index == 0 ? nil : events[index - 1].leafHash))
        }
        let root = MerkleTree.root(events.map(\.leafHash)[...])
        let note = try signer.signNote(Checkpoint(origin: ProtocolVectors.origin, size: UInt64(events.count), root: root).text)
        // Ed25519 is deterministic: the same key and text give the same signature every time.
        #expect(try signer.signNote(note.text) == note)
        #expect(ProtocolVectors.strictProfileCases().contains { $0.1 == nil })
    }
}
