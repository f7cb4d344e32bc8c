extension Event {
    /// The event as one line of `civic log --format json` (Protocol/PUBLISH.md §5): `id`, `office`,
    /// `seq`, `hlc`, `type`, `effective`, `body`, the base64 `canonical` bytes, and `author` when
    /// there is one — a reading of the canonical bytes, which a verifier checks against them.
    public var logLine: JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(id)),
            ("office", .string(envelope.office)),
            ("seq", .integer(Int64(envelope.seq))),
            ("hlc", .object([("wall", .integer(envelope.hlc.wall)), ("logical", .integer(envelope.hlc.logical))])),
            ("type", .string(envelope.type)),
            ("effective", .string(envelope.effective.description)),
            ("body", envelope.body),
            ("canonical", .string(Base64Encoding.encode(canonical))),
        ]
        if let author = envelope.author { members.append(("author", .string(author))) }
        return .object(members)
    }
}
