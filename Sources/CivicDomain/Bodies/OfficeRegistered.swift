import LedgerCore

/// `office.registered`: the registrar vouches for an office and its checkpoint key.
///
/// Body: `{"office": "transport", "name": "Transport Department", "key": "<C2SP verifier key>"}`.
public struct OfficeRegistered: Sendable, Equatable {
    public let office: String
    public let name: String
    public let key: NoteVerifier

    public init(_ reader: BodyReader) throws(ValidationError) {
        try reader.onlyFields(["office", "name", "key"])
        office = try Self.office(reader)
        name = try reader.string("name")
        key = try Self.key(reader, office: office)
    }

    /// A registration read back from a snapshot of the fold (``FoldSnapshot``).
    init(office: String, name: String, key: NoteVerifier) {
        (self.office, self.name, self.key) = (office, name, key)
    }

    static func office(_ reader: BodyReader) throws(ValidationError) -> String {
        let office = try reader.string("office", maxLength: 32)
        guard Identifiers.isValidOffice(office) else { throw reader.fail("office", "must match [a-z0-9-]{1,32}") }
        return office
    }

    static func key(_ reader: BodyReader, office: String) throws(ValidationError) -> NoteVerifier {
        let vkey = try reader.string("key", maxLength: 400)
        let key: NoteVerifier
        do {
            key = try NoteVerifier(vkey: vkey)
        } catch {
            throw reader.fail("key", "is not a verifier key: \(error)")
        }
        guard key.name.hasPrefix("civic/"), key.name.hasSuffix("/\(office)") else {
            throw reader.fail("key", "is named \(key.name), not civic/<city>/\(office)")
        }
        return key
    }
}

/// `office.key-rotated`: an office's new checkpoint key, signing from log size `fromSize` on.
public struct OfficeKeyRotated: Sendable, Equatable {
    public let office: String
    public let key: NoteVerifier
    /// The office's log size from which the new key signs its checkpoints.
    public let fromSize: UInt64
    public let reason: String?

    public init(_ reader: BodyReader) throws(ValidationError) {
        try reader.onlyFields(["office", "key", "from_size", "reason"])
        office = try OfficeRegistered.office(reader)
        key = try OfficeRegistered.key(reader, office: office)
        fromSize = UInt64(try reader.integer("from_size", in: 1...BodyReader.maximumMoney))
        reason = try reader.optionalString("reason")
    }
}

/// `office.key-revoked`: a key of an office the registrar no longer trusts beyond log size `after`.
public struct OfficeKeyRevoked: Sendable, Equatable {
    public let office: String
    public let key: NoteVerifier
    public let after: UInt64
    public let reason: String

    public init(_ reader: BodyReader) throws(ValidationError) {
        try reader.onlyFields(["office", "key", "after", "reason"])
        office = try OfficeRegistered.office(reader)
        key = try OfficeRegistered.key(reader, office: office)
        after = UInt64(try reader.integer("after", in: 0...BodyReader.maximumMoney))
        reason = try reader.string("reason")
    }
}
