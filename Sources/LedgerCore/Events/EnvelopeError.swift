/// Why an event envelope or draft was refused. One line naming the field and the reason.
public struct EnvelopeError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        case json(JSONError)
        case missingField(String)
        case wrongType(field: String, expected: String, found: String)
        case unknownField(String)
        case badValue(field: String, reason: String)
        case notCanonical
        case tooLarge(size: Int, limit: Int)
    }

    let code: Code

    init(_ code: Code) { self.code = code }

    public static func missingField(_ field: String) -> EnvelopeError { EnvelopeError(.missingField(field)) }
    public static func badValue(_ field: String, _ reason: String) -> EnvelopeError {
        EnvelopeError(.badValue(field: field, reason: reason))
    }
    public static func wrongType(_ field: String, expected: String, found: JSONValue) -> EnvelopeError {
        EnvelopeError(.wrongType(field: field, expected: expected, found: found.kindName))
    }

    public var description: String {
        switch code {
        case .json(let error): return error.description
        case .missingField(let field): return "missing field \"\(field)\""
        case .wrongType(let field, let expected, let found): return "field \"\(field)\" must be \(expected), not \(found)"
        case .unknownField(let field): return "unknown field \"\(field)\""
        case .badValue(let field, let reason): return "field \"\(field)\": \(reason)"
        case .notCanonical: return "event bytes are not in canonical form (RFC 8785)"
        case .tooLarge(let size, let limit): return "event is \(size) bytes, over the limit of \(limit) bytes"
        }
    }
}
