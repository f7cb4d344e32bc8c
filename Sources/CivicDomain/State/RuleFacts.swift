/// What the ledger rules need of the facts before an event, and nothing more: which districts,
/// systems and algorithms exist, each system's currency, procurement and retirement dates and
/// deployed units.
///
/// The projection folds every fact of a write transaction into this, so its size bounds the memory
/// of checking a long range: a million `district.defined` events keep a million identifiers, not a
/// million bodies. ``FactState`` is the full picture the state queries read.
public struct RuleFacts: Sendable {
    public struct System: Sendable, Equatable {
        public var currency: Currency
        public var procuredOn: String
        public var retiredOn: String?
        /// Units deployed per district (absent when none).
        public var deployments: [String: Int64] = [:]
    }

    public private(set) var districts: Set<String> = []
    public private(set) var systems: [String: System] = [:]
    public private(set) var algorithms: Set<String> = []
    public private(set) var retiredAlgorithms: Set<String> = []

    public init() {}

    /// Applies one fact; `effective` is the event's date.
    public mutating func apply(_ body: CivicBody, effective: String) {
        if let fact = RuleFact(body, effective: effective) { apply(fact) }
    }

    public mutating func apply(_ fact: RuleFact) {
        switch fact {
        case .district(let id): districts.insert(id)
        case .system(let id, let currency, let on): systems[id] = System(currency: currency, procuredOn: on)
        case .deployment(let system, let district, let change):
            let units = (systems[system]?.deployments[district] ?? 0) + change
            systems[system]?.deployments[district] = units > 0 ? units : nil
        case .systemRetired(let id, let on): systems[id]?.retiredOn = on
        case .algorithm(let id): algorithms.insert(id)
        case .algorithmRetired(let id): retiredAlgorithms.insert(id)
        }
    }
}

/// One fact as the rules read it: a few identifiers instead of the whole body.
public enum RuleFact: Sendable, Equatable {
    case district(String)
    case system(String, Currency, procuredOn: String)
    /// Units deployed (positive) or removed (negative).
    case deployment(system: String, district: String, change: Int64)
    case systemRetired(String, on: String)
    case algorithm(String)
    case algorithmRetired(String)

    /// The part of `body` the rules read; nil for events that change nothing they read (costs,
    /// registrations, targets, amendments, assessments, algorithm updates, corrections).
    public init?(_ body: CivicBody, effective: String) {
        switch body {
        case .districtDefined(let district): self = .district(district.district)
        case .systemProcured(let procured): self = .system(procured.system, procured.contract.currency, procuredOn: effective)
        case .deploymentRecorded(let deployment):
            self = .deployment(system: deployment.system, district: deployment.district, change: deployment.units)
        case .deploymentRemoved(let deployment):
            self = .deployment(system: deployment.system, district: deployment.district, change: -deployment.units)
        case .systemRetired(let retirement): self = .systemRetired(retirement.subject, on: effective)
        case .algorithmRegistered(let entry): self = .algorithm(entry.algorithm)
        case .algorithmRetired(let retirement): self = .algorithmRetired(retirement.subject)
        case .officeRegistered, .officeKeyRotated, .targetDeclared, .contractAmended, .costIncurred, .surveillanceAssessed,
            .algorithmUpdated, .eventCorrected:
            return nil
        }
    }
}
