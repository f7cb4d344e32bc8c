/// The event envelope (DESIGN §2), version 1, and the core that later versions keep.
///
/// Canonical JSON members, in canonical order: `author` (optional), `body`, `effective`, `hlc`
/// (`{"logical":n,"wall":ms}`), `office`, `prev` (absent for seq 1), `seq`, `type`, `v` (1).
///
/// An envelope of a later version (`v` > 1, received from a newer office) is read through the same
/// members, which keep their meaning in every version (ENCODING.md, "Later versions"); members it
/// adds are allowed and kept in its bytes. Such an event is stored and verified like any other, and
/// left out of the fold.
public struct EventEnvelope: Sendable, Equatable {
    /// The version this node records.
    public static let version: Int64 = 1
    /// The largest canonical event accepted, in bytes: its length fits the 16-bit prefix of an entry
    /// bundle (C2SP tlog-tiles, Protocol/PUBLISH.md).
    public static let maximumCanonicalBytes = 65_535
    /// The largest `author` accepted, in bytes.
    public static let maximumAuthorBytes = 256

    /// The envelope version: 1 for every event recorded here; a later one only in received bytes.
    public let version: Int64
    public let office: String
    public let seq: UInt64
    public let prev: Hash?
    public let hlc: HLCTimestamp
    public let type: String
    public let effective: LedgerDate
    public let author: String?
    public let body: JSONValue

    /// Makes a version-1 envelope, checking every field.
    ///
    /// - Throws: ``EnvelopeError`` naming the first bad field.
    public init(
        office: String, seq: UInt64, prev: Hash?, hlc: HLCTimestamp, type: String, effective: LedgerDate,
        author: String?, body: JSONValue
    ) throws(EnvelopeError) {
        try self.init(
            version: Self.version, office: office, seq: seq, prev: prev, hlc: hlc, type: type, effective: effective, author: author, body: body)
    }

    /// Makes an envelope of any version, checking every field (``JSONParser/canonicalEnvelope(_:)``
    /// and ``init(json:)`` read it from bytes).
    init(
        version: Int64, office: String, seq: UInt64, prev: Hash?, hlc: HLCTimestamp, type: String, effective: LedgerDate,
        author: String?, body: JSONValue
    ) throws(EnvelopeError) {
        guard Identifiers.isValidOffice(office) else { throw .badValue("office", "must match [a-z0-9-]{1,32}") }
        guard seq >= 1, seq <= UInt64(JSONParser.maximumSafeInteger) else { throw .badValue("seq", "must be a positive safe integer") }
        if seq == 1 {
            guard prev == nil else { throw .badValue("prev", "must be absent for seq 1") }
        } else {
            guard let prev, prev.isWellFormed else { throw .badValue("prev", "must be the previous event's leaf hash for seq > 1") }
        }
        guard hlc.wall >= 0, hlc.logical >= 0, hlc.wall <= JSONParser.maximumSafeInteger, hlc.logical <= JSONParser.maximumSafeInteger else {
            throw .badValue("hlc", "wall and logical must be non-negative safe integers")
        }
        guard Identifiers.isValidEventType(type) else { throw .badValue("type", "must look like `cost.incurred`") }
        if let author {
            guard !author.isEmpty, author.utf8.count <= Self.maximumAuthorBytes else {
                throw .badValue("author", "must be 1 to \(Self.maximumAuthorBytes) bytes")
            }
        }
        guard case .object = body else { throw .wrongType("body", expected: "an object", found: body) }
        self.version = version
        self.office = office
        self.seq = seq
        self.prev = prev
        self.hlc = hlc
        self.type = type
        self.effective = effective
        self.author = author
        self.body = body
    }

    /// Whether this node's version reads the whole envelope (false for a later version's event).
    public var isKnownVersion: Bool { version == Self.version }

    /// The envelope's members as this version reads them (a later version's own members are left out).
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("v", .integer(version)),
            ("office", .string(office)),
            ("seq", .integer(Int64(seq))),
            ("hlc", hlc.json),
            ("type", .string(type)),
            ("effective", .string(effective.description)),
            ("body", body),
        ]
        if let prev { members.append(("prev", .string(prev.hex))) }
        if let author { members.append(("author", .string(author))) }
        return .object(members)
    }

    /// The canonical bytes of a version-1 envelope, written member by member in RFC 8785 order (all
    /// envelope keys are ASCII, so their order is fixed); equal to `CanonicalJSON.encode(json)`,
    /// without building the tree. (A later version's event keeps the bytes it arrived with.)
    public func canonicalBytes() throws(JSONError) -> [UInt8] {
        var output: [UInt8] = []
        // Room for the envelope of a typical event (330 – 450 bytes, with `prev`): growing the
        // array copies it, which was a tenth of this function's time at 320.
        output.reserveCapacity(512)
        output.append(UInt8(ascii: "{"))
        if let author {
            output.append(contentsOf: #""author":"#.utf8)
            CanonicalJSON.writeString(author, into: &output)
            output.append(UInt8(ascii: ","))
        }
        output.append(contentsOf: #""body":"#.utf8)
        try CanonicalJSON.write(body, into: &output)
        output.append(contentsOf: #","effective":""#.utf8)
        effective.append(into: &output)
        output.append(contentsOf: #"","hlc":{"logical":"#.utf8)
        ASCIIDigits.appendDecimal(hlc.logical, into: &output)
        output.append(contentsOf: #","wall":"#.utf8)
        ASCIIDigits.appendDecimal(hlc.wall, into: &output)
        output.append(contentsOf: #"},"office":"#.utf8)
        CanonicalJSON.writeString(office, into: &output)
        if let prev {
            output.append(contentsOf: #","prev":""#.utf8)
            ASCIIDigits.appendHex(prev.bytes, into: &output)
            output.append(UInt8(ascii: "\""))
        }
        output.append(contentsOf: #","seq":"#.utf8)
        ASCIIDigits.appendDecimal(seq, into: &output)
        output.append(contentsOf: #","type":"#.utf8)
        CanonicalJSON.writeString(type, into: &output)
        output.append(contentsOf: #","v":"#.utf8)
        ASCIIDigits.appendDecimal(version, into: &output)
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// Reads an envelope from a parsed JSON object, refusing missing, mistyped and unknown fields.
    ///
    /// One pass over the members; the checks then run in a fixed order (unknown fields first), so
    /// the error named does not depend on member order. A later version (`v` > 1) may carry members
    /// of its own; its core members are checked as in version 1.
    public init(json value: JSONValue) throws(EnvelopeError) {
        guard let members = value.objectValue else { throw .wrongType("event", expected: "an object", found: value) }
        var version, officeValue, seqValue, prevValue, hlcValue, typeValue, effectiveValue, authorValue, body: JSONValue?
        var unknown: String? = nil
        for (key, member) in members {
            switch key {
            case "v": version = member
            case "office": officeValue = member
            case "seq": seqValue = member
            case "prev": prevValue = member
            case "hlc": hlcValue = member
            case "type": typeValue = member
            case "effective": effectiveValue = member
            case "author": authorValue = member
            case "body": body = member
            default: if unknown == nil { unknown = key }
            }
        }
        guard let versionValue = version else {
            if let unknown { throw EnvelopeError(.unknownField(unknown)) }
            throw .missingField("v")
        }
        guard let versionNumber = versionValue.integerValue, versionNumber >= 1 else {
            throw .badValue("v", "must be an envelope version, an integer from 1")
        }
        if let unknown, versionNumber == Self.version { throw EnvelopeError(.unknownField(unknown)) }
        let office = try Self.string(officeValue, "office")
        let seq = try Self.integer(seqValue, "seq")
        guard seq >= 1 else { throw .badValue("seq", "must be 1 or more") }
        var prev: Hash? = nil
        if let prevValue {
            guard let text = prevValue.stringValue else { throw .wrongType("prev", expected: "a string", found: prevValue) }
            guard let hash = Hash(lowercaseHex: text) else { throw .badValue("prev", "must be 64 lowercase hex digits") }
            prev = hash
        }
        guard let hlcValue else { throw .missingField("hlc") }
        guard let hlcMembers = hlcValue.objectValue else { throw .wrongType("hlc", expected: "an object", found: hlcValue) }
        var wallValue, logicalValue: JSONValue?
        for (key, member) in hlcMembers {
            switch key {
            case "wall": wallValue = member
            case "logical": logicalValue = member
            default: throw EnvelopeError(.unknownField("hlc.\(key)"))
            }
        }
        let wall = try Self.integer(wallValue, "hlc.wall")
        let logical = try Self.integer(logicalValue, "hlc.logical")
        let type = try Self.string(typeValue, "type")
        let effectiveText = try Self.string(effectiveValue, "effective")
        guard let effective = LedgerDate(effectiveText) else { throw .badValue("effective", "must be a date YYYY-MM-DD") }
        var author: String? = nil
        if let authorValue {
            guard let text = authorValue.stringValue else { throw .wrongType("author", expected: "a string", found: authorValue) }
            author = text
        }
        guard let body else { throw .missingField("body") }
        try self.init(
            version: versionNumber, office: office, seq: UInt64(seq), prev: prev, hlc: HLCTimestamp(wall: wall, logical: logical),
            type: type, effective: effective, author: author, body: body)
    }

    static func string(_ value: JSONValue?, _ path: String) throws(EnvelopeError) -> String {
        guard let value else { throw .missingField(path) }
        guard let text = value.stringValue else { throw .wrongType(path, expected: "a string", found: value) }
        return text
    }

    static func integer(_ value: JSONValue?, _ path: String) throws(EnvelopeError) -> Int64 {
        guard let value else { throw .missingField(path) }
        guard let number = value.integerValue else { throw .wrongType(path, expected: "an integer", found: value) }
        return number
    }
}
