import LedgerCore

/// The event types a ledger accepts, each with the checks its body must pass.
///
/// Version 1 knows every type of DESIGN §5. `office.registered` and `district.defined` have their
/// bodies checked field by field; the other types are accepted with any object body until their
/// schemas land (the vocabulary issue).
///
/// ```swift
/// try EventTypeRegistry.version1.validate(draft)
/// ```
public struct EventTypeRegistry: Sendable {
    public typealias BodyCheck = @Sendable (BodyReader) throws(ValidationError) -> Void

    private let checks: [String: BodyCheck]

    public init(checks: [String: BodyCheck]) {
        self.checks = checks
    }

    /// The known type names, sorted.
    public var types: [String] { checks.keys.sorted() }

    public func isKnown(_ type: String) -> Bool { checks[type] != nil }

    /// Refuses an unknown type or a body that fails its type's checks.
    public func validate(_ draft: EventDraft) throws(ValidationError) {
        guard let check = checks[draft.type] else {
            throw ValidationError(type: draft.type, field: nil, reason: "unknown event type (known: \(types.joined(separator: ", ")))")
        }
        try check(BodyReader(type: draft.type, body: draft.body))
    }

    public static let version1 = EventTypeRegistry(checks: [
        "office.registered": OfficeRegistered.check,
        "office.key-rotated": acceptObject,
        "district.defined": DistrictDefined.check,
        "policy.target-declared": acceptObject,
        "system.procured": acceptObject,
        "contract.amended": acceptObject,
        "cost.incurred": acceptObject,
        "deployment.recorded": acceptObject,
        "deployment.removed": acceptObject,
        "surveillance.assessed": acceptObject,
        "algorithm.registered": acceptObject,
        "algorithm.updated": acceptObject,
        "algorithm.retired": acceptObject,
        "system.retired": acceptObject,
        "event.corrected": acceptObject,
    ])

    /// Bodies of types whose schemas are not yet written: any JSON object (the envelope checks that).
    static let acceptObject: BodyCheck = { _ throws(ValidationError) in }
}
