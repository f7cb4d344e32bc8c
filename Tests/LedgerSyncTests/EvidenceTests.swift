import CivicDomain
import CivicTestSupport
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync
import NIOCore
import Testing

/// Evidence is only what an office signed: bytes that do not match the checkpoint they came with
/// are an altered range, refused and never kept; two checkpoints the office signed that cannot both
/// hold are a fork, kept once with a proof anyone can check, and shared with every node.
@Suite("Evidence from signatures only")
struct EvidenceTests {
    /// An anonymous client downloads police's range from city hall, changes event 1 and posts it
    /// back with the real checkpoint: 422, nothing stored, no evidence, `verify` passes.
    @Test func anAlteredRangeIsRefusedAndProvesNothing() async throws {
        let city = try StreamedCity(events: 20)
        defer { withExtendedLifetime(city) {} }
        _ = try await SyncEngine.round(local: LocalPeer(store: city.hall), remote: LocalPeer(store: city.police))
        let before = try city.hall.citywideCheckpoint()
        try await withServer(city.hall) { url in
            let range = try await HTTPPeer(base: url).fetch(office: "police", after: 0)
            var lines: [[UInt8]] = []
            var bytes: [UInt8] = []
            for try await chunk in range.events { bytes += Array(buffer: chunk) }
            lines = bytes.split(separator: 0x0A).map(Array.init)
            let original = try Event(canonical: lines[0]).envelope
            let forged = try Event(
                envelope: EventEnvelope(
                    office: original.office, seq: original.seq, prev: original.prev, hlc: original.hlc, type: original.type,
                    effective: original.effective, author: original.author,
                    body: .object([("district", .string("forged")), ("name", .string("F")), ("need_index", .integer(1)), ("population", .integer(1)), ("priority", .bool(false))])))
            lines[0] = forged.canonical
            for attempt in [lines, [lines[0]]] {
                let altered = RangeStream(
                    header: RangeHeader(office: "police", after: 0, count: UInt64(attempt.count), checkpoint: range.header.checkpoint),
                    events: ByteChunks([ByteBuffer(bytes: attempt.map { $0 + [0x0A] }.joined())]))
                let refusal = await #expect(throws: PeerRefusal.self) { try await HTTPPeer(base: url).push(altered) }
                #expect(refusal?.status == 422, "\(refusal?.message ?? "")")
            }
            let status = try await HTTPPeer(base: url).status()
            #expect(status.forkDigests.isEmpty)
        }
        #expect(try city.hall.forks().isEmpty)
        #expect(try city.hall.verify().forks.isEmpty)
        #expect(try city.hall.citywideCheckpoint() == before)
    }

    /// Police's key signs two histories. The node that sees both keeps one proof; a round gives it
    /// to a third node, which checks it before keeping it; a proof that does not verify is refused.
    @Test func aRealForkIsProvenOnceAndSharedEverywhere() async throws {
        let city = try TestCity(offices: ["police", "cityhall", "it"])
        try city.record("police", "district.defined", "2026-01-01", Bodies.district("a"))
        try FileManager.default.copyItem(atPath: city.folder.path("police"), toPath: city.folder.path("police-fork"))
        let fork = try LedgerDirectory(path: city.folder.path("police-fork")).open(projector: CivicProjector())
        city.clock += 1000
        try city.record("police", "district.defined", "2026-01-01", Bodies.district("b"))
        _ = try fork.store.append([try TestCity.draft("district.defined", "2026-01-01", Bodies.district("z"))], signer: fork.signer, now: { city.clock })
        try await city.sync("cityhall", "police")
        let report = try await SyncEngine.round(local: LocalPeer(store: city.store("cityhall")), remote: LocalPeer(store: fork.store))
        #expect(report.forks.contains("police"))
        let proofs = try city.store("cityhall").forkProofs()
        #expect(proofs.count == 1)
        // Shown again, the same fork is not kept twice.
        _ = try await SyncEngine.round(local: LocalPeer(store: city.store("cityhall")), remote: LocalPeer(store: fork.store))
        #expect(try city.store("cityhall").forkProofs().count == 1)
        // A node that never saw the other history learns the fork from city hall, and checks it.
        #expect(try city.store("it").forks().isEmpty)
        try await city.sync("it", "cityhall")
        #expect(try city.store("it").forks().map(\.digest) == [proofs[0].proof.digest.hex])
        #expect(try city.store("it").verify().forks.count == 1)
        // A proof whose notes agree, or whose signatures fail, is refused and not kept.
        let honest = try #require(try city.store("police").head(office: "police")?.checkpoint)
        let agreeing = try ForkProof(first: honest, second: honest, secondRootAtFirstSize: Hash.sha256([]), proof: [])
        #expect(throws: StoreError.self) { try city.store("police").keep(agreeing, office: "police") }
        let stranger = try NoteSigner(name: "civic/springfield/police")
        let other = try SignedCheckpoint(checkpoint: Checkpoint(origin: "civic/springfield/police", size: 2, root: Hash.sha256([7])), signer: stranger)
        let unsigned = try ForkProof(first: honest, second: other.note.serialized, secondRootAtFirstSize: Hash.sha256([7]), proof: [])
        #expect(throws: StoreError.self) { try city.store("police").keep(unsigned, office: "police") }
        #expect(try city.store("police").forks().isEmpty)
        // The exported proof reads back the same.
        #expect(try ForkProof(json: proofs[0].proof.json) == proofs[0].proof)
    }
}
