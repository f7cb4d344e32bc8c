import CivicDomain
import CivicTestSupport
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync
import Testing

/// Witnessing (Protocol/PUBLISH.md §3): nodes cosign the other offices' checkpoints they hold,
/// cosignatures move with sync, and a node keeps only those that verify.
@Suite("Witness cosignatures")
struct WitnessTests {
    static func city() throws -> TestCity {
        let city = try TestCity(offices: ["cityhall", "police", "transport"], registrar: "cityhall", registering: true)
        try city.record("police", (0..<3).map { try TestCity.draft("district.defined", "2026-01-01", Bodies.district("p\($0)")) })
        try city.record("transport", (0..<2).map { try TestCity.draft("district.defined", "2026-01-01", Bodies.district("t\($0)")) })
        return city
    }

    /// A witnessing round: both nodes with their office keys.
    static func round(_ city: TestCity, _ local: String, _ remote: String) async throws -> SyncReport {
        let now = city.clock
        return try await SyncEngine.round(
            local: LocalPeer(store: city.store(local), signer: city.signer(local), now: { now }),
            remote: LocalPeer(store: city.store(remote), signer: city.signer(remote), now: { now }))
    }

    @Test func nodesCosignEachOthersLogsAndTheCosignaturesMoveWithSync() async throws {
        let city = try Self.city()
        for _ in 0..<2 {
            for office in ["police", "transport"] { try await Self.round(city, office, "cityhall") }
        }
        // City hall holds police's checkpoint cosigned by itself and by transport (which saw police's
        // log through city hall), never by police; each line verifies under its witness's key.
        let note = try #require(try city.store("cityhall").cosignedCheckpoint(office: "police"))
        let parsed = try SignedNote(parsing: note)
        let cosignatures = parsed.signatures.compactMap(Cosignature.init)
        #expect(cosignatures.map(\.name) == ["civic/springfield/cityhall", "civic/springfield/transport"])
        for cosignature in cosignatures {
            let witness = String(cosignature.name.split(separator: "/").last ?? "")
            #expect(cosignature.verifies(parsed.text, name: cosignature.name, publicKey: city.signer(witness).verifier.publicKey))
        }
        try parsed.verify(with: city.signer("police").verifier)
        // Police holds transport's and city hall's cosignatures of transport's log too.
        let transport = try SignedNote(parsing: try #require(try city.store("police").cosignedCheckpoint(office: "transport")))
        #expect(transport.signatures.compactMap(Cosignature.init).map(\.name) == ["civic/springfield/cityhall", "civic/springfield/police"])
        // Converged, a further round exchanges nothing new.
        let before = try await city.store("cityhall").cosignatures()
        try await Self.round(city, "police", "cityhall")
        #expect(try await city.store("cityhall").cosignatures() == before)

        // New events: the next round moves them, and the witnesses cosign the new checkpoint.
        try city.record("police", [try TestCity.draft("district.defined", "2026-01-02", Bodies.district("p9"))])
        try await Self.round(city, "police", "cityhall")
        let grown = try SignedNote(parsing: try #require(try city.store("cityhall").cosignedCheckpoint(office: "police")))
        #expect(try Checkpoint(text: grown.text).size == 4)
        #expect(grown.signatures.compactMap(Cosignature.init).map(\.name) == ["civic/springfield/cityhall"])
    }

    @Test func onlyCosignaturesThatVerifyAreKept() async throws {
        let city = try Self.city()
        _ = try await city.converge()
        let hall = city.store("cityhall")
        let note = try #require(try hall.head(office: "police")?.checkpoint)
        let text = try SignedNote(parsing: note).text
        let transport = city.signer("transport"), police = city.signer("police")
        let outsider = try NoteSigner(name: "civic/springfield/parks")
        let impostor = try NoteSigner(name: "civic/springfield/transport")
        let otherText = text.replacingOccurrences(of: "\n3\n", with: "\n2\n")
        let bad: [CosignedCheckpoint] = [
            CosignedCheckpoint(office: "police", note: note, cosignature: try transport.cosign(otherText, at: 1)),  // another checkpoint
            CosignedCheckpoint(office: "police", note: note, cosignature: try outsider.cosign(text, at: 1)),  // no such office
            CosignedCheckpoint(office: "police", note: note, cosignature: try police.cosign(text, at: 1)),  // its own log
            CosignedCheckpoint(office: "police", note: note, cosignature: try impostor.cosign(text, at: 1)),  // transport's name, another key
            CosignedCheckpoint(office: "police", note: note, cosignature: try NoteSigner(name: "civic/othertown/transport").cosign(text, at: 1)),
        ]
        let intake = try await hall.keep(cosignatures: bad)
        #expect(intake.kept == 0 && intake.refused.count == bad.count, "\(intake)")
        #expect(try await hall.cosignatures().isEmpty)

        // A good one is kept once; one of a checkpoint larger than the log held waits.
        let good = CosignedCheckpoint(office: "police", note: note, cosignature: try transport.cosign(text, at: 2))
        #expect(try await hall.keep(cosignatures: [good, good]).kept == 1)
        try city.record("police", [try TestCity.draft("district.defined", "2026-01-02", Bodies.district("p9"))])
        let ahead = try #require(try city.store("police").head(office: "police")?.checkpoint)
        let later = CosignedCheckpoint(office: "police", note: ahead, cosignature: try transport.cosign(try SignedNote(parsing: ahead).text, at: 3))
        #expect(try await hall.keep(cosignatures: [later]).ahead == 1)
    }

    @Test func aCosignedCheckpointThatContradictsTheLogIsForkEvidence() async throws {
        let city = try Self.city()
        // A second history of police, signed with a copy of its key.
        let copy = try city.copy()
        try copy.record("police", [try TestCity.draft("district.defined", "2026-01-03", Bodies.district("forged"))])
        _ = try await city.converge()
        let forged = try #require(try copy.store("police").head(office: "police")?.checkpoint)
        let witnessed = CosignedCheckpoint(
            office: "police", note: forged, cosignature: try city.signer("transport").cosign(try SignedNote(parsing: forged).text, at: 5))
        // City hall holds police at size 3; the forged checkpoint is of size 4 — ahead, not yet
        // checkable — so the honest log grows to 4 first.
        try city.record("police", [try TestCity.draft("district.defined", "2026-01-03", Bodies.district("honest"))])
        _ = try await city.converge()
        let intake = try await city.store("cityhall").keep(cosignatures: [witnessed])
        #expect(intake.forks == ["police"] && intake.kept == 0, "\(intake)")
        #expect(try city.store("cityhall").forks().map(\.office) == ["police"])
    }
}
