import LedgerCore

/// A conflict between an event and the facts before it: what the recorder refuses with, and what
/// the fold resolves and reports as a finding.
public struct Conflict: Error, Sendable, Equatable {
    public let kind: FindingKind
    /// The body field at fault, if one is.
    public let field: String?
    /// Why, one line (without the type and field, which ``ValidationError`` adds).
    public let reason: String
    /// The events it conflicts with (the earlier procurement, the retirement …).
    public let with: [EventRef]
    /// What the fold does with the event.
    public let resolution: Resolution
}

/// What the ledger rules need of the facts before an event, and nothing more: which districts,
/// systems and algorithms exist (and which events made them so), each system's procuring office,
/// currency, procurement and retirement, and deployed units.
///
/// One implementation of the rules for both of their uses (VOCABULARY.md, "Two levels of checks"):
/// ``LedgerRules`` refuses a recording that would conflict, and the fold (``CityState``) resolves
/// the same conflicts in citywide order and lists them as findings. ``FactState`` is the full
/// picture the state queries read.
public struct RuleFacts: Sendable {
    public struct System: Sendable, Equatable, Codable {
        public var currency: Currency
        /// The procurement's effective date.
        public var procuredOn: String
        /// The procurement that stands (the first in citywide order); its office is the procuring office.
        public var procuredBy: EventRef
        public var retiredOn: String?
        public var retiredBy: EventRef?
        /// Units deployed per district (absent when none).
        public var deployments: [String: Int64] = [:]

        public var office: String { procuredBy.office }
    }

    public struct Algorithm: Sendable, Equatable, Codable {
        public var registeredBy: EventRef
        public var retiredBy: EventRef?
    }

    /// An office's keys as the registrar's events give them: the first from its registration, then
    /// one per rotation.
    public struct Keys: Sendable, Equatable {
        public var keys: [(fromSize: UInt64, vkey: String)]
        public var registeredBy: EventRef?

        public static func == (lhs: Keys, rhs: Keys) -> Bool {
            lhs.registeredBy == rhs.registeredBy && lhs.keys.map(\.fromSize) == rhs.keys.map(\.fromSize) && lhs.keys.map(\.vkey) == rhs.keys.map(\.vkey)
        }
    }

    /// The registrar office, which may amend, retire and correct anything and alone registers offices.
    public let registrar: String?
    /// The city: a key must be named `civic/<city>/<office>` (nil: not checked).
    public let city: String?
    public private(set) var districts: Set<String> = []
    /// Offices registered (and the registrar, from its first rotation), with their keys.
    public private(set) var offices: [String: Keys] = [:]
    public private(set) var systems: [String: System] = [:]
    public private(set) var algorithms: [String: Algorithm] = [:]

    public init(registrar: String?, city: String? = nil) {
        self.registrar = registrar
        self.city = city
    }

    /// Rule facts as a snapshot of the fold kept them (``FoldSnapshot``).
    init(
        registrar: String?, city: String?, districts: Set<String>, offices: [String: Keys], systems: [String: System], algorithms: [String: Algorithm]
    ) {
        (self.registrar, self.city) = (registrar, city)
        (self.districts, self.offices, self.systems, self.algorithms) = (districts, offices, systems, algorithms)
    }

    /// The conflicts of `body`, recorded by `at.office`, with the facts so far. Checks stop at the
    /// first conflict that leaves the event out of the state (``Resolution/ignored``).
    ///
    /// - Parameters:
    ///   - at: the event (its place in the order and its office).
    ///   - effective: the event's effective date.
    public func conflicts(of body: CivicBody, at event: EventRef, effective: String) -> [Conflict] {
        let office = event.office
        func conflict(_ kind: FindingKind, _ field: String?, _ reason: String, with: [EventRef] = [], _ resolution: Resolution = .ignored)
            -> Conflict
        {
            Conflict(kind: kind, field: field, reason: reason, with: with, resolution: resolution)
        }
        /// The system, when it is active; else why not.
        func active(_ id: String) -> Result<System, Conflict> {
            guard let system = systems[id] else { return .failure(conflict(.systemNotProcured, "system", "\"\(id)\" has not been procured")) }
            if let retiredBy = system.retiredBy {
                return .failure(conflict(.systemRetired, "system", "\"\(id)\" was retired on \(system.retiredOn ?? "")", with: [retiredBy]))
            }
            return .success(system)
        }
        func mayChange(_ system: System, _ id: String, _ verb: String) -> Conflict? {
            guard office != system.office, office != registrar else { return nil }
            return conflict(
                .unauthorized, "system",
                "\"\(id)\" was procured by \(system.office): only \(system.office) or the registrar may \(verb) it, not \(office)",
                with: [system.procuredBy])
        }
        func undefined(_ ids: [String], field: String) -> [Conflict] {
            ids.filter { !districts.contains($0) }.map { conflict(.districtNotDefined, field, "\"\($0)\" is not a defined district", .applied) }
        }
        /// Why the system is not active, if it is not; read in place (a deployment, the most common
        /// fact, needs no copy of its system).
        func inactive(_ id: String) -> Conflict? {
            guard let index = systems.index(forKey: id) else { return conflict(.systemNotProcured, "system", "\"\(id)\" has not been procured") }
            guard let retiredBy = systems.values[index].retiredBy else { return nil }
            return conflict(.systemRetired, "system", "\"\(id)\" was retired on \(systems.values[index].retiredOn ?? "")", with: [retiredBy])
        }
        switch body {
        case .systemProcured(let procured):
            if let existing = systems[procured.system] {
                return [conflict(.duplicateID, "system", "\"\(procured.system)\" is already procured", with: [existing.procuredBy])]
            }
            return []
        case .contractAmended(let amendment):
            switch active(amendment.system) {
            case .failure(let blocked): return [blocked]
            case .success(let system):
                if let refused = mayChange(system, amendment.system, "amend") { return [refused] }
                guard amendment.currency == system.currency else {
                    return [conflict(.currencyMismatch, "currency", "must be the contract's currency \(system.currency)", with: [system.procuredBy])]
                }
                return []
            }
        case .costIncurred(let cost):
            return costConflicts(system: cost.system, currency: cost.currency, effective: effective, at: nil)
        case .deploymentRecorded(let deployment):
            if let blocked = inactive(deployment.system) { return [blocked] }
            return districts.contains(deployment.district) ? [] : undefined([deployment.district], field: "district")
        case .deploymentRemoved(let deployment):
            if let blocked = inactive(deployment.system) { return [blocked] }
            var found = undefined([deployment.district], field: "district")
            let deployed = systems[deployment.system].flatMap { $0.deployments[deployment.district] } ?? 0
            if deployment.units > deployed {
                found.append(
                    conflict(.overRemoval, "units", "removes \(deployment.units) but only \(deployed) are deployed in \(deployment.district)", .clamped))
            }
            return found
        case .surveillanceAssessed(let assessment):
            if let blocked = inactive(assessment.system) { return [blocked] }
            return undefined(assessment.districts, field: "districts")
        case .systemRetired(let retirement):
            guard let system = systems[retirement.subject] else {
                return [conflict(.systemNotProcured, "system", "\"\(retirement.subject)\" has not been procured")]
            }
            if let refused = mayChange(system, retirement.subject, "retire") { return [refused] }
            if let retiredBy = system.retiredBy {
                return [conflict(.systemRetired, "system", "\"\(retirement.subject)\" was retired on \(system.retiredOn ?? "")", with: [retiredBy])]
            }
            return []
        case .algorithmRegistered(let entry):
            if let existing = algorithms[entry.algorithm] {
                return [conflict(.duplicateID, "algorithm", "\"\(entry.algorithm)\" is already registered", with: [existing.registeredBy])]
            }
            if let system = entry.system, systems[system] == nil {
                return [conflict(.systemNotProcured, "system", "\"\(system)\" has not been procured", .applied)]
            }
            return []
        case .algorithmUpdated(let update):
            return algorithmConflicts(update.algorithm, verb: "updated")
        case .algorithmRetired(let retirement):
            return algorithmConflicts(retirement.subject, verb: "retired")
        case .officeRegistered, .officeKeyRotated, .officeKeyRevoked:
            guard let registrar else {
                return [conflict(.unauthorized, nil, "this ledger has no registrar office (civic init --registrar or --registrar-key)")]
            }
            guard office == registrar else {
                return [conflict(.unauthorized, nil, "only the registrar office \(registrar) may register offices and rotate or revoke keys, not \(office)")]
            }
            return keyConflicts(body, at: event, registrar: registrar)
        case .districtDefined, .targetDeclared, .eventCorrected:
            return []
        }
    }

    /// A registration, rotation or revocation by the registrar that cannot stand: a key of another
    /// city, an office registered twice (keys change by rotation), a rotation that does not start
    /// after the office's current key, a revocation of a key the office never had.
    private func keyConflicts(_ body: CivicBody, at event: EventRef, registrar: String) -> [Conflict] {
        func bad(_ field: String, _ reason: String, with: [EventRef] = []) -> [Conflict] {
            [Conflict(kind: .badKey, field: field, reason: reason, with: with, resolution: .ignored)]
        }
        func named(_ key: NoteVerifier, _ office: String) -> [Conflict]? {
            guard let city, key.name != Identifiers.origin(city: city, office: office) else { return nil }
            return bad("key", "is named \(key.name), not \(Identifiers.origin(city: city, office: office))")
        }
        switch body {
        case .officeRegistered(let registration):
            if let wrong = named(registration.key, registration.office) { return wrong }
            guard registration.office != registrar else {
                return bad("office", "the registrar's own key is the one every node was created with; it changes only by rotation")
            }
            if let held = offices[registration.office] {
                return bad("office", "\(registration.office) is already registered: its key changes by office.key-rotated", with: held.registeredBy.map { [$0] } ?? [])
            }
            return []
        case .officeKeyRotated(let rotation):
            if let wrong = named(rotation.key, rotation.office) { return wrong }
            if rotation.office == registrar {
                // The registrar's own rotation is signed under its old key, up to this very event.
                guard rotation.fromSize == event.seq + 1 else {
                    return bad("from_size", "the registrar's own new key must sign from just after this event, size \(event.seq + 1)")
                }
                if let last = offices[registrar]?.keys.last, rotation.fromSize <= last.fromSize {
                    return bad("from_size", "must be after the registrar's current key's size \(last.fromSize)")
                }
                return []
            }
            guard let held = offices[rotation.office] else { return bad("office", "\(rotation.office) is not registered") }
            if let last = held.keys.last, rotation.fromSize <= last.fromSize {
                return bad("from_size", "must be after the size \(last.fromSize) from which \(rotation.office)'s current key signs")
            }
            return []
        case .officeKeyRevoked(let revocation):
            if let wrong = named(revocation.key, revocation.office) { return wrong }
            guard let held = offices[revocation.office], held.keys.contains(where: { $0.vkey == revocation.key.vkey }) else {
                return bad("key", "is not a key of \(revocation.office) registered here")
            }
            return []
        default:
            return []
        }
    }

    private func algorithmConflicts(_ id: String, verb: String) -> [Conflict] {
        guard let algorithm = algorithms[id] else {
            return [Conflict(kind: .algorithmNotRegistered, field: "algorithm", reason: "\"\(id)\" is not registered", with: [], resolution: .ignored)]
        }
        if let retiredBy = algorithm.retiredBy {
            return [
                Conflict(
                    kind: .algorithmRetired, field: "algorithm", reason: verb == "retired" ? "\"\(id)\" is already retired" : "\"\(id)\" is retired",
                    with: [retiredBy], resolution: .ignored)
            ]
        }
        return []
    }

    /// The conflicts of a cost with its system: none procured (or procured only later in the order),
    /// retired before it, another currency, dated before the procurement. Money is counted whatever
    /// they are (``Resolution/counted``).
    ///
    /// - Parameter position: the cost's place in the citywide order, checked against the system's
    ///   procurement and retirement; nil for a cost recorded now, after everything held.
    public func costConflicts(system id: String, currency: Currency, effective: String, at position: OrderKey?) -> [Conflict] {
        func conflict(_ kind: FindingKind, _ field: String, _ reason: String, with: [EventRef] = []) -> Conflict {
            Conflict(kind: kind, field: field, reason: reason, with: with, resolution: .counted)
        }
        guard let system = systems[id] else { return [conflict(.systemNotProcured, "system", "\"\(id)\" has not been procured")] }
        if let position, position < system.procuredBy.key {
            return [
                conflict(
                    .systemNotProcured, "system", "\"\(id)\" is procured only later in the citywide order (\(system.procuredBy.key))",
                    with: [system.procuredBy])
            ]
        }
        var found: [Conflict] = []
        if let retiredBy = system.retiredBy, position.map({ retiredBy.key < $0 }) ?? true {
            found.append(conflict(.systemRetired, "system", "\"\(id)\" was retired on \(system.retiredOn ?? "")", with: [retiredBy]))
        }
        if currency != system.currency {
            found.append(conflict(.currencyMismatch, "currency", "must be the contract's currency \(system.currency)", with: [system.procuredBy]))
        }
        if effective < system.procuredOn {
            found.append(
                conflict(
                    .costBeforeProcurement, "system", "\"\(id)\" was procured on \(system.procuredOn), after this cost's date \(effective)",
                    with: [system.procuredBy]))
        }
        return found
    }

    /// Forgets what is known of one rule key (``RuleKey``): a later event may have changed it, and
    /// it is loaded again when next read.
    mutating func forget(_ key: String) {
        let id = String(key.dropFirst(2))
        switch key.prefix(2) {
        case "d:": districts.remove(id)
        case "s:": systems[id] = nil
        case "a:": algorithms[id] = nil
        case "o:": offices[id] = nil
        default: break
        }
    }

    /// Applies an event that stands, after its conflicts (none of them ``Resolution/ignored``).
    public mutating func apply(_ body: CivicBody, at event: EventRef, effective: String) {
        switch body {
        case .districtDefined(let district): districts.insert(district.district)
        case .systemProcured(let procured):
            systems[procured.system] = System(currency: procured.contract.currency, procuredOn: effective, procuredBy: event)
        // A system's facts change it in place (``Dictionary/Values``), not through a copy of it.
        case .deploymentRecorded(let deployment):
            guard let index = systems.index(forKey: deployment.system) else { break }
            systems.values[index].deployments[deployment.district, default: 0] += deployment.units
        case .deploymentRemoved(let deployment):
            guard let index = systems.index(forKey: deployment.system) else { break }
            let units = (systems.values[index].deployments[deployment.district] ?? 0) - deployment.units
            systems.values[index].deployments[deployment.district] = units > 0 ? units : nil
        case .systemRetired(let retirement):
            systems[retirement.subject]?.retiredOn = effective
            systems[retirement.subject]?.retiredBy = event
        case .algorithmRegistered(let entry): algorithms[entry.algorithm] = Algorithm(registeredBy: event)
        case .algorithmRetired(let retirement): algorithms[retirement.subject]?.retiredBy = event
        case .officeRegistered(let registration):
            offices[registration.office] = Keys(keys: [(1, registration.key.vkey)], registeredBy: event)
        case .officeKeyRotated(let rotation):
            offices[rotation.office, default: Keys(keys: [], registeredBy: nil)].keys.append((rotation.fromSize, rotation.key.vkey))
        case .officeKeyRevoked, .targetDeclared, .contractAmended, .costIncurred, .surveillanceAssessed, .algorithmUpdated, .eventCorrected:
            break
        }
    }
}
