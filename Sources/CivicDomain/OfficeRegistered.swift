import LedgerCore

/// `office.registered`: the registrar vouches for an office and its checkpoint key.
///
/// Body: `{"office": "transport", "name": "Transport Department", "key": "<C2SP verifier key>"}`.
public struct OfficeRegistered: Sendable, Equatable {
    public let office: String
    public let name: String
    public let key: NoteVerifier

    static let check: EventTypeRegistry.BodyCheck = { (reader) throws(ValidationError) in _ = try OfficeRegistered(reader) }

    public init(_ reader: BodyReader) throws(ValidationError) {
        try reader.onlyFields(["office", "name", "key"])
        office = try reader.string("office", maxLength: 32)
        guard Identifiers.isValidOffice(office) else { throw reader.fail("office", "must match [a-z0-9-]{1,32}") }
        name = try reader.string("name")
        let vkey = try reader.string("key", maxLength: 400)
        do {
            key = try NoteVerifier(vkey: vkey)
        } catch {
            throw reader.fail("key", "is not a verifier key: \(error)")
        }
        guard key.name.hasSuffix("/\(office)") else { throw reader.fail("key", "is named \(key.name), not for office \(office)") }
    }
}
