import LedgerCore

/// A procured system as the facts describe it.
public struct SystemRecord: Sendable, Equatable {
    public var procured: SystemProcured
    public var office: String
    public var procuredOn: String
    public var contractValue: Int64
    public var contractEnd: String
    public var amendments: [ContractAmended] = []
    public var retiredOn: String?
    public var retiredReason: String?
    public var deployments: [String: Int64] = [:]
    public var surveillance: SurveillanceAssessed?
    public var assessedOn: String?
}

/// The state the non-cost events ("facts") describe, folded in citywide order: districts, targets,
/// systems with their contracts, deployments and assessments, algorithms, registrations.
public struct FactState: Sendable {
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
