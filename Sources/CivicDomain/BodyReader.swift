import LedgerCore

/// Typed access to a body's fields that throws a ``ValidationError`` naming the field.
public struct BodyReader: Sendable {
    public let type: String
    public let body: JSONValue

    public func fail(_ field: String?, _ reason: String) -> ValidationError {
        ValidationError(type: type, field: field, reason: reason)
    }

    /// Refuses fields outside `allowed`.
    public func onlyFields(_ allowed: Set<String>) throws(ValidationError) {
        for (key, _) in body.objectValue ?? [] where !allowed.contains(key) {
            throw fail(key, "is not a field of \(type)")
        }
    }

    public func string(_ field: String, maxLength: Int = 200) throws(ValidationError) -> String {
        guard let value = body[field] else { throw fail(field, "is missing") }
        guard let text = value.stringValue else { throw fail(field, "must be a string, not \(value.kindName)") }
        guard !text.isEmpty, text.count <= maxLength else { throw fail(field, "must be 1 to \(maxLength) characters") }
        return text
    }

    public func identifier(_ field: String) throws(ValidationError) -> String {
        let text = try string(field, maxLength: 64)
        guard text.utf8.allSatisfy(Self.isIdentifierByte) else {
            throw fail(field, "must match [a-z0-9-]{1,64}")
        }
        return text
    }

    public func integer(_ field: String, in range: ClosedRange<Int64>) throws(ValidationError) -> Int64 {
        guard let value = body[field] else { throw fail(field, "is missing") }
        guard let number = value.integerValue else { throw fail(field, "must be an integer, not \(value.kindName)") }
        guard range.contains(number) else { throw fail(field, "must be between \(range.lowerBound) and \(range.upperBound)") }
        return number
    }

    public func bool(_ field: String) throws(ValidationError) -> Bool {
        guard let value = body[field] else { throw fail(field, "is missing") }
        guard let flag = value.boolValue else { throw fail(field, "must be true or false, not \(value.kindName)") }
        return flag
    }

    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "-")
    }
}
