import LedgerCore

/// The keys of the rules' facts (``RuleFacts``): one district, system, algorithm or office.
///
/// The fold of one key depends only on the events that change that key (and on the registrar's
/// revocations, which leave events out): a conflict that blocks an event is always a conflict with
/// the event's own key, and conflicts with other keys (an undefined district, an unprocured system
/// of an algorithm) never block it. So recording checks a new event against the fold of the keys it
/// reads alone, loaded by key, in a time that does not grow with the ledger (DESIGN §4, "stay cheap").
///
/// Each fact that changes a key is indexed under it (`civic_facts.rule_key`); each correction under
/// every key its replacement may name (`civic_correction_keys`).
enum RuleKey {
    static func district(_ id: String) -> String { "d:" + id }
    static func system(_ id: String) -> String { "s:" + id }
    static func algorithm(_ id: String) -> String { "a:" + id }
    static func office(_ id: String) -> String { "o:" + id }
    /// A revocation, indexed apart so that every fold finds the ranges it leaves out.
    static func revocation(_ office: String) -> String { "r:" + office }

    /// The SQL range of every revocation key: `rule_key >= ? AND rule_key < ?`.
    static let revocations = ("r:", "r;")

    /// SQL that is true of the rule key of a registration, rotation or revocation (the key
    /// events, which every fold reads whole). The partial index `civic_facts_key_events` is made
    /// with this very text, and SQLite uses it only for a query that repeats it.
    static let keyEvents = "((rule_key >= 'o:' AND rule_key < 'o;') OR (rule_key >= '\(revocations.0)' AND rule_key < '\(revocations.1)'))"

    /// The key whose rule facts `body` changes, if it changes any.
    static func written(by body: CivicBody) -> String? {
        switch body {
        case .districtDefined(let district): return Self.district(district.district)
        case .systemProcured(let procured): return system(procured.system)
        case .deploymentRecorded(let deployment), .deploymentRemoved(let deployment): return system(deployment.system)
        case .systemRetired(let retirement): return system(retirement.subject)
        case .algorithmRegistered(let entry): return algorithm(entry.algorithm)
        case .algorithmRetired(let retirement): return algorithm(retirement.subject)
        case .officeRegistered(let registration): return office(registration.office)
        case .officeKeyRotated(let rotation): return office(rotation.office)
        case .officeKeyRevoked(let revocation): return Self.revocation(revocation.office)
        case .targetDeclared, .contractAmended, .costIncurred, .surveillanceAssessed, .algorithmUpdated, .eventCorrected: return nil
        }
    }

    /// The keys the rules read to check `body` (``RuleFacts/conflicts(of:at:effective:)``), which
    /// include the one it writes.
    static func read(by body: CivicBody) -> [String] {
        switch body {
        case .districtDefined(let district): return [Self.district(district.district)]
        case .deploymentRecorded(let deployment), .deploymentRemoved(let deployment):
            return [system(deployment.system), Self.district(deployment.district)]
        case .surveillanceAssessed(let assessment): return [system(assessment.system)] + assessment.districts.map(Self.district)
        case .algorithmRegistered(let entry): return [algorithm(entry.algorithm)] + (entry.system.map { [system($0)] } ?? [])
        case .algorithmUpdated(let update): return [algorithm(update.algorithm)]
        case .algorithmRetired(let retirement): return [algorithm(retirement.subject)]
        case .officeRegistered(let registration): return [office(registration.office)]
        case .officeKeyRotated(let rotation): return [office(rotation.office)]
        case .officeKeyRevoked(let revocation): return [office(revocation.office), Self.revocation(revocation.office)]
        case .systemProcured, .contractAmended, .costIncurred, .systemRetired: return body.system.map { [system($0)] } ?? []
        case .targetDeclared, .eventCorrected: return []
        }
    }

    /// Every key a correction's replacement may change, whatever the type of the event it corrects
    /// (which may not be held yet): each identifier member it names. More keys than needed is harmless.
    static func named(by replacement: JSONValue) -> [String] {
        var keys: [String] = []
        if let id = replacement["district"]?.stringValue { keys.append(district(id)) }
        if let id = replacement["system"]?.stringValue { keys.append(system(id)) }
        if let id = replacement["algorithm"]?.stringValue { keys.append(algorithm(id)) }
        if let id = replacement["office"]?.stringValue { keys += [office(id), revocation(id)] }
        return keys
    }
}
