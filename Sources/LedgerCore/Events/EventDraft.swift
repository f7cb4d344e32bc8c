/// What a department asks to record: a type, an effective date, an optional author and a body.
///
/// The store turns a draft into an ``Event`` by adding office, seq, prev and HLC.
///
/// ```swift
/// let draft = try EventDraft(jsonLine: Array(#"{"type":"district.defined","effective":"2026-01-01","body":{…}}"#.utf8))
/// ```
public struct EventDraft: Sendable, Equatable {
    public let type: String
    public let effective: LedgerDate
    public let author: String?
    public let body: JSONValue

    public init(type: String, effective: LedgerDate, author: String? = nil, body: JSONValue) throws(EnvelopeError) {
        guard Identifiers.isValidEventType(type) else { throw .badValue("type", "\"\(type)\" must look like `cost.incurred`") }
        guard case .object = body else { throw .wrongType("body", expected: "an object", found: body) }
        if let author {
            guard !author.isEmpty, author.utf8.count <= EventEnvelope.maximumAuthorBytes else {
                throw .badValue("author", "must be 1 to \(EventEnvelope.maximumAuthorBytes) bytes")
            }
        }
        self.type = type
        self.effective = effective
        self.author = author
        self.body = body
    }

    /// Parses one import line `{"type":…,"effective":…,"author":…,"body":…}` with the strict profile.
    ///
    /// - Parameter defaultEffective: used when the line has no `effective`.
    public init(jsonLine bytes: some Collection<UInt8>, defaultEffective: LedgerDate) throws(EnvelopeError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, profile: .strict)
        } catch {
            throw EnvelopeError(.json(error))
        }
        guard let members = value.objectValue else { throw .wrongType("line", expected: "an object", found: value) }
        if let unknown = members.first(where: { !["type", "effective", "author", "body"].contains($0.0) }) {
            throw EnvelopeError(.unknownField(unknown.0))
        }
        let type = try EventEnvelope.string(value["type"], "type")
        var effective = defaultEffective
        if let effectiveValue = value["effective"] {
            guard let text = effectiveValue.stringValue else { throw .wrongType("effective", expected: "a string", found: effectiveValue) }
            guard let date = LedgerDate(text) else { throw .badValue("effective", "must be a date YYYY-MM-DD") }
            effective = date
        }
        var author: String? = nil
        if let authorValue = value["author"] {
            guard let text = authorValue.stringValue else { throw .wrongType("author", expected: "a string", found: authorValue) }
            author = text
        }
        guard let body = value["body"] else { throw .missingField("body") }
        try self.init(type: type, effective: effective, author: author, body: body)
    }
}
