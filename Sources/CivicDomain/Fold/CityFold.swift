import LedgerCore

/// The fold of a ledger's facts in citywide order, the same on every node: each event's conflicts
/// with the facts before it are resolved as VOCABULARY.md ("Conflicts") says — the event applied,
/// clamped, or left out — and listed as findings.
///
/// ```swift
/// var fold = CityFold(registrar: "cityhall")
/// fold.fold(try LedgerFacts.load(db, filter: .none, registrar: "cityhall"))
/// ```
struct CityFold {
    /// What the rules read, after every fact folded so far.
    private(set) var rules: RuleFacts
    /// The full state; kept only when `keepsState` (recording needs only the rules).
    private(set) var state = FactState()
    private(set) var findings: [Finding] = []
    private let keepsState: Bool

    init(registrar: String?, city: String? = nil, keepsState: Bool = true) {
        rules = RuleFacts(registrar: registrar, city: city)
        self.keepsState = keepsState
    }

    /// Goes on from where a snapshot of the fold stands (``FoldSnapshot``).
    /// - Parameter snapshot: consumed, so that the fold's first change to a dictionary does not
    ///   copy the whole of it (tens of thousands of systems) while the snapshot still holds it.
    init(from snapshot: consuming FoldSnapshot) {
        (rules, state, findings, keepsState) = (snapshot.rules, snapshot.state, snapshot.foldFindings, true)
    }

    /// Folds every readable fact in order (the facts' own findings are the caller's to keep).
    mutating func fold(_ facts: LedgerFacts) {
        for item in facts.items {
            guard let body = item.body else { continue }
            fold(body, at: item.ref, effective: item.effective)
        }
    }

    /// Folds facts into `rules` alone, in place (recording keeps no state and no findings).
    static func fold(_ facts: LedgerFacts, into rules: inout RuleFacts) {
        for item in facts.items {
            guard let body = item.body else { continue }
            _ = step(&rules, body, at: item.ref, effective: item.effective)
        }
    }

    /// The rules' step of the fold: the event's conflicts with the facts before it; it applies
    /// unless one of them leaves it out.
    private static func step(_ rules: inout RuleFacts, _ body: CivicBody, at event: EventRef, effective: String) -> (conflicts: [Conflict], applied: Bool) {
        let conflicts = rules.conflicts(of: body, at: event, effective: effective)
        guard !conflicts.contains(where: { $0.resolution == .ignored }) else { return (conflicts, false) }
        rules.apply(body, at: event, effective: effective)
        return (conflicts, true)
    }

    /// Folds one event: its conflicts become findings; it applies unless one of them leaves it out.
    mutating func fold(_ body: CivicBody, at event: EventRef, effective: String) {
        let (conflicts, applied) = Self.step(&rules, body, at: event, effective: effective)
        for conflict in conflicts {
            findings.append(
                Finding(
                    kind: conflict.kind, events: [event], conflictsWith: conflict.with, resolution: conflict.resolution,
                    detail: ValidationError(type: event.type, field: conflict.field, reason: conflict.reason).description))
        }
        guard applied else { return }
        if keepsState { state.apply(body, office: event.office, effective: effective) }
    }
}
