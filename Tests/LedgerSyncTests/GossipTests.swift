import CivicDomain
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync
import Testing

@Suite("Checkpoint gossip and proofs")
struct GossipTests {
    @Test func planShowsTheSmallerLogToTheLargerAndNothingWhenConverged() throws {
        let root = Hash.sha256([1])
        let other = Hash.sha256([2])
        func log(_ office: String, _ size: UInt64, _ hash: Hash) -> HeldLog {
            HeldLog(office: office, size: size, root: hash, checkpoint: "\(office)@\(size)")
        }
        let plan = GossipPlan(
            local: [log("police", 3, root), log("works", 5, root), log("parks", 2, root), log("it", 4, root)],
            remote: [log("police", 3, root), log("works", 7, other), log("parks", 2, other), log("transport", 1, root)])
        #expect(plan.toRemote.map(\.checkpoint) == ["parks@2", "works@5"])
        #expect(plan.toLocal.map(\.checkpoint) == ["parks@2"])
        let converged = GossipPlan(local: [log("police", 3, root)], remote: [log("police", 3, root)])
        #expect(converged.toRemote.isEmpty && converged.toLocal.isEmpty)
    }

    @Test func aContradictingCheckpointIsKeptAsForkEvidence() async throws {
        let pair = try PoliceAndCityHall()
        defer { withExtendedLifetime(pair) {} }
        let (police, hall) = (pair.police, pair.hall)
        // A second history of police, written with a copy of its key before anything was recorded.
        try FileManager.default.copyItem(atPath: pair.folder + "/police", toPath: pair.folder + "/police-fork")
        let fork = try LedgerDirectory(path: pair.folder + "/police-fork").open(projector: CivicProjector())
        _ = try police.store.append([try PoliceAndCityHall.district("a"), try PoliceAndCityHall.district("b")], signer: police.signer)
        _ = try fork.store.append([try PoliceAndCityHall.district("z")], signer: fork.signer)
        _ = try await SyncEngine.round(local: LocalPeer(store: hall.store), remote: LocalPeer(store: police.store))
        let before = try hall.store.citywideCheckpoint()

        // City hall holds police at size 2; the forked node holds a size-1 log of another history.
        let plan = GossipPlan(local: try hall.store.heldLogs(), remote: try fork.store.heldLogs())
        #expect(plan.toLocal.map(\.office) == ["police"])
        let found = await plan.run(local: LocalPeer(store: hall.store), remote: LocalPeer(store: fork.store))
        #expect(found == ["police"])
        #expect(try hall.store.forks().map(\.seq) == [1])
        #expect(try hall.store.citywideCheckpoint() == before)  // nothing held changed
        #expect(try hall.store.verify().forks.count == 1)

        // The honest checkpoint agrees with what city hall holds; one of a larger log cannot be checked yet.
        let honest = try #require(try police.store.head(office: "police")?.checkpoint)
        #expect(try hall.store.consider(checkpoint: honest, office: "police") == .consistent)
        _ = try police.store.append([try PoliceAndCityHall.district("c")], signer: police.signer)
        let larger = try #require(try police.store.head(office: "police")?.checkpoint)
        #expect(try hall.store.consider(checkpoint: larger, office: "police") == .ahead)
        // A checkpoint signed by another key, or of an office not trusted here, is refused.
        #expect(throws: StoreError.self) { try hall.store.consider(checkpoint: larger, office: "cityhall") }
        #expect(throws: StoreError.self) { try hall.store.consider(checkpoint: larger, office: "works") }
        #expect(try hall.store.forks().count == 1)
    }

    @Test func storeProofsVerify() throws {
        let pair = try PoliceAndCityHall()
        defer { withExtendedLifetime(pair) {} }
        let police = pair.police
        _ = try police.store.append((0..<7).map { try PoliceAndCityHall.district("d\($0)") }, signer: police.signer)
        let inclusion = try police.store.inclusionProof(office: "police", seq: 3)
        try MerkleTree.verifyInclusion(index: 2, size: 7, leaf: inclusion.leafHash, proof: inclusion.path, root: inclusion.root)
        #expect(inclusion.checkpoint != nil)  // at the head's size, the signed checkpoint comes along
        let old = try police.store.inclusionProof(office: "police", seq: 3, size: 5)
        #expect(old.checkpoint == nil)
        let consistency = try police.store.consistencyProof(office: "police", from: 4)
        try MerkleTree.verifyConsistency(oldSize: 4, newSize: 7, oldRoot: consistency.root1, newRoot: consistency.root2, proof: consistency.path)
        #expect(throws: StoreError.self) { try police.store.inclusionProof(office: "police", seq: 8) }
        #expect(throws: StoreError.self) { try police.store.consistencyProof(office: "police", from: 0) }
        #expect(throws: StoreError.self) { try police.store.inclusionProof(office: "works", seq: 1) }
    }
}
