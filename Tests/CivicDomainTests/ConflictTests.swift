import CivicDomain
import CivicTestSupport
import Foundation
import LedgerCore
import LedgerStore
import Testing

/// Offices that record offline make decisions that conflict. Every authentic event is received;
/// the fold resolves each conflict the same way on every node (VOCABULARY.md, "Conflicts") and
/// lists it as a finding. One test per kind of conflict.
@Suite("Conflicts resolved by the fold")
struct ConflictTests {
    /// City hall (the registrar) and three departments that share systems and districts.
    static func city() async throws -> TestCity {
        let city = try TestCity(offices: ["cityhall", "transport", "police", "it"], registrar: "cityhall")
        city.at("2025-01-06")
        try city.record("cityhall", "district.defined", "2025-01-06", Bodies.district("d1", population: 5000, need: 70, priority: true))
        try city.record("cityhall", "district.defined", "2025-01-06", Bodies.district("d2", population: 3000, need: 20))
        city.at("2025-01-10")
        try await city.converge()
        try city.record("transport", "system.procured", "2025-01-10", Bodies.system("cam-1", vendor: "Acme"))
        try city.record("transport", "deployment.recorded", "2025-01-10", Bodies.deployment("cam-1", "d1", units: 5))
        try await city.converge()
        return city
    }

    /// Every node received everything and computes the same state and ledger findings; returns them.
    static func converged(_ city: TestCity) async throws -> (state: CityState, findings: [Finding]) {
        let refusals = try await city.converge()
        #expect(refusals.isEmpty, "authentic events were refused: \(refusals)")
        let views = try city.offices.map { try city.ledgerView($0) }
        #expect(Set(views).count == 1, "the nodes computed different states")
        let counts = try city.offices.map { try city.store($0).eventCount() }
        #expect(Set(counts).count == 1, "the nodes hold different events: \(counts)")
        let state = try city.state("cityhall")
        return (state, state.findings.filter { $0.scope == .ledger })
    }

    /// The issue's case: transport retires a camera while police, offline, pays for it. Police's
    /// cost is received everywhere, counted, and the finding names both events.
    @Test func aCostOnASystemRetiredWhileThePayerWasOffline() async throws {
        let city = try await Self.city()
        city.at("2025-06-01")
        let retirement = try city.record("transport", "system.retired", "2025-06-01", Bodies.retirement("cam-1"))
        city.clock += 3_600_000
        let cost = try city.record("police", "cost.incurred", "2025-05-20", Bodies.cost("cam-1", 45_000))
        let (state, findings) = try await Self.converged(city)
        let finding = try #require(findings.first { $0.kind == .systemRetired })
        #expect(finding.events.map(\.id) == [cost.leafHash])
        #expect(finding.conflictsWith.map(\.id) == [retirement.leafHash])
        #expect(finding.resolution == .counted)
        #expect(finding.detail.contains("was retired on 2025-06-01"))
        #expect(state.totalCost(system: "cam-1") == 45_000)
        #expect(state.facts.systems["cam-1"]?.retiredOn == "2025-06-01")
        #expect(findings.count == 1)
    }

    /// Two offices create the same id offline: the first in citywide order stands, the second is
    /// left out; costs naming the id count towards the system that stands.
    @Test func theSameSystemProcuredTwice() async throws {
        let city = try await Self.city()
        city.at("2025-02-01")
        let first = try city.record("it", "system.procured", "2025-02-01", Bodies.system("wifi", category: "broadband", vendor: "NetCo"))
        city.clock += 60_000
        let second = try city.record("police", "system.procured", "2025-02-01", Bodies.system("wifi", category: "broadband", vendor: "AirLink"))
        city.clock += 60_000
        try city.record("police", "cost.incurred", "2025-02-03", Bodies.cost("wifi", 700))
        let (state, findings) = try await Self.converged(city)
        #expect(state.facts.systems["wifi"]?.procured.vendor == "NetCo")
        #expect(state.facts.systems["wifi"]?.office == "it")
        #expect(state.totalCost(system: "wifi") == 700)
        let finding = try #require(findings.first { $0.kind == .duplicateID })
        #expect(finding.events.map(\.id) == [second.leafHash] && finding.conflictsWith.map(\.id) == [first.leafHash])
        #expect(finding.resolution == .ignored)
        #expect(findings.count == 1)
    }

    @Test func theSameAlgorithmRegisteredTwice() async throws {
        let city = try await Self.city()
        city.at("2025-02-01")
        let first = try city.record("transport", "algorithm.registered", "2025-02-01", Bodies.algorithm("triage"))
        city.clock += 1000
        try city.record("police", "algorithm.registered", "2025-02-01", Bodies.algorithm("triage", system: "cam-1"))
        let (state, findings) = try await Self.converged(city)
        #expect(state.facts.algorithms["triage"]?.system == nil)
        #expect(state.facts.algorithmRegistrations["triage"]?.office == "transport")
        #expect(findings.map(\.kind) == [.duplicateID] && findings.first?.conflictsWith.map(\.id) == [first.leafHash])
    }

    /// Deployments, assessments and amendments of a system retired before them in citywide order
    /// are left out of the state (their events stay in the log).
    @Test func factsAboutARetiredSystemAreLeftOut() async throws {
        let city = try await Self.city()
        city.at("2025-03-01")
        try city.record("transport", "system.retired", "2025-03-01", Bodies.retirement("cam-1"))
        city.clock += 60_000
        try city.record("police", "deployment.recorded", "2025-03-01", Bodies.deployment("cam-1", "d2", units: 2))
        try city.record("it", "surveillance.assessed", "2025-03-01", Bodies.assessment("cam-1", districts: ["d1"]))
        city.clock += 60_000
        let amendment = try city.recordUnchecked("transport", "contract.amended", "2025-03-02", Bodies.amendment("cam-1", change: 500))
        let (state, findings) = try await Self.converged(city)
        #expect(state.facts.systems["cam-1"]?.deployments == ["d1": 5])
        #expect(state.facts.systems["cam-1"]?.surveillance == nil)
        #expect(state.facts.systems["cam-1"]?.contractValue == 10_000_000)
        #expect(findings.map(\.kind) == [.systemRetired, .systemRetired, .systemRetired])
        #expect(findings.allSatisfy { $0.resolution == .ignored })
        #expect(findings.last?.events.map(\.id) == [amendment.leafHash])
    }

    /// A cost placed before its system's procurement in citywide order (the procuring office's clock
    /// ran ahead, so the payer's did not follow it) is counted, with a finding.
    @Test func aCostBeforeItsSystemInTheOrderIsCounted() async throws {
        let city = try await Self.city()
        city.at("2025-04-01")
        let procurement = try city.record("it", "system.procured", "2025-04-01", Bodies.system("lights", category: "streetlights"))
        city.clock = procurement.envelope.hlc.wall - 3_600_000
        let cost = try city.recordUnchecked("police", "cost.incurred", "2025-04-01", Bodies.cost("lights", 1_200))
        let stray = try city.recordUnchecked("police", "cost.incurred", "2025-04-01", Bodies.cost("ghost", 300))
        let foreign = try city.recordUnchecked("police", "cost.incurred", "2025-04-01", Bodies.cost("cam-1", 99, currency: "EUR"))
        let early = try city.recordUnchecked("police", "cost.incurred", "2024-12-01", Bodies.cost("cam-1", 11))
        let deployment = try city.recordUnchecked("police", "deployment.recorded", "2025-04-01", Bodies.deployment("lights", "d2", units: 3))
        let (state, findings) = try await Self.converged(city)
        // A deployment before its system's procurement is left out; the costs are all counted.
        #expect(state.facts.systems["lights"]?.deployments.isEmpty == true)
        #expect(findings.first { $0.events.first?.id == deployment.leafHash }.map { ($0.kind, $0.resolution) } ?? (.fork, .flagged) == (.systemNotProcured, .ignored))
        #expect(state.totalCost(system: "lights") == 1_200 && state.totalCost(system: "ghost") == 300)
        func kinds(_ event: Event) -> [FindingKind] { findings.filter { $0.events.first?.id == event.leafHash }.map(\.kind) }
        #expect(kinds(cost) == [.systemNotProcured] && kinds(stray) == [.systemNotProcured])
        #expect(findings.first { $0.events.first?.id == cost.leafHash }?.conflictsWith.map(\.id) == [procurement.leafHash])
        #expect(kinds(foreign) == [.currencyMismatch])
        #expect(kinds(early) == [.costBeforeProcurement])
        #expect(findings.filter { $0.events.first?.type == "cost.incurred" }.allSatisfy { $0.resolution == .counted })
        #expect(state.costs.contains { $0.system == "cam-1" && $0.currency == "EUR" && $0.amount == 99 })
    }

    /// A deployment naming a district not defined before it counts there all the same, with a
    /// finding; so does an assessment naming one.
    @Test func aDeploymentInADistrictDefinedLater() async throws {
        let city = try await Self.city()
        city.at("2025-05-01")
        let deployment = try city.recordUnchecked("police", "deployment.recorded", "2025-05-01", Bodies.deployment("cam-1", "harbour", units: 4))
        city.clock += 86_400_000
        try city.record("cityhall", "district.defined", "2025-05-02", Bodies.district("harbour", population: 900, need: 60))
        let (state, findings) = try await Self.converged(city)
        #expect(state.facts.systems["cam-1"]?.deployments["harbour"] == 4)
        #expect(state.facts.districts["harbour"] != nil)
        #expect(findings.map(\.kind) == [.districtNotDefined])
        #expect(findings.first?.events.map(\.id) == [deployment.leafHash] && findings.first?.resolution == .applied)
    }

    /// Two offices each remove units that were there in their own view: the second removal in the
    /// order removes what is left, with a finding.
    @Test func moreUnitsRemovedThanDeployed() async throws {
        let city = try await Self.city()
        city.at("2025-05-01")
        try city.record("police", "deployment.removed", "2025-05-01", Bodies.deployment("cam-1", "d1", units: 3))
        city.clock += 60_000
        let second = try city.record("it", "deployment.removed", "2025-05-01", Bodies.deployment("cam-1", "d1", units: 4))
        let (state, findings) = try await Self.converged(city)
        #expect(state.facts.systems["cam-1"]?.deployments["d1"] == nil)
        #expect(findings.map(\.kind) == [.overRemoval])
        #expect(findings.first?.events.map(\.id) == [second.leafHash] && findings.first?.resolution == .clamped)
        #expect(findings.first?.detail.contains("removes 4 but only 2 are deployed in d1") == true)
    }

    /// Only the procuring office or the registrar amends or retires a system: refused when recorded,
    /// left out (with a finding) when received; the registrar's retirement stands.
    @Test func onlyTheProcuringOfficeOrTheRegistrarAmendsOrRetires() async throws {
        let city = try await Self.city()
        city.at("2025-06-01")
        for (type, body) in [("contract.amended", Bodies.amendment("cam-1", change: 100)), ("system.retired", Bodies.retirement("cam-1"))] {
            let error = #expect(throws: StoreError.self) { try city.record("police", type, "2025-06-01", body) }
            #expect(error?.description.contains("only transport or the registrar may") == true, "\(error?.description ?? "")")
        }
        let amendment = try city.recordUnchecked("police", "contract.amended", "2025-06-01", Bodies.amendment("cam-1", change: 100))
        let retirement = try city.recordUnchecked("police", "system.retired", "2025-06-01", Bodies.retirement("cam-1"))
        city.clock += 60_000
        try city.record("cityhall", "contract.amended", "2025-06-02", Bodies.amendment("cam-1", change: 7))
        let (state, findings) = try await Self.converged(city)
        #expect(state.facts.systems["cam-1"]?.contractValue == 10_000_007)
        #expect(state.facts.systems["cam-1"]?.retiredOn == nil)
        #expect(findings.map(\.kind) == [.unauthorized, .unauthorized])
        #expect(findings.map { $0.events.first?.id } == [amendment.leafHash, retirement.leafHash])
    }

    /// Corrections: the recording office and the registrar correct the same cost offline (the last
    /// in order applies); another office's correction, one of a missing event, one of a correction
    /// and one whose replacement does not fit the corrected type are left out.
    @Test func correctionsThatConflict() async throws {
        let city = try await Self.city()
        city.at("2025-07-01")
        let cost = try city.record("police", "cost.incurred", "2025-07-01", Bodies.cost("cam-1", 1_000))
        try await city.converge()
        city.clock += 60_000
        let own = try city.record("police", "event.corrected", "2025-07-02", Bodies.correction(of: cost.id, replacement: Bodies.cost("cam-1", 900)))
        city.clock += 60_000
        let registrar = try city.record(
            "cityhall", "event.corrected", "2025-07-02", Bodies.correction(of: cost.id, replacement: Bodies.cost("cam-1", 800)))
        let refused = #expect(throws: StoreError.self) {
            try city.record("it", "event.corrected", "2025-07-03", Bodies.correction(of: cost.id, replacement: Bodies.cost("cam-1", 1)))
        }
        #expect(refused?.description.contains("only police or the registrar may correct it") == true)
        city.clock += 60_000
        let foreign = try city.recordUnchecked("it", "event.corrected", "2025-07-03", Bodies.correction(of: cost.id, replacement: Bodies.cost("cam-1", 1)))
        let missing = try city.recordUnchecked(
            "police", "event.corrected", "2025-07-03", Bodies.correction(of: String(repeating: "ab", count: 32), replacement: Bodies.cost("cam-1", 1)))
        let ofCorrection = try city.recordUnchecked("police", "event.corrected", "2025-07-03", Bodies.correction(of: own.id, replacement: "{}"))
        let invalid = try city.recordUnchecked("police", "event.corrected", "2025-07-03", Bodies.correction(of: cost.id, replacement: #"{"system":"cam-1"}"#))
        let (state, findings) = try await Self.converged(city)
        #expect(state.totalCost(system: "cam-1") == 800)
        #expect(state.corrections.map(\.correctedBy) == [registrar.id])
        func kind(_ event: Event) -> FindingKind? { findings.first { $0.events.contains { $0.id == event.leafHash } }?.kind }
        #expect(kind(foreign) == .unauthorized)
        #expect(kind(missing) == .correctionTargetMissing)
        #expect(kind(ofCorrection) == .correctionOfCorrection)
        #expect(kind(invalid) == .correctionInvalidReplacement)
        let twice = try #require(findings.first { $0.kind == .correctedTwice })
        #expect(twice.events.map(\.id) == [own.leafHash, registrar.leafHash] && twice.conflictsWith.map(\.id) == [cost.leafHash])
        #expect(findings.count == 5)
    }

    /// A registration by an office other than the registrar is received, changes no node's trust,
    /// and is a finding.
    @Test func aRegistrationByAnotherOfficeChangesNoTrust() async throws {
        let city = try await Self.city()
        let rogue = try NoteSigner(name: "civic/springfield/rogue")
        let body = #"{"office":"rogue","name":"Rogue","key":"\#(rogue.verifier.vkey)"}"#
        let registration = try city.recordUnchecked("police", "office.registered", "2025-08-01", body)
        let (state, findings) = try await Self.converged(city)
        for office in city.offices { #expect(try city.store(office).officeKeys()["rogue"] == nil) }
        #expect(state.facts.offices["rogue"] == nil)
        #expect(findings.map(\.kind) == [.unauthorized] && findings.first?.events.first?.id == registration.leafHash)
    }

    /// An event of a type this node does not know, and one of a later envelope version, are stored,
    /// verified and left out of the state; each is a finding.
    @Test func unknownTypesAndLaterVersionsAreKeptAndInert() async throws {
        let city = try await Self.city()
        let planned = try city.recordUnchecked("police", "budget.planned", "2025-09-01", #"{"system":"cam-1","amount":5}"#)
        // A newer police node would sign a later version's event; here it is made by hand and
        // chained after police's log, under police's own checkpoint.
        let head = try #require(try city.store("police").head(office: "police"))
        let text = #"{"body":{"note":"from a newer node"},"effective":"2025-09-02","hlc":{"logical":0,"wall":\#(planned.envelope.hlc.wall + 1000)},"office":"police","prev":"\#(head.lastHash?.hex ?? "")","seq":\#(head.size + 1),"signals":["new"],"type":"budget.planned","v":2}"#
        let later = try Event(canonical: Array(text.utf8))
        var frontier = head.frontier
        frontier.append(later.leafHash)
        let note = try SignedCheckpoint(
            checkpoint: Checkpoint(origin: "civic/springfield/police", size: frontier.size, root: frontier.root), signer: city.signer("police"))
        var events: [Event] = []
        try city.store("police").forEachEvent(office: "police") { events.append(try Event(canonical: $0.canonical)); return true }
        for office in ["cityhall", "transport", "it"] {
            let summary = try city.store(office).receive(events: events + [later], checkpoint: note.note.serialized, now: { city.clock })
            #expect(summary.size == head.size + 1)
            #expect(try city.store(office).verify().eventCount > 0)
        }
        let state = try city.state("cityhall")
        let findings = state.findings.filter { $0.scope == .ledger }
        #expect(findings.map(\.kind) == [.unknownType, .unknownVersion])
        #expect(findings.map { $0.events.first?.id } == [planned.leafHash, later.leafHash])
        #expect(state.totalCost(system: "cam-1") == 0)
        #expect(try city.ledgerView("cityhall") == city.ledgerView("it"))
    }

    /// Recording still refuses what conflicts with everything the node holds, naming the field.
    @Test func recordingRefusesContextualMistakes() async throws {
        let city = try await Self.city()
        city.at("2025-06-01")
        try city.record("transport", "system.retired", "2025-06-01", Bodies.retirement("cam-1"))
        let before = try city.store("transport").eventCount()
        let error = #expect(throws: StoreError.self) { try city.record("transport", "cost.incurred", "2025-06-02", Bodies.cost("cam-1", 5)) }
        #expect(error?.description == "cost.incurred: field \"system\" \"cam-1\" was retired on 2025-06-01")
        #expect(try city.store("transport").eventCount() == before)
    }
}
