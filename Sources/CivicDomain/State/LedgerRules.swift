import LedgerCore

/// The context checks of recording (VOCABULARY.md, "Two levels of checks"): an event this office
/// records must not conflict with anything the node holds. Received events are never refused for
/// their context; the fold resolves the same conflicts (``RuleFacts/conflicts(of:at:effective:)``).
public enum LedgerRules {
    /// Refuses `body` when it conflicts with `state`, the facts the node holds (and the batch so far).
    ///
    /// Corrections are checked by ``checkCorrection(_:by:registrar:lookup:)``, which needs the held events.
    ///
    /// - Throws: ``ValidationError`` naming the field and the first conflict.
    public static func check(_ body: CivicBody, type: String, at event: EventRef, effective: String, state: RuleFacts) throws(ValidationError) {
        if let conflict = state.conflicts(of: body, at: event, effective: effective).first {
            throw ValidationError(type: type, field: conflict.field, reason: conflict.reason)
        }
    }

    /// A held event as a correction needs it: its type and recording office.
    public struct Target: Sendable {
        public let type: String
        public let office: String

        public init(type: String, office: String) {
            self.type = type
            self.office = office
        }
    }

    /// A correction names a held event that is not itself a correction, recorded by the correcting
    /// office (or corrected by the registrar), and its replacement is a valid body of that event's type.
    ///
    /// - Parameters:
    ///   - office: the correcting office.
    ///   - lookup: finds a held event by id.
    public static func checkCorrection(
        _ correction: EventCorrected, by office: String, registrar: String?, lookup: (Hash) throws -> Target?
    ) throws {
        let type = "event.corrected"
        func fail(_ field: String, _ reason: String) -> ValidationError { ValidationError(type: type, field: field, reason: reason) }
        guard let target = try lookup(correction.event) else {
            throw fail("event", "\(correction.event.hex) is not an event of this ledger")
        }
        guard target.type != type else { throw fail("event", "a correction cannot be corrected; correct the original") }
        guard target.office == office || office == registrar else {
            throw fail("event", "was recorded by \(target.office): only \(target.office) or the registrar may correct it, not \(office)")
        }
        do {
            _ = try CivicBody.decode(type: target.type, body: correction.replacement)
        } catch {
            throw fail("replacement", "is not a valid \(target.type) body: \(error)")
        }
    }
}
