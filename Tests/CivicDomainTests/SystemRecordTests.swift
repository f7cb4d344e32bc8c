import CivicDomain
import CivicTestSupport
import LedgerCore
import Testing

/// A system's record shares its fields between copies until one is changed (a report holds
/// twenty thousand of them): a change to one copy is never seen through another.
@Suite("System records")
struct SystemRecordTests {
    static func record(_ id: String) throws -> SystemRecord {
        guard case .systemProcured(let procured) = try CivicBody.decode(
            type: "system.procured", body: JSONParser.parse(Array(Bodies.system(id).utf8), profile: .strict))
        else { throw ValidationError(type: "system.procured", field: nil, reason: "not a procurement") }
        return SystemRecord(procured: procured, office: "it", procuredOn: "2024-01-10", contractValue: procured.contract.value, contractEnd: "2028-12-31")
    }

    @Test func aChangedCopyLeavesTheOriginalAsItWas() throws {
        var original = try Self.record("cams")
        original.deployments["north"] = 4
        let kept = original
        var changed = original
        #expect(changed == kept)
        changed.deployments["north", default: 0] += 3
        changed.deployments["south"] = 1
        changed.contractValue += 500
        changed.retiredOn = "2025-01-01"
        changed.amendments.append(contentsOf: [])
        #expect(original.deployments == ["north": 4] && kept.deployments == ["north": 4])
        #expect(changed.deployments == ["north": 7, "south": 1])
        #expect(original.contractValue == changed.contractValue - 500)
        #expect(original.retiredOn == nil && changed.retiredOn == "2025-01-01")
        #expect(changed != original && kept == original)
        // Equal fields in two boxes are equal records; one field apart, they are not.
        var twin = try Self.record("cams")
        twin.deployments["north"] = 4
        #expect(twin == original)
        twin.assessedOn = "2024-05-01"
        #expect(twin != original)
    }

    /// A loaded state lists its systems in order of id (put in order beside the costs'
    /// aggregation); a change to its facts is seen there too, never an order made before it.
    @Test func aStatesSystemsAreInOrderOfIdAndFollowItsFacts() throws {
        let city = try TestCity(offices: ["cityhall"], registrar: "cityhall", registering: true)
        city.at("2025-01-06")
        for id in ["lights", "cams-2", "9-trams", "cams-10", "buses", "cams"] {
            try city.record("cityhall", "system.procured", "2025-01-06", Bodies.system(id))
        }
        var state = try CityState.load(from: city.store("cityhall"), filter: .none, systemsInOrder: true)
        let ids = ["9-trams", "buses", "cams", "cams-10", "cams-2", "lights"]
        #expect(state.systemsByID.map(\.procured.system) == ids)
        #expect(Array(state.facts.systems.keys).sorted() == ids)
        #expect(try city.state("cityhall").systemsByID.map(\.procured.system) == ids, "sorted when asked for, without the load's order")
        state.facts.systems["cams-10"] = nil
        state.facts.systems["aa"] = try Self.record("aa")
        #expect(state.systemsByID.map(\.procured.system) == ["9-trams", "aa", "buses", "cams", "cams-2", "lights"])
        state.facts.systems["lights"]?.contractValue += 1
        #expect(state.systemsByID.first { $0.procured.system == "lights" }?.contractValue == state.facts.systems["lights"]?.contractValue)
    }
}
