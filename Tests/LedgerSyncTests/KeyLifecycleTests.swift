import CivicDomain
import CivicTestSupport
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync
import Testing

/// Keys have a life (DESIGN §3): an office's key rotates and its log goes on as one tree; a stolen
/// key is revoked and what only it vouched for stops counting; the registrar's own key rotates and
/// nodes made with the old one follow.
@Suite("Key lifecycle")
struct KeyLifecycleTests {
    static func city() async throws -> TestCity {
        let city = try TestCity(offices: ["cityhall", "transport", "police"], registrar: "cityhall", registering: true)
        city.at("2026-02-01")
        for index in 0..<3 {
            city.clock += 1000
            try city.record("transport", "district.defined", "2026-02-01", Bodies.district("t\(index)"))
        }
        try await city.sync("transport", "cityhall")
        try await city.sync("police", "cityhall")
        return city
    }

    /// Transport rotates its key after 3 events; the registrar records it; transport's log goes on
    /// under the new key and every node verifies the whole of it.
    @Test func anOfficeRotatesItsKeyAndItsLogGoesOn() async throws {
        let city = try await Self.city()
        let old = city.signer("transport").verifier
        let (key, from) = try city.rotateKey("transport")
        #expect(from == 4 && key != old && city.signer("transport").verifier == key)
        #expect(FileManager.default.fileExists(atPath: city.folder.path("transport/office.key.until-3")))
        city.clock += 1000
        try city.record("transport", "district.defined", "2026-02-02", Bodies.district("t3"))
        // Police does not know the new key yet: transport's new checkpoint is refused, not stored.
        let early = try await city.sync("police", "transport")
        #expect(early.refused["transport"] != nil)
        #expect(try city.store("police").head(office: "transport")?.size == 3)
        // The registrar records the rotation; its log moves first, so a round with it brings both.
        city.clock += 1000
        try city.record("cityhall", "office.key-rotated", "2026-02-02", #"{"office":"transport","key":"\#(key.vkey)","from_size":\#(from)}"#)
        try await city.sync("transport", "cityhall")
        try await city.sync("police", "cityhall")
        for office in city.offices {
            #expect(try city.store(office).head(office: "transport")?.size == 4, "\(office)")
            let report = try city.store(office).verify()
            #expect(report.offices.first { $0.office == "transport" }?.checkpointSize == 4, "\(office)")
            let keys = try #require(try city.store(office).keyHistories()["transport"])
            #expect(keys.keys.map(\.fromSize) == [1, 4] && keys.key(forSize: 3)?.verifier == old && keys.key(forSize: 4)?.verifier == key)
        }
        // A checkpoint signed by the old key for a size the new key covers is refused.
        let stale = try SignedCheckpoint(
            checkpoint: Checkpoint(origin: "civic/springfield/transport", size: 4, root: Hash.sha256([4])),
            signer: try NoteSigner(skey: String(contentsOfFile: city.folder.path("transport/office.key.until-3"), encoding: .utf8)))
        #expect(throws: StoreError.self) { try city.store("police").consider(checkpoint: stale.note.serialized, office: "transport") }
    }

    /// Transport's laptop is stolen with its key. The thief signs two more events and pushes them to
    /// police. The registrar revokes the key after size 3: the thief's next checkpoints are refused
    /// everywhere, and the two events police holds become findings, not state.
    @Test func aRevokedKeyIsRefusedEverywhereAndItsEventsStopCounting() async throws {
        let city = try await Self.city()
        try FileManager.default.copyItem(atPath: city.folder.path("transport"), toPath: city.folder.path("thief"))
        let thief = try LedgerDirectory(path: city.folder.path("thief")).open(projector: CivicProjector())
        city.clock += 1000
        _ = try thief.store.append(
            [try TestCity.draft("system.procured", "2026-02-03", Bodies.system("stolen")), try TestCity.draft("cost.incurred", "2026-02-03", Bodies.cost("stolen", 9_999))],
            signer: thief.signer, now: { city.clock })
        _ = try await SyncEngine.round(local: LocalPeer(store: city.store("police")), remote: LocalPeer(store: thief.store))
        #expect(try city.store("police").head(office: "transport")?.size == 5)
        #expect(try city.state("police").totalCost(system: "stolen") == 9_999)

        city.clock += 1000
        let key = city.signer("transport").verifier.vkey
        try city.record("cityhall", "office.key-revoked", "2026-02-03", #"{"office":"transport","key":"\#(key)","after":3,"reason":"laptop stolen"}"#)
        try await city.sync("police", "cityhall")
        // What police holds beyond size 3 is left out, each event a finding.
        let state = try city.state("police")
        #expect(state.totalCost(system: "stolen") == 0 && state.facts.systems["stolen"] == nil)
        let revoked = state.findings.filter { $0.kind == .revokedKey }
        #expect(revoked.map(\.events.first?.seq) == [4, 5], "\(state.findings.map(\.kind))")
        // The thief's next checkpoint is refused on every node that has the revocation.
        city.clock += 1000
        _ = try thief.store.append([try TestCity.draft("district.defined", "2026-02-04", Bodies.district("x"))], signer: thief.signer, now: { city.clock })
        for office in ["police", "cityhall"] {
            let report = try await SyncEngine.round(local: LocalPeer(store: city.store(office)), remote: LocalPeer(store: thief.store))
            #expect(report.refused["transport"]?.contains("revoked") == true, "\(office): \(report.refused)")
        }
        // The genuine office, once the revocation reaches it, can no longer sign with that key beyond 3 either.
        try await city.sync("transport", "cityhall")
        #expect(throws: StoreError.self) {
            try city.store("transport").append([try TestCity.draft("district.defined", "2026-02-04", Bodies.district("y"))], signer: city.signer("transport"))
        }
        // Everyone's findings agree (police holds the thief's events, the others do not: those differ by design).
        #expect(try city.store("cityhall").verify().forks.isEmpty)
    }

    /// The registrar rotates its own key; a node made with the registrar's first key follows the
    /// chain (its log comes in two parts, each verifying under the key the node knows then).
    @Test func theRegistrarRotatesItsKeyAndNodesMadeWithTheOldOneFollow() async throws {
        let city = try await Self.city()
        let first = city.signer("cityhall").verifier
        city.clock += 1000
        let (key, from) = try city.rotateKey("cityhall")
        let size = try #require(try city.store("cityhall").head(office: "cityhall")?.size)
        #expect(from == size + 1 && key != first)
        city.clock += 1000
        // The registrar registers a new office under its new key.
        let works = try LedgerDirectory(path: city.folder.path("works")).initialize(
            identity: LedgerIdentity(city: "springfield", office: "works", registrar: "cityhall"), registrarKey: first, projector: CivicProjector())
        try city.record("cityhall", "office.registered", "2026-02-05", #"{"office":"works","name":"Works","key":"\#(works.signer.verifier.vkey)"}"#)
        _ = try works.store.append([try TestCity.draft("district.defined", "2026-02-05", Bodies.district("w"))], signer: works.signer, now: { city.clock })
        // Works was made with the registrar's first key; it follows the rotation and trusts the new one.
        let report = try await SyncEngine.round(local: LocalPeer(store: works.store), remote: LocalPeer(store: city.store("cityhall")))
        #expect(report.refused.isEmpty, "\(report.refused)")
        #expect(try works.store.head(office: "cityhall")?.size == city.store("cityhall").head(office: "cityhall")?.size)
        #expect(try works.store.keyHistories()["cityhall"]?.keys.map(\.fromSize) == [1, from])
        #expect(try works.store.verify().offices.count >= 2)
        // Police, made with the first key too, follows the same way, and gets works through city hall.
        try await city.sync("police", "cityhall")
        try await city.sync("police", "cityhall")
        #expect(try city.store("police").keyHistories()["cityhall"]?.current?.verifier == key)
        _ = try await SyncEngine.round(local: LocalPeer(store: city.store("police")), remote: LocalPeer(store: works.store))
        #expect(try city.store("police").head(office: "works")?.size == 1)
        #expect(try city.store("police").verify().forks.isEmpty)
    }
}
