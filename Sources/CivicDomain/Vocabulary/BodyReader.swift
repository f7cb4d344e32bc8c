import LedgerCore

/// Typed access to a body's fields; every failure is a ``ValidationError`` naming the field.
///
/// ```swift
/// let reader = BodyReader(type: "cost.incurred", body: body)
/// let amount = try reader.integer("amount", in: 1...BodyReader.maximumMoney)
/// ```
public struct BodyReader: Sendable {
    public static let maximumMoney: Int64 = 9_007_199_254_740_991

    public let type: String
    public let body: JSONValue
    /// The path of this object inside the body, for nested objects (`contract.`).
    public let path: String

    public init(type: String, body: JSONValue, path: String = "") {
        self.type = type
        self.body = body
        self.path = path
    }

    public func fail(_ field: String?, _ reason: String) -> ValidationError {
        ValidationError(type: type, field: field.map { path + $0 }, reason: reason)
    }

    /// Refuses members outside `allowed` (a handful of names: compared in turn, nothing hashed).
    public func onlyFields(_ allowed: [String]) throws(ValidationError) {
        guard let members = body.objectValue else { throw fail(nil, "must be an object") }
        for (key, _) in members where !allowed.contains(key) {
            throw fail(key, "is not a field of \(type)")
        }
    }

    public func has(_ field: String) -> Bool { body[field] != nil }

    private func value(_ field: String) throws(ValidationError) -> JSONValue {
        guard let value = body[field] else { throw fail(field, "is missing") }
        return value
    }

    public func string(_ field: String, maxLength: Int = 200) throws(ValidationError) -> String {
        let value = try value(field)
        guard let text = value.stringValue else { throw fail(field, "must be a string, not \(value.kindName)") }
        // UTF-8 is never shorter than the scalars it encodes: count them only when it is too long.
        guard !text.isEmpty, text.utf8.count <= maxLength || text.unicodeScalars.count <= maxLength else {
            throw fail(field, "must be 1 to \(maxLength) characters")
        }
        return text
    }

    public func optionalString(_ field: String, maxLength: Int = 200) throws(ValidationError) -> String? {
        has(field) ? try string(field, maxLength: maxLength) : nil
    }

    /// An id: `[a-z0-9][a-z0-9-]{0,63}`.
    public func identifier(_ field: String) throws(ValidationError) -> String {
        let text = try string(field, maxLength: 64)
        guard Self.isIdentifier(text) else { throw fail(field, "must match [a-z0-9][a-z0-9-]{0,63}") }
        return text
    }

    public func optionalIdentifier(_ field: String) throws(ValidationError) -> String? {
        has(field) ? try identifier(field) : nil
    }

    public func integer(_ field: String, in range: ClosedRange<Int64>) throws(ValidationError) -> Int64 {
        let value = try value(field)
        guard let number = value.integerValue else { throw fail(field, "must be an integer, not \(value.kindName)") }
        guard range.contains(number) else { throw fail(field, "must be between \(range.lowerBound) and \(range.upperBound)") }
        return number
    }

    public func bool(_ field: String) throws(ValidationError) -> Bool {
        let value = try value(field)
        guard let flag = value.boolValue else { throw fail(field, "must be true or false, not \(value.kindName)") }
        return flag
    }

    public func date(_ field: String) throws(ValidationError) -> LedgerDate {
        let text = try string(field, maxLength: 10)
        guard let date = LedgerDate(text) else { throw fail(field, "must be a date YYYY-MM-DD") }
        return date
    }

    public func optionalDate(_ field: String) throws(ValidationError) -> LedgerDate? {
        has(field) ? try date(field) : nil
    }

    public func code<Code: CodeList>(_ field: String, as _: Code.Type) throws(ValidationError) -> Code {
        let text = try string(field, maxLength: 64)
        guard let code = Code(rawValue: text) else { throw fail(field, "\"\(text)\" is not a \(Code.listName) (one of \(Code.allCodes))") }
        return code
    }

    public func currency(_ field: String) throws(ValidationError) -> Currency {
        let text = try string(field, maxLength: 3)
        guard let currency = Currency(text) else { throw fail(field, "\"\(text)\" is not a currency of the vocabulary (ISO 4217)") }
        return currency
    }

    public func array(_ field: String, nonEmpty: Bool) throws(ValidationError) -> [JSONValue] {
        let value = try value(field)
        guard let elements = value.arrayValue else { throw fail(field, "must be a list, not \(value.kindName)") }
        guard !nonEmpty || !elements.isEmpty else { throw fail(field, "must not be empty") }
        guard elements.count <= 1000 else { throw fail(field, "must have at most 1000 entries") }
        return elements
    }

    /// A list of codes without repeats.
    public func codes<Code: CodeList>(_ field: String, as _: Code.Type, nonEmpty: Bool) throws(ValidationError) -> [Code] {
        var codes: [Code] = []
        for element in try array(field, nonEmpty: nonEmpty) {
            guard let text = element.stringValue, let code = Code(rawValue: text) else {
                throw fail(field, "entries must be \(Code.listName) codes (one of \(Code.allCodes))")
            }
            guard !codes.contains(code) else { throw fail(field, "repeats \(text)") }
            codes.append(code)
        }
        return codes
    }

    public func strings(_ field: String, nonEmpty: Bool, maxLength: Int = 200) throws(ValidationError) -> [String] {
        var texts: [String] = []
        for element in try array(field, nonEmpty: nonEmpty) {
            guard let text = element.stringValue, !text.isEmpty, text.unicodeScalars.count <= maxLength else {
                throw fail(field, "entries must be strings of 1 to \(maxLength) characters")
            }
            texts.append(text)
        }
        return texts
    }

    public func identifiers(_ field: String) throws(ValidationError) -> [String] {
        let texts = try strings(field, nonEmpty: false, maxLength: 64)
        guard texts.allSatisfy(Self.isIdentifier) else { throw fail(field, "entries must match [a-z0-9][a-z0-9-]{0,63}") }
        guard Set(texts).count == texts.count else { throw fail(field, "has repeated entries") }
        return texts
    }

    /// A nested object, read with its own reader (errors name `field.member`).
    public func object(_ field: String) throws(ValidationError) -> BodyReader {
        let value = try value(field)
        guard case .object = value else { throw fail(field, "must be an object, not \(value.kindName)") }
        return BodyReader(type: type, body: value, path: path + field + ".")
    }

    public static func isIdentifier(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, bytes.count <= 64, first != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }
    }
}
