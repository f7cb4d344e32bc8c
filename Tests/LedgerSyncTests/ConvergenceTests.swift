import CivicDomain
import CivicTestSupport
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync
import Testing

@Suite("Sync convergence")
struct ConvergenceTests {
    @Test func planMovesEachLogTowardsTheNodeThatLacksIt() {
        let plan = SyncPlan(
            local: ["transport": 3, "police": 2, "it": 7], localOffice: "transport", remote: ["police": 5, "it": 7, "transport": 1, "works": 2],
            remoteOffice: "police")
        #expect(plan.pull == [.init(office: "police", after: 2, through: 5), .init(office: "works", after: 0, through: 2)])
        #expect(plan.push == [.init(office: "transport", after: 1, through: 3)])
        let odd = SyncPlan(local: ["transport": 3], localOffice: "transport", remote: ["transport": 9], remoteOffice: "police")
        #expect(odd.pull.isEmpty && odd.anomalies == ["transport"])
    }
}

@Suite("Registrar trust")
struct RegistrarTests {
    /// City hall registers two offices; they trust only city hall's key, and learn each other's keys
    /// from the registrations that sync brings (registrar's log first).
    @Test func registrationsCarryTrustThroughSync() async throws {
        let city = try TestCity(offices: ["cityhall", "transport", "police"], registrar: "cityhall", registering: true)
        defer { withExtendedLifetime(city) {} }
        let hall = city.ledgers["cityhall"]!
        var offices: [String: LedgerDirectory.Opened] = [:]
        for office in ["transport", "police"] {
            offices[office] = city.ledgers[office]
            city.clock += 1000
            try city.record(office, "district.defined", "2026-01-02", Bodies.district(office, population: 1, need: 1))
        }
        // transport syncs with police first: neither knows the other's key yet, so each holds the
        // other's range in quarantine, outside the ledger.
        let transport = LocalPeer(store: offices["transport"]!.store)
        let police = LocalPeer(store: offices["police"]!.store)
        let early = try await SyncEngine.round(local: transport, remote: police)
        #expect(early.refused.isEmpty)
        #expect(early.quarantined == ["police": 1, "transport": 1])
        #expect(try offices["transport"]!.store.eventCount() == 1)
        #expect(try offices["transport"]!.store.quarantined().map(\.office) == ["police"])
        #expect(try offices["transport"]!.store.heldLogs().map(\.office) == ["transport"])
        // Through city hall: registrations first; then transport trusts police and applies the waiting range.
        _ = try await SyncEngine.round(local: transport, remote: LocalPeer(store: hall.store))
        #expect(try offices["transport"]!.store.quarantined().isEmpty)
        #expect(try offices["transport"]!.store.head(office: "police")?.size == 1)
        #expect(try offices["transport"]!.store.verify().forks.isEmpty)
        _ = try await SyncEngine.round(local: police, remote: LocalPeer(store: hall.store))
        _ = try await SyncEngine.round(local: transport, remote: LocalPeer(store: hall.store))
        let hashes = try [hall.store, offices["transport"]!.store, offices["police"]!.store].map { try $0.citywideCheckpoint().hash }
        #expect(Set(hashes).count == 1)
        #expect(try offices["police"]!.store.eventCount() == 4)

        // An office may not register others.
        let forged = #"{"office":"works","name":"Works","key":"\#(offices["police"]!.signer.verifier.vkey)"}"#
        #expect(throws: StoreError.self) {
            try offices["transport"]!.store.append(
                [try EventDraft(type: "office.registered", effective: LedgerDate("2026-01-03")!, body: JSONParser.parse(Array(forged.utf8), profile: .strict))],
                signer: offices["transport"]!.signer, validate: { try EventTypeRegistry.version1.validate($0) })
        }
    }
}

/// A police ledger and a city-hall ledger, each trusting the other's key, in a temporary folder.
final class PoliceAndCityHall {
    let city: TestCity
    var folder: String { city.folder.path }
    var police: LedgerDirectory.Opened { city.ledgers["police"]! }
    var hall: LedgerDirectory.Opened { city.ledgers["cityhall"]! }

    init() throws {
        city = try TestCity(offices: ["police", "cityhall"])
    }

    static func district(_ id: String) throws -> EventDraft {
        try TestCity.draft("district.defined", "2026-01-01", Bodies.district(id, population: 1, need: 1))
    }
}

@Suite("Forks")
struct ForkTests {
    @Test func aForkedRangeIsRefusedAndKeptAsEvidence() async throws {
        let pair = try PoliceAndCityHall()
        defer { withExtendedLifetime(pair) {} }
        let (folder, police, hall) = (pair.folder, pair.police, pair.hall)
        let district = PoliceAndCityHall.district
        _ = try police.store.append([try district("a")], signer: police.signer)
        // The office's key is copied and used to write a second history from seq 2 on.
        try FileManager.default.copyItem(atPath: folder + "/police", toPath: folder + "/police-fork")
        let fork = try LedgerDirectory(path: folder + "/police-fork").open(projector: CivicProjector())
        _ = try police.store.append([try district("b")], signer: police.signer)
        _ = try fork.store.append([try district("z")], signer: fork.signer)

        _ = try await SyncEngine.round(local: LocalPeer(store: hall.store), remote: LocalPeer(store: police.store))
        let before = try hall.store.citywideCheckpoint()
        let report = try await SyncEngine.round(local: LocalPeer(store: hall.store), remote: LocalPeer(store: fork.store))
        // Equal sizes: nothing to move by vector, but the two roots differ, so the nodes show each
        // other their checkpoints (gossip) and both keep the proof: the two signed checkpoints, in one
        // order, so both hold the same proof.
        #expect(report.refused.isEmpty && report.isEmpty)
        #expect(report.forks == ["police", "police"])
        #expect(try hall.store.forks().map(\.seq) == [2])
        #expect(try fork.store.forks().map(\.digest) == hall.store.forks().map(\.digest))
        // Pushed directly, the forked range is refused; its checkpoint proves the same fork (kept once); nothing changes.
        let forked = try await LocalPeer(store: fork.store).fetch(office: "police", after: 0)
        await #expect(throws: StoreError.self) { try await LocalPeer(store: hall.store).push(forked) }
        #expect(try hall.store.citywideCheckpoint() == before)
        let evidence = try hall.store.forks()
        #expect(evidence.count == 1 && evidence.allSatisfy { $0.office == "police" && $0.seq == 2 })
        #expect(try hall.store.verify().forks.count == 1)
        // Rechecked from what is stored alone: the two notes verify under police's key and disagree.
        let held = try #require(try hall.store.forkProofs().first)
        let (first, second) = try held.proof.verify(firstKey: police.signer.verifier, secondKey: police.signer.verifier)
        #expect(first.checkpoint.size == 2 && second.checkpoint.size == 2 && first.checkpoint.root != second.checkpoint.root)
        // Fork evidence is a node finding, naming the event held at that seq.
        let forks = try CityState.load(from: hall.store, filter: .none).findings.filter { $0.kind == .fork }
        #expect(forks.count == 1 && forks.allSatisfy { $0.scope == .node && $0.events.first?.seq == 2 })
    }
}
