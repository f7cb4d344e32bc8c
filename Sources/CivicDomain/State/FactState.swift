import LedgerCore

/// A procured system as the facts describe it.
///
/// Its fields live in one shared box, copied only when a copy is changed: reports hold and pass
/// twenty thousand systems around, and a copy of the fields themselves retains some twenty strings,
/// arrays and dictionaries (a fifth of `civic report all` was such copies).
public struct SystemRecord: Sendable, Equatable, Codable {
    /// The fields themselves (their equality is the record's).
    @usableFromInline struct Fields: Equatable, Codable {
        @usableFromInline var procured: SystemProcured
        @usableFromInline var office: String
        @usableFromInline var procuredOn: String
        @usableFromInline var contractValue: Int64
        @usableFromInline var contractEnd: String
        @usableFromInline var amendments: [ContractAmended] = []
        @usableFromInline var retiredOn: String?
        @usableFromInline var retiredReason: String?
        @usableFromInline var deployments: [String: Int64] = [:]
        @usableFromInline var surveillance: SurveillanceAssessed?
        @usableFromInline var assessedOn: String?
    }

    @usableFromInline final class Box: @unchecked Sendable {
        @usableFromInline var fields: Fields
        @usableFromInline init(_ fields: Fields) { self.fields = fields }
    }

    // Never changed in place while shared (``unique()`` copies it first), so a record may cross
    // threads. Fields are read in place (`_read`): a system's id is read without copying its procurement.
    @usableFromInline var box: Box

    public init(procured: SystemProcured, office: String, procuredOn: String, contractValue: Int64, contractEnd: String) {
        box = Box(Fields(procured: procured, office: office, procuredOn: procuredOn, contractValue: contractValue, contractEnd: contractEnd))
    }

    /// The box, made this record's own first when another record shares it.
    @inlinable mutating func unique() -> Box {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
        return box
    }

    @inlinable public var procured: SystemProcured {
        _read { yield box.fields.procured }
        _modify { yield &unique().fields.procured }
    }
    @inlinable public var office: String {
        _read { yield box.fields.office }
        _modify { yield &unique().fields.office }
    }
    @inlinable public var procuredOn: String {
        _read { yield box.fields.procuredOn }
        _modify { yield &unique().fields.procuredOn }
    }
    @inlinable public var contractValue: Int64 {
        _read { yield box.fields.contractValue }
        _modify { yield &unique().fields.contractValue }
    }
    @inlinable public var contractEnd: String {
        _read { yield box.fields.contractEnd }
        _modify { yield &unique().fields.contractEnd }
    }
    @inlinable public var amendments: [ContractAmended] {
        _read { yield box.fields.amendments }
        _modify { yield &unique().fields.amendments }
    }
    @inlinable public var retiredOn: String? {
        _read { yield box.fields.retiredOn }
        _modify { yield &unique().fields.retiredOn }
    }
    @inlinable public var retiredReason: String? {
        _read { yield box.fields.retiredReason }
        _modify { yield &unique().fields.retiredReason }
    }
    @inlinable public var deployments: [String: Int64] {
        _read { yield box.fields.deployments }
        _modify { yield &unique().fields.deployments }
    }
    @inlinable public var surveillance: SurveillanceAssessed? {
        _read { yield box.fields.surveillance }
        _modify { yield &unique().fields.surveillance }
    }
    @inlinable public var assessedOn: String? {
        _read { yield box.fields.assessedOn }
        _modify { yield &unique().fields.assessedOn }
    }

    public static func == (lhs: SystemRecord, rhs: SystemRecord) -> Bool {
        lhs.box === rhs.box || lhs.box.fields == rhs.box.fields
    }

    public init(from decoder: any Decoder) throws { box = Box(try Fields(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try box.fields.encode(to: encoder) }
}

/// The state the non-cost events ("facts") describe, folded in citywide order: districts, targets,
/// systems with their contracts, deployments and assessments, algorithms, registrations.
public struct FactState: Sendable, Equatable {
    public var districts: [String: DistrictDefined] = [:]
    public var targets: [String: TargetDeclared] = [:]
    public var systems: [String: SystemRecord] = [:]
    public var algorithms: [String: AlgorithmEntry] = [:]
    public var retiredAlgorithms: [String: String] = [:]
    /// Who registered each algorithm, and when (effective date).
    public var algorithmRegistrations: [String: (office: String, on: String)] = [:]
    public var offices: [String: OfficeRegistered] = [:]
    public var factCount = 0

    public init() {}

    public static func == (lhs: FactState, rhs: FactState) -> Bool {
        lhs.districts == rhs.districts && lhs.targets == rhs.targets && lhs.systems == rhs.systems && lhs.algorithms == rhs.algorithms
            && lhs.retiredAlgorithms == rhs.retiredAlgorithms && lhs.offices == rhs.offices && lhs.factCount == rhs.factCount
            && lhs.algorithmRegistrations.mapValues { [$0.office, $0.on] } == rhs.algorithmRegistrations.mapValues { [$0.office, $0.on] }
    }

    /// Applies one fact (anything but a cost); `effective` is the event's date.
    public mutating func apply(_ body: CivicBody, office: String, effective: String) {
        factCount += 1
        switch body {
        case .officeRegistered(let registration): offices[registration.office] = registration
        case .officeKeyRotated, .officeKeyRevoked: break
        case .districtDefined(let district): districts[district.district] = district
        case .targetDeclared(let target): targets[target.target] = target
        case .systemProcured(let procured):
            systems[procured.system] = SystemRecord(
                procured: procured, office: office, procuredOn: effective, contractValue: procured.contract.value,
                contractEnd: procured.contract.end)
        // A system's facts change it in place (``Dictionary/Values``), not through a copy of it.
        case .contractAmended(let amendment):
            guard let index = systems.index(forKey: amendment.system) else { break }
            systems.values[index].contractValue = Money.add(systems.values[index].contractValue, amendment.valueChange)
            if let end = amendment.newEnd { systems.values[index].contractEnd = end }
            systems.values[index].amendments.append(amendment)
        case .costIncurred: break
        case .deploymentRecorded(let deployment):
            guard let index = systems.index(forKey: deployment.system) else { break }
            systems.values[index].deployments[deployment.district, default: 0] += deployment.units
        case .deploymentRemoved(let deployment):
            guard let index = systems.index(forKey: deployment.system) else { break }
            let remaining = (systems.values[index].deployments[deployment.district] ?? 0) - deployment.units
            systems.values[index].deployments[deployment.district] = remaining > 0 ? remaining : nil
        case .surveillanceAssessed(let assessment):
            guard let index = systems.index(forKey: assessment.system) else { break }
            systems.values[index].surveillance = assessment
            systems.values[index].assessedOn = effective
        case .algorithmRegistered(let entry):
            algorithms[entry.algorithm] = entry
            algorithmRegistrations[entry.algorithm] = (office, effective)
        case .algorithmUpdated(let update):
            try? algorithms[update.algorithm]?.apply(update.reader)
        case .algorithmRetired(let retirement):
            retiredAlgorithms[retirement.subject] = effective
        case .systemRetired(let retirement):
            systems[retirement.subject]?.retiredOn = effective
            systems[retirement.subject]?.retiredReason = retirement.reason
        case .eventCorrected: break
        }
    }
}
