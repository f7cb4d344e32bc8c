import LedgerCore

/// The event types a ledger accepts and the structural checks of their bodies (version 1: every
/// type of DESIGN §5, see `Protocol/VOCABULARY.md`).
///
/// ```swift
/// try EventTypeRegistry.version1.validate(draft)
/// ```
public struct EventTypeRegistry: Sendable {
    public static let version1 = EventTypeRegistry()

    /// The known type names, sorted.
    public var types: [String] { CivicBody.types.sorted() }

    public func isKnown(_ type: String) -> Bool { CivicBody.types.contains(type) }

    /// Refuses an unknown type or a body that fails its type's checks.
    public func validate(_ draft: EventDraft) throws(ValidationError) {
        _ = try CivicBody.decode(type: draft.type, body: draft.body)
    }
}
