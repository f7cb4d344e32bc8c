/// Why the vocabulary refused an event: the field and the reason, one line.
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let type: String
    public let field: String?
    public let reason: String

    public init(type: String, field: String?, reason: String) {
        self.type = type
        self.field = field
        self.reason = reason
    }

    public var description: String {
        guard let field else { return "\(type): \(reason)" }
        return "\(type): field \"\(field)\" \(reason)"
    }
}
