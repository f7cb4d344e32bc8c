import CivicDomain
import CivicTestSupport
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync
import Testing

@Suite("Quarantine")
struct QuarantineTests {
    /// A range of an office not trusted yet waits outside the ledger; a forged one is dropped when the key arrives.
    @Test func rangesWaitForTheirOfficesKey() async throws {
        let pair = try PoliceAndCityHall()
        defer { withExtendedLifetime(pair) {} }
        let (police, hall) = (pair.police, pair.hall)
        let works = try LedgerDirectory(path: pair.folder + "/works").initialize(
            identity: LedgerIdentity(city: "springfield", office: "works"), projector: CivicProjector())
        _ = try works.store.append([try PoliceAndCityHall.district("w1"), try PoliceAndCityHall.district("w2")], signer: works.signer)
        let range = try await LocalPeer(store: works.store).fetch(office: "works", after: 0)
        let summary = try await LocalPeer(store: hall.store).push(range)
        #expect(summary.stored == 0 && summary.quarantined == 2)
        #expect(try hall.store.quarantined().map(\.events) == [2])
        #expect(try hall.store.head(office: "works") == nil)
        // Offered again: held once.
        _ = try await LocalPeer(store: hall.store).push(try await LocalPeer(store: works.store).fetch(office: "works", after: 0))
        #expect(try hall.store.quarantined().count == 1)

        // The key arrives; the next range received releases what waited.
        try hall.store.trust(office: "works", verifier: works.signer.verifier)
        _ = try police.store.append([try PoliceAndCityHall.district("p1")], signer: police.signer)
        _ = try await SyncEngine.round(local: LocalPeer(store: hall.store), remote: LocalPeer(store: police.store))
        #expect(try hall.store.quarantined().isEmpty)
        #expect(try hall.store.head(office: "works")?.size == 2)
        #expect(try hall.store.verify().forks.isEmpty)
    }

    @Test func aForgedRangeIsDroppedWhenTheRealKeyArrives() async throws {
        let pair = try PoliceAndCityHall()
        defer { withExtendedLifetime(pair) {} }
        let hall = pair.hall
        // An impostor signs a "works" log with its own key.
        let impostor = try LedgerDirectory(path: pair.folder + "/impostor").initialize(
            identity: LedgerIdentity(city: "springfield", office: "works"), projector: CivicProjector())
        _ = try impostor.store.append([try PoliceAndCityHall.district("fake")], signer: impostor.signer)
        let summary = try await LocalPeer(store: hall.store).push(try await LocalPeer(store: impostor.store).fetch(office: "works", after: 0))
        #expect(summary.quarantined == 1)
        let real = try NoteSigner(name: "civic/springfield/works")
        try hall.store.trust(office: "works", verifier: real.verifier)
        let released = try hall.store.releaseQuarantine()
        #expect(released.isEmpty)  // refused under the real key: dropped, nothing stored
        #expect(try hall.store.quarantined().isEmpty)
        #expect(try hall.store.head(office: "works") == nil)
    }

    /// At the registrar, recording the registration applies what waited for it at once.
    @Test func recordingTheRegistrationReleasesWhatWaited() async throws {
        let folder = try TemporaryFolder("civic-registrar")
        let hall = try LedgerDirectory(path: folder.path("cityhall")).initialize(
            identity: LedgerIdentity(city: "springfield", office: "cityhall", registrar: "cityhall"), projector: CivicProjector())
        let works = try LedgerDirectory(path: folder.path("works")).initialize(
            identity: LedgerIdentity(city: "springfield", office: "works", registrar: "cityhall"), projector: CivicProjector())
        defer { withExtendedLifetime(folder) {} }
        _ = try works.store.append([try PoliceAndCityHall.district("w1"), try PoliceAndCityHall.district("w2")], signer: works.signer)
        let pushed = try await LocalPeer(store: hall.store).push(try await LocalPeer(store: works.store).fetch(office: "works", after: 0))
        #expect(pushed.quarantined == 2)

        let registration = try EventDraft(
            type: "office.registered", effective: LedgerDate("2026-01-01")!,
            body: .object([("key", .string(works.signer.verifier.vkey)), ("name", .string("Works")), ("office", .string("works"))]))
        let summary = try hall.store.append([registration], signer: hall.signer)
        #expect(summary.released.map(\.stored) == [2])
        #expect(try hall.store.quarantined().isEmpty)
        #expect(try hall.store.head(office: "works")?.size == 2)
        // An append that registers nothing releases nothing, and costs one look at an empty table.
        #expect(try hall.store.append([try PoliceAndCityHall.district("h1")], signer: hall.signer).released.isEmpty)
    }
}
