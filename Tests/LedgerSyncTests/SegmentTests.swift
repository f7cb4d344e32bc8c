import CivicDomain
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync
import Testing

/// A peer that passes everything to `base`, but cuts the events of ranges pushed to it that start
/// at or after `cutFrom` (a connection lost during a later segment), and counts the pushes.
final class CuttingPeer: SyncPeer, @unchecked Sendable {
    let base: LocalPeer
    let cutFrom: UInt64
    private let lock = NSLock()
    private var pushedRanges: [(after: UInt64, count: UInt64)] = []

    init(base: LocalPeer, cutFrom: UInt64 = .max) {
        self.base = base
        self.cutFrom = cutFrom
    }

    var pushes: [(after: UInt64, count: UInt64)] { lock.withLock { pushedRanges } }

    func status() async throws -> PeerStatus { try await base.status() }
    func fetch(office: String, after: UInt64) async throws -> RangeStream { try await base.fetch(office: office, after: after) }
    func consider(checkpoint: String, office: String) async throws -> GossipVerdict { try await base.consider(checkpoint: checkpoint, office: office) }
    func forkProofs() async throws -> [(office: String, proof: ForkProof)] { try await base.forkProofs() }
    func keep(_ proof: ForkProof, office: String) async throws -> Bool { try await base.keep(proof, office: office) }
    func cosignatures() async throws -> [CosignedCheckpoint] { try await base.cosignatures() }
    func keep(cosignatures: [CosignedCheckpoint]) async throws -> LedgerStore.CosignatureIntake { try await base.keep(cosignatures: cosignatures) }

    func push(_ range: RangeStream) async throws -> ReceiveSummary {
        lock.withLock { pushedRanges.append((range.header.after, range.header.count)) }
        guard range.header.after >= cutFrom else { return try await base.push(range) }
        return try await base.push(RangeStream(header: range.header, events: ByteChunks(CutChunks(base: range.events, limit: 1))))
    }
}

@Suite("Segments of an office's own long log")
struct SegmentTests {
    static func police(events count: Int) throws -> PoliceAndCityHall {
        let pair = try PoliceAndCityHall()
        var index = 0
        _ = try pair.police.store.append(signer: pair.police.signer) {
            guard index < count else { return nil }
            defer { index += 1 }
            return try PoliceAndCityHall.district("d\(index)")
        }
        return pair
    }

    /// The office signs a checkpoint for each segment; the receiver ends with the office's own head.
    @Test func aLongOwnLogMovesInSegments() async throws {
        let pair = try Self.police(events: 3500)
        defer { withExtendedLifetime(pair) {} }
        let hall = CuttingPeer(base: LocalPeer(store: pair.hall.store))
        let report = try await SyncEngine.round(
            local: LocalPeer(store: pair.police.store, signer: pair.police.signer, segmentLimit: 1000), remote: hall)
        #expect(report.pushed["police"] == 3500 && report.refused.isEmpty)
        #expect(hall.pushes.map(\.after) == [0, 1000, 2000, 3000] && hall.pushes.map(\.count) == [1000, 1000, 1000, 500])
        let held = try #require(try pair.hall.store.head(office: "police"))
        let policeHead = try pair.police.store.head(office: "police")
        #expect(held.size == 3500 && held.checkpoint == policeHead?.checkpoint)
        #expect(try pair.hall.store.verify().eventCount >= 3500)
    }

    /// A cut segment loses only itself: the segments before it stay, and the next round moves the rest.
    @Test func aCutSegmentLosesOnlyItself() async throws {
        let pair = try Self.police(events: 3500)
        defer { withExtendedLifetime(pair) {} }
        let police = LocalPeer(store: pair.police.store, signer: pair.police.signer, segmentLimit: 1000)
        await #expect(throws: CutChunks.Lost.self) {
            try await SyncEngine.round(local: police, remote: CuttingPeer(base: LocalPeer(store: pair.hall.store), cutFrom: 2000))
        }
        let kept = try #require(try pair.hall.store.head(office: "police"))
        #expect(kept.size == 2000)
        // The checkpoint kept is the one police signed for that segment, and it verifies.
        let signed = try SignedCheckpoint(note: try #require(kept.checkpoint), verifier: pair.police.signer.verifier)
        #expect(signed.checkpoint.size == 2000 && signed.checkpoint.root == kept.root)
        #expect(try pair.hall.store.verify().forks.isEmpty)

        let hall = CuttingPeer(base: LocalPeer(store: pair.hall.store))
        let report = try await SyncEngine.round(local: police, remote: hall)
        #expect(report.pushed["police"] == 1500)
        #expect(hall.pushes.map(\.after) == [2000, 3000])
        let policeRoot = try pair.police.store.head(office: "police")?.root
        #expect(try pair.hall.store.head(office: "police")?.root == policeRoot)
    }

    /// Only the office can sign a prefix: a node relaying another office's log sends it whole.
    @Test func aRelayedLogIsSentWhole() async throws {
        let pair = try Self.police(events: 2500)
        defer { withExtendedLifetime(pair) {} }
        _ = try await SyncEngine.round(local: LocalPeer(store: pair.police.store), remote: LocalPeer(store: pair.hall.store))
        let other = try LedgerDirectory(path: pair.folder + "/cityhall-2").initialize(
            identity: LedgerIdentity(city: "springfield", office: "cityhall"), projector: CivicProjector())
        try other.store.trust(office: "police", verifier: pair.police.signer.verifier)
        let target = CuttingPeer(base: LocalPeer(store: other.store))
        let relay = LocalPeer(store: pair.hall.store, signer: pair.hall.signer, segmentLimit: 1000)
        let report = try await SyncEngine.round(local: relay, remote: target)
        #expect(report.pushed["police"] == 2500)
        #expect(target.pushes.map(\.count) == [2500])
    }

    @Test func aPrefixIsSignedOnlyWithTheOfficeKeyAndWithinTheLog() throws {
        let pair = try Self.police(events: 10)
        defer { withExtendedLifetime(pair) {} }
        let note = try pair.police.store.signPrefix(size: 4, signer: pair.police.signer)
        let signed = try SignedCheckpoint(note: note, verifier: pair.police.signer.verifier)
        #expect(signed.checkpoint.size == 4)
        #expect(signed.checkpoint.root == MerkleTree.root(try pair.police.store.leafHashes(office: "police", size: 4)[...]))
        #expect(throws: StoreError.self) { try pair.police.store.signPrefix(size: 4, signer: pair.hall.signer) }
        #expect(throws: StoreError.self) { try pair.police.store.signPrefix(size: 11, signer: pair.police.signer) }
        #expect(throws: StoreError.self) { try pair.police.store.signPrefix(size: 0, signer: pair.police.signer) }
    }
}
