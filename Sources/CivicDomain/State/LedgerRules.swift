import LedgerCore

/// The checks of an event against the ledger at its point in the citywide order (VOCABULARY.md,
/// "Rules against the ledger").
public enum LedgerRules {
    /// Refuses `body` when the facts before it do not allow it. Corrections are checked by
    /// ``checkCorrection(_:lookup:)``, which needs the held events.
    ///
    /// - Parameters:
    ///   - effective: the event's effective date.
    ///   - state: the facts before the event.
    public static func check(_ body: CivicBody, type: String, effective: String, state: RuleFacts) throws {
        func fail(_ field: String, _ reason: String) -> ValidationError { ValidationError(type: type, field: field, reason: reason) }
        func activeSystem(_ id: String) throws(ValidationError) -> RuleFacts.System {
            guard let system = state.systems[id] else { throw fail("system", "\"\(id)\" has not been procured") }
            guard system.retiredOn == nil else { throw fail("system", "\"\(id)\" was retired on \(system.retiredOn ?? "")") }
            return system
        }
        func district(_ id: String, field: String = "district") throws(ValidationError) {
            guard state.districts.contains(id) else { throw fail(field, "\"\(id)\" is not a defined district") }
        }
        switch body {
        case .systemProcured(let procured):
            guard state.systems[procured.system] == nil else { throw fail("system", "\"\(procured.system)\" is already procured") }
        case .contractAmended(let amendment):
            let system = try activeSystem(amendment.system)
            guard amendment.currency == system.currency else {
                throw fail("currency", "must be the contract's currency \(system.currency)")
            }
        case .costIncurred(let cost):
            let system = try activeSystem(cost.system)
            guard cost.currency == system.currency else {
                throw fail("currency", "must be the contract's currency \(system.currency)")
            }
            guard effective >= system.procuredOn else {
                throw fail("system", "\"\(cost.system)\" was procured on \(system.procuredOn), after this cost's date \(effective)")
            }
        case .deploymentRecorded(let deployment):
            _ = try activeSystem(deployment.system)
            try district(deployment.district)
        case .deploymentRemoved(let deployment):
            let system = try activeSystem(deployment.system)
            try district(deployment.district)
            let deployed = system.deployments[deployment.district] ?? 0
            guard deployment.units <= deployed else {
                throw fail("units", "removes \(deployment.units) but only \(deployed) are deployed in \(deployment.district)")
            }
        case .surveillanceAssessed(let assessment):
            _ = try activeSystem(assessment.system)
            for id in assessment.districts { try district(id, field: "districts") }
        case .systemRetired(let retirement):
            _ = try activeSystem(retirement.subject)
        case .algorithmRegistered(let entry):
            guard !state.algorithms.contains(entry.algorithm) else { throw fail("algorithm", "\"\(entry.algorithm)\" is already registered") }
            if let system = entry.system, state.systems[system] == nil { throw fail("system", "\"\(system)\" has not been procured") }
        case .algorithmUpdated(let update):
            guard state.algorithms.contains(update.algorithm) else { throw fail("algorithm", "\"\(update.algorithm)\" is not registered") }
            guard !state.retiredAlgorithms.contains(update.algorithm) else { throw fail("algorithm", "\"\(update.algorithm)\" is retired") }
        case .algorithmRetired(let retirement):
            guard state.algorithms.contains(retirement.subject) else { throw fail("algorithm", "\"\(retirement.subject)\" is not registered") }
            guard !state.retiredAlgorithms.contains(retirement.subject) else { throw fail("algorithm", "\"\(retirement.subject)\" is already retired") }
        case .officeRegistered, .officeKeyRotated, .districtDefined, .targetDeclared, .eventCorrected:
            break
        }
    }

    /// A correction names a held event that is not itself a correction, and its replacement is a
    /// valid body of that event's type.
    ///
    /// - Parameter lookup: finds a held event's type by id.
    public static func checkCorrection(_ correction: EventCorrected, lookup: (Hash) throws -> String?) throws {
        let type = "event.corrected"
        func fail(_ field: String, _ reason: String) -> ValidationError { ValidationError(type: type, field: field, reason: reason) }
        guard let targetType = try lookup(correction.event) else {
            throw fail("event", "\(correction.event.hex) is not an event of this ledger")
        }
        guard targetType != type else { throw fail("event", "a correction cannot be corrected; correct the original") }
        do {
            _ = try CivicBody.decode(type: targetType, body: correction.replacement)
        } catch {
            throw fail("replacement", "is not a valid \(targetType) body: \(error)")
        }
    }
}
