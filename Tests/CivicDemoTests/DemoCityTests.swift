import CivicDemo
import CivicDomain
import LedgerCore
import Testing

/// The canonical bytes of every event: office, type, effective date and body.
private func fingerprint(_ city: DemoCity) throws -> [[UInt8]] {
    try city.events.map { event in
        Array("\(event.office) \(event.type) \(event.effective) ".utf8) + (try CanonicalJSON.encode(event.body))
    }
}

@Test func sameSeedGivesIdenticalEvents() throws {
    let first = try fingerprint(DemoCity.generate())
    let second = try fingerprint(DemoCity.generate(seed: 2026))
    #expect(first == second)
    #expect(first.count == DemoCity.generate().eventCount)
}

@Test func anotherSeedMovesTheNumbers() throws {
    let city = try fingerprint(DemoCity.generate(seed: 2026))
    let other = try fingerprint(DemoCity.generate(seed: 7))
    #expect(city != other)
    #expect(DemoCity.generate(seed: 7).seed == 7)
}

@Test func shapeOfTheDecade() {
    let city = DemoCity.generate()
    #expect(DemoCity.name == "northbridge")
    #expect(DemoCity.registrar == "cityhall")
    #expect(city.offices.map(\.id).prefix(5) == ["cityhall", "transport", "police", "it", "publicworks"])
    #expect(city.offices.allSatisfy { Identifiers.isValidOffice($0.id) })
    #expect(city.months.count == 120)
    #expect(city.months.first.map { ($0.year, $0.month) } ?? (0, 0) == (2016, 1))
    #expect(city.months.last.map { ($0.year, $0.month) } ?? (0, 0) == (2025, 12))
    let offices = Set(city.offices.map(\.id))
    for (index, month) in city.months.enumerated() {
        #expect((month.year - 2016) * 12 + month.month - 1 == index)
        for event in month.events {
            #expect(
                event.effective.year == month.year && event.effective.month == month.month,
                "\(event.type) \(event.effective) in \(month.year)-\(month.month)")
            #expect(offices.contains(event.office))
        }
    }
    #expect((2_000...6_000).contains(city.eventCount), "\(city.eventCount) events")
    let forbidden: Set = ["office.registered", "office.key-rotated", "event.corrected"]
    #expect(city.events.allSatisfy { !forbidden.contains($0.type) })
}

@Test func eachOfficeRecordsInDateOrder() {
    for office in DemoCity.generate().offices {
        let dates = DemoCity.generate().events.filter { $0.office == office.id }.map(\.effective)
        #expect(zip(dates, dates.dropFirst()).allSatisfy { $0 <= $1 }, "\(office.id)")
    }
}

/// Every event passes the ledger's rules in recording order, but for the city's offline decisions,
/// each of which conflicts as it should.
@Test(arguments: [2026, 1, 99] as [UInt64])
func theOnlyConflictsAreTheOfflineDecisions(seed: UInt64) throws {
    let fold = try DemoFold(DemoCity.generate(seed: seed))
    #expect(fold.state.factCount > 0)
    #expect(!fold.costs.isEmpty)
    let expected = DemoCity.offlineDecisions.map { decision -> String in
        let kind: FindingKind = decision.kind == .costAfterRetirement ? .systemRetired : .duplicateID
        return "\(kind.rawValue) \(decision.system) \(decision.office)"
    }
    #expect(fold.conflicts.map { "\($0.kind.rawValue) \($0.system ?? "") \($0.office)" }.sorted() == expected.sorted())
}

@Test func crossOfficeReferencesAreToEarlierMonths() throws {
    let city = DemoCity.generate()
    // Where each district, system and algorithm was defined: (office, month index).
    var defined: [String: (office: String, month: Int)] = [:]
    for (index, month) in city.months.enumerated() {
        for event in month.events {
            var references: [String] = []
            if let system = event.body["system"]?.stringValue { references.append("system:" + system) }
            if let district = event.body["district"]?.stringValue, event.type != "district.defined" { references.append("district:" + district) }
            for district in event.body["districts"]?.arrayValue ?? [] { references.append("district:" + (district.stringValue ?? "")) }
            if let algorithm = event.body["algorithm"]?.stringValue, event.type != "algorithm.registered" {
                references.append("algorithm:" + algorithm)
            }
            if event.type == "system.procured" { references.removeAll() }
            for reference in references {
                let definition = try #require(defined[reference], "\(event.type) names undefined \(reference)")
                if definition.office != event.office {
                    #expect(
                        definition.month < index,
                        "\(event.office) \(event.type) in month \(index) uses \(reference) of \(definition.office) from month \(definition.month)")
                }
            }
            switch event.type {
            case "district.defined": defined["district:" + (event.body["district"]?.stringValue ?? "")] = (event.office, index)
            case "system.procured":
                // The first procurement stands (a second one is an offline decision, left out by the fold).
                let key = "system:" + (event.body["system"]?.stringValue ?? "")
                if defined[key] == nil { defined[key] = (event.office, index) }
            case "algorithm.registered": defined["algorithm:" + (event.body["algorithm"]?.stringValue ?? "")] = (event.office, index)
            default: break
            }
        }
    }
}

@Test(arguments: [2026, 3, 12345] as [UInt64])
func theStoryHolds(seed: UInt64) throws {
    let city = DemoCity.generate(seed: seed)
    let fold = try DemoFold(city)
    #expect(fold.state.districts.count >= 8)
    #expect(fold.state.districts.values.filter(\.priority).count == 3)
    let recording = Set(city.events.map(\.office)).subtracting([DemoCity.registrar])
    #expect(recording.count >= 4)
    #expect(fold.state.systems.count >= 20)
    #expect(Set(fold.state.systems.values.map(\.procured.vendor)).count >= 8)
    #expect(fold.costYears == Set(2016...2025))
    // Vendor capture: some lock-in systems cost 5-15 times their initial contract.
    let captured = fold.multipliers.filter { $0.total >= 5 * $0.contract }
    #expect(captured.count >= 5)
    #expect(fold.multipliers.allSatisfy { $0.total <= 16 * $0.contract })
    // Who benefits: the equity target is missed, surveillance lands in the priority districts.
    let target = try #require(fold.state.targets.values.first)
    let share = fold.priorityShare(categories: target.categories.map(Set.init))
    #expect(share < target.thresholdBasisPoints - 1_500, "priority share \(share) bps")
    #expect(fold.priorityShare(categories: nil) < target.thresholdBasisPoints)
    #expect(fold.priorityUnitShare(categories: [.cameras, .licencePlateReaders]) > 6_000)
    #expect(fold.priorityUnitShare(categories: [.streetlights, .broadband]) < 1_000)
    // Registers: several high-risk assessments and algorithms, one of each retired.
    #expect(fold.state.systems.values.filter { [.high, .critical].contains($0.surveillance?.risk) }.count >= 5)
    #expect(fold.state.algorithms.count >= 3)
    #expect(fold.state.retiredAlgorithms.count >= 1)
    #expect(fold.state.systems.values.contains { $0.retiredOn != nil })
}

@Test func textIsTidy() {
    func strings(_ value: JSONValue) -> [String] {
        switch value {
        case .string(let text): return [text]
        case .array(let elements): return elements.flatMap(strings)
        case .object(let members): return members.flatMap { strings($0.1) }
        default: return []
        }
    }
    for event in DemoCity.generate().events {
        for text in strings(event.body) {
            #expect(!text.contains("  ") && !text.hasPrefix(" ") && !text.hasSuffix(" "), "\(event.type): \(text)")
            #expect(text.unicodeScalars.allSatisfy { $0.isASCII }, "\(event.type): \(text)")
        }
    }
}
