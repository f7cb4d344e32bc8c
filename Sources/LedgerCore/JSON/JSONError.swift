/// Why a JSON text was refused.
///
/// The description is one line for a person: what was wrong and at which byte.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        case unexpectedEnd
        case unexpectedByte(UInt8)
        case invalidNumber
        case floatNotAllowed
        case integerOutOfRange
        case invalidEscape
        case loneSurrogate
        case controlCharacterInString
        case invalidUTF8
        case duplicateKey(String)
        case trailingContent
        case tooDeep(Int)
        case notEncodable(String)
        /// Well-formed but not RFC 8785 canonical (``JSONParser/parseCanonical(_:)`` only).
        case notCanonical(String)
    }

    let code: Code
    /// Byte offset in the input where the problem was found.
    public let offset: Int

    init(_ code: Code, at offset: Int) {
        self.code = code
        self.offset = offset
    }

    public var description: String {
        switch code {
        case .unexpectedEnd: return "malformed JSON: unexpected end of input at byte \(offset)"
        case .unexpectedByte(let byte):
            let shown = byte >= 0x20 && byte < 0x7F ? "'\(Character(UnicodeScalar(byte)))'" : "0x\(String(byte, radix: 16))"
            return "malformed JSON: unexpected \(shown) at byte \(offset)"
        case .invalidNumber: return "malformed JSON: invalid number at byte \(offset)"
        case .floatNotAllowed:
            return "floats are not allowed at byte \(offset): use integers (money in minor units, shares in basis points)"
        case .integerOutOfRange: return "integer out of the safe range ±(2^53-1) at byte \(offset)"
        case .invalidEscape: return "malformed JSON: invalid escape in string at byte \(offset)"
        case .loneSurrogate: return "malformed JSON: lone UTF-16 surrogate escape at byte \(offset)"
        case .controlCharacterInString: return "malformed JSON: unescaped control character in string at byte \(offset)"
        case .invalidUTF8: return "malformed JSON: invalid UTF-8 in string at byte \(offset)"
        case .duplicateKey(let key): return "duplicate key \"\(key)\" in object at byte \(offset)"
        case .trailingContent: return "malformed JSON: unexpected content after the value at byte \(offset)"
        case .tooDeep(let limit): return "JSON nested deeper than \(limit) levels at byte \(offset)"
        case .notEncodable(let why): return "value cannot be canonicalized: \(why)"
        case .notCanonical(let why): return "not in canonical form (RFC 8785): \(why) at byte \(offset)"
        }
    }
}
