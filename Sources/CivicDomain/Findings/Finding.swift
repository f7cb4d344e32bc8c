import LedgerCore

/// One event named by a finding: who recorded it, where it sits in its office's log and in the
/// citywide order, its id (for an inclusion proof) and its type.
public struct EventRef: Sendable, Hashable, Comparable {
    public let key: OrderKey
    public let id: Hash
    public let type: String

    public init(key: OrderKey, id: Hash, type: String) {
        self.key = key
        self.id = id
        self.type = type
    }

    public var office: String { key.office }
    public var seq: UInt64 { key.seq }

    public static func < (lhs: EventRef, rhs: EventRef) -> Bool { lhs.key < rhs.key }

    /// `{"hlc":…,"id":…,"office":…,"seq":…,"type":…}`.
    public var json: JSONValue {
        .object([
            ("office", .string(key.office)), ("seq", .integer(Int64(key.seq))), ("id", .string(id.hex)), ("type", .string(type)),
            ("hlc", .object([("wall", .integer(key.hlc.wall)), ("logical", .integer(key.hlc.logical))])),
        ])
    }
}

/// What a finding is about (VOCABULARY.md, "Conflicts"; DESIGN §6).
public enum FindingKind: String, Sendable, CaseIterable, Comparable, Codable {
    case duplicateID = "duplicate-id"
    case systemNotProcured = "system-not-procured"
    case systemRetired = "system-retired"
    case costBeforeProcurement = "cost-before-procurement"
    case currencyMismatch = "currency-mismatch"
    case districtNotDefined = "district-not-defined"
    case overRemoval = "over-removal"
    case unauthorized = "unauthorized"
    case algorithmNotRegistered = "algorithm-not-registered"
    case algorithmRetired = "algorithm-retired"
    case correctedTwice = "corrected-twice"
    case correctionTargetMissing = "correction-target-missing"
    case correctionOfCorrection = "correction-of-correction"
    case correctionInvalidReplacement = "correction-invalid-replacement"
    case unknownType = "unknown-type"
    case unknownVersion = "unknown-version"
    case invalidBody = "invalid-body"
    case totalOutOfRange = "total-out-of-range"
    case badKey = "bad-key"
    case revokedKey = "revoked-key"
    case clockAhead = "clock-ahead"
    case arrivedLate = "arrived-late"
    case fork = "fork"

    public static func < (lhs: FindingKind, rhs: FindingKind) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether every node holding the same events finds it (ledger), or it is what this node saw (node).
    public var scope: FindingScope {
        switch self {
        case .clockAhead, .arrivedLate, .fork: return .node
        default: return .ledger
        }
    }

    /// The rule the finding is about, one line (VOCABULARY.md, "Conflicts").
    public var rule: String {
        switch self {
        case .duplicateID: return "a system or algorithm id is created once; the first in citywide order stands"
        case .systemNotProcured: return "an event about a system comes after its procurement in citywide order"
        case .systemRetired: return "an event about a system comes before its retirement in citywide order"
        case .costBeforeProcurement: return "a cost is not dated before its system's procurement"
        case .currencyMismatch: return "a cost or amendment is in its system's contract currency"
        case .districtNotDefined: return "a deployment or assessment names districts defined before it in citywide order"
        case .overRemoval: return "a removal takes out no more units than are deployed in the district"
        case .unauthorized:
            return "only the procuring office or the registrar amends or retires a system; only the recording office or the registrar corrects an event; only the registrar registers offices"
        case .algorithmNotRegistered: return "an algorithm is registered before it is updated or retired"
        case .algorithmRetired: return "a retired algorithm is not updated or retired again"
        case .correctedTwice: return "an event is corrected once; of several corrections the last in citywide order applies"
        case .correctionTargetMissing: return "a correction names an event the ledger holds"
        case .correctionOfCorrection: return "a correction is not itself corrected"
        case .correctionInvalidReplacement: return "a correction's replacement is a valid body of the corrected event's type"
        case .unknownType: return "events of a type this node's vocabulary does not know are kept, verified and left out of the state"
        case .unknownVersion: return "events of a later envelope version are kept, verified and left out of the state"
        case .invalidBody: return "an event's body is valid for its type"
        case .badKey:
            return "a registration, rotation or revocation names a key of the office in this city, registers an office once, rotates to a key that signs after the current one, revokes a key the office has"
        case .revokedKey: return "an office's events beyond a revoked key's last trusted size are vouched for by that key alone, so they are not trusted"
        case .totalOutOfRange: return "a total of money stays within ±(2^53 − 1) minor units, what a JSON number carries exactly"
        case .clockAhead: return "an office's clock runs no more than 5 minutes ahead of this node's when its events arrive"
        case .arrivedLate: return "events arrive within 30 days of this node's clock"
        case .fork: return "an office signs one history"
        }
    }
}

/// Whether a finding is the same on every node holding the same events, or this node's own observation.
public enum FindingScope: String, Sendable {
    case ledger, node
}

/// What the fold did with the event a finding names.
public enum Resolution: String, Sendable, Codable {
    /// Money: counted in the totals all the same (a signed event says it was spent).
    case counted
    /// Left out of the state (the event stays in the log, verified).
    case ignored
    /// Applied all the same.
    case applied
    /// Applied up to what was there (a removal of more units than deployed removes them all).
    case clamped
    /// Of several corrections, only the last applies.
    case superseded
    /// Nothing to resolve: a node's observation.
    case flagged
}

/// What an auditor should look at: a conflict the fold resolved, an event it could not read, or what
/// this node saw of other offices' clocks and histories. Each names the events involved.
public struct Finding: Sendable, Equatable, Codable {
    public let kind: FindingKind
    public let events: [EventRef]
    public let conflictsWith: [EventRef]
    public let resolution: Resolution
    /// One line for a person.
    public let detail: String
    /// For node findings that name an office but not its events (flags kept by an earlier version).
    public let office: String?

    public init(
        kind: FindingKind, events: [EventRef], conflictsWith: [EventRef] = [], resolution: Resolution, detail: String, office: String? = nil
    ) {
        self.kind = kind
        self.events = events
        self.conflictsWith = conflictsWith
        self.resolution = resolution
        self.detail = detail
        self.office = office ?? events.first?.office
    }

    public var scope: FindingScope { kind.scope }

    /// The finding as `findings.schema.json` describes it.
    public var json: JSONValue {
        .object([
            ("kind", .string(kind.rawValue)), ("scope", .string(scope.rawValue)), ("office", office.map { .string($0) } ?? .null),
            ("rule", .string(kind.rule)), ("resolution", .string(resolution.rawValue)), ("detail", .string(detail)),
            ("events", .array(events.map(\.json))), ("conflicts_with", .array(conflictsWith.map(\.json))),
        ])
    }

    /// Ledger findings in citywide order of their first event, then node findings by office.
    public static func sorted(_ findings: [Finding]) -> [Finding] {
        findings.enumerated().sorted { left, right in
            let (a, b) = (left.element, right.element)
            if a.scope != b.scope { return a.scope == .ledger }
            switch (a.events.first, b.events.first) {
            case (let x?, let y?) where x.key != y.key: return x.key < y.key
            case (nil, _?): return false
            case (_?, nil): return true
            default: break
            }
            if a.kind != b.kind { return a.kind < b.kind }
            if a.office != b.office { return (a.office ?? "") < (b.office ?? "") }
            return left.offset < right.offset
        }.map(\.element)
    }
}
