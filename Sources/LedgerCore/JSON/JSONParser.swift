import Foundation

/// A strict RFC 8259 parser over UTF-8 bytes.
///
/// Two profiles:
/// - ``Profile/general``: any JSON number is accepted (non-integers become ``JSONValue/number``);
///   this is what RFC 8785 canonicalization of arbitrary input needs.
/// - ``Profile/strict``: the ledger's event profile (DESIGN §2): no fractions or exponents, integers
///   within ±(2^53−1), every string and key NFC-normalized.
///
/// Both profiles refuse duplicate keys, invalid UTF-8, lone surrogates and trailing content.
///
/// ```swift
/// let value = try JSONParser.parse(Array(#"{"a":1}"#.utf8), profile: .strict)
/// ```
public struct JSONParser {
    public enum Profile: Sendable {
        case general
        case strict
    }

    public static let maximumDepth = 64
    public static let maximumSafeInteger: Int64 = 9_007_199_254_740_991

    /// Parses one JSON value that must span the whole input (surrounding whitespace allowed).
    ///
    /// - Parameters:
    ///   - bytes: UTF-8 JSON text.
    ///   - profile: which number and string rules apply.
    /// - Returns: the parsed value.
    /// - Throws: ``JSONError`` naming the first problem and its byte offset.
    public static func parse(_ bytes: some Collection<UInt8>, profile: Profile) throws(JSONError) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(JSONError) -> JSONValue in
            var parser = JSONParser(buffer: buffer, profile: profile)
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.index == buffer.count else { throw JSONError(.trailingContent, at: parser.index) }
            return value
        }
    }

    /// Parses bytes that must be the RFC 8785 canonical form of a strict-profile value, in one pass:
    /// no whitespace, members in code-unit order, only the escapes JCS writes, strings already NFC,
    /// no `-0`. Accepting means `CanonicalJSON.encode(value) == bytes`; this skips that re-encoding.
    ///
    /// - Throws: ``JSONError`` for malformed JSON, a value outside the strict profile, or a form
    ///   that is not canonical.
    public static func parseCanonical(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONError) -> JSONValue in
            var parser = JSONParser(buffer: buffer, profile: .strict, canonical: true)
            let value = try parser.parseValue(depth: 0)
            guard parser.index == buffer.count else { throw JSONError(.trailingContent, at: parser.index) }
            return value
        }
    }

    private let buffer: UnsafeBufferPointer<UInt8>
    private let profile: Profile
    /// Whether the input must be canonical (``parseCanonical(_:)``): whitespace is refused, not skipped.
    private let canonical: Bool
    private var index = 0

    private init(buffer: UnsafeBufferPointer<UInt8>, profile: Profile, canonical: Bool = false) {
        self.buffer = buffer
        self.profile = profile
        self.canonical = canonical
    }

    private mutating func skipWhitespace() {
        if canonical { return }
        while index < buffer.count {
            switch buffer[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func peek() throws(JSONError) -> UInt8 {
        guard index < buffer.count else { throw JSONError(.unexpectedEnd, at: index) }
        return buffer[index]
    }

    private mutating func expect(_ literal: StaticString, value: JSONValue) throws(JSONError) -> JSONValue {
        let bytes = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for byte in bytes {
            guard index < buffer.count else { throw JSONError(.unexpectedEnd, at: index) }
            guard buffer[index] == byte else { throw JSONError(.unexpectedByte(buffer[index]), at: index) }
            index += 1
        }
        return value
    }

    private mutating func parseValue(depth: Int) throws(JSONError) -> JSONValue {
        switch try peek() {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try expect("true", value: .bool(true))
        case UInt8(ascii: "f"): return try expect("false", value: .bool(false))
        case UInt8(ascii: "n"): return try expect("null", value: .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case let byte: throw JSONError(.unexpectedByte(byte), at: index)
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= Self.maximumDepth else { throw JSONError(.tooDeep(Self.maximumDepth), at: index) }
        index += 1
        var members: [(String, JSONValue)] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        // An envelope, a procurement or a cost has five to nine members: one allocation, not four.
        members.reserveCapacity(8)
        var seen = Set<[UInt8]>()
        while true {
            skipWhitespace()
            let keyOffset = index
            guard try peek() == UInt8(ascii: "\"") else { throw JSONError(.unexpectedByte(buffer[index]), at: index) }
            let key = try parseString()
            if canonical {
                // Strictly ascending code units: canonical order, and no duplicates.
                if let previous = members.last?.0, !Self.precedes(previous, key) {
                    throw JSONError(.notCanonical("member \"\(key)\" is out of order or repeated"), at: keyOffset)
                }
            } else if members.count < 16 {
                // Keys compare by code units (not by Swift's canonical equivalence); small objects by a scan.
                // (Lengths first: a native string knows its length, and most keys differ in it.)
                let length = key.utf8.count
                if members.contains(where: { $0.0.utf8.count == length && $0.0.utf8.elementsEqual(key.utf8) }) {
                    throw JSONError(.duplicateKey(key), at: keyOffset)
                }
            } else {
                if seen.isEmpty { for member in members { seen.insert(Array(member.0.utf8)) } }
                guard seen.insert(Array(key.utf8)).inserted else { throw JSONError(.duplicateKey(key), at: keyOffset) }
            }
            skipWhitespace()
            guard try peek() == UInt8(ascii: ":") else { throw JSONError(.unexpectedByte(buffer[index]), at: index) }
            index += 1
            skipWhitespace()
            members.append((key, try parseValue(depth: depth)))
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(members)
            case let byte: throw JSONError(.unexpectedByte(byte), at: index)
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= Self.maximumDepth else { throw JSONError(.tooDeep(Self.maximumDepth), at: index) }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            case let byte: throw JSONError(.unexpectedByte(byte), at: index)
            }
        }
    }

    private mutating func parseNumber() throws(JSONError) -> JSONValue {
        let start = index
        var negative = false
        if buffer[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let digitsStart = index
        guard index < buffer.count, isDigit(buffer[index]) else { throw JSONError(.invalidNumber, at: start) }
        if buffer[index] == UInt8(ascii: "0") {
            index += 1
            if index < buffer.count, isDigit(buffer[index]) { throw JSONError(.invalidNumber, at: start) }
        } else {
            while index < buffer.count, isDigit(buffer[index]) { index += 1 }
        }
        let integerEnd = index
        var isIntegral = true
        if index < buffer.count, buffer[index] == UInt8(ascii: ".") {
            isIntegral = false
            index += 1
            guard index < buffer.count, isDigit(buffer[index]) else { throw JSONError(.invalidNumber, at: start) }
            while index < buffer.count, isDigit(buffer[index]) { index += 1 }
        }
        if index < buffer.count, buffer[index] == UInt8(ascii: "e") || buffer[index] == UInt8(ascii: "E") {
            isIntegral = false
            index += 1
            if index < buffer.count, buffer[index] == UInt8(ascii: "+") || buffer[index] == UInt8(ascii: "-") { index += 1 }
            guard index < buffer.count, isDigit(buffer[index]) else { throw JSONError(.invalidNumber, at: start) }
            while index < buffer.count, isDigit(buffer[index]) { index += 1 }
        }
        if isIntegral, integerEnd - digitsStart <= 16 {
            var magnitude: Int64 = 0
            for position in digitsStart..<integerEnd { magnitude = magnitude * 10 + Int64(buffer[position] - 0x30) }
            if canonical, negative, magnitude == 0 { throw JSONError(.notCanonical("-0 is written 0"), at: start) }
            if magnitude <= Self.maximumSafeInteger { return .integer(negative ? -magnitude : magnitude) }
        }
        switch profile {
        case .strict:
            throw JSONError(isIntegral ? .integerOutOfRange : .floatNotAllowed, at: start)
        case .general:
            let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<index]), as: UTF8.self)
            guard let double = Double(text), double.isFinite else { throw JSONError(.invalidNumber, at: start) }
            return .number(double)
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private mutating func parseString() throws(JSONError) -> String {
        let start = index
        index += 1
        var scalarsStart = index
        var bytes: [UInt8]? = nil
        var hasNonASCII = false
        while true {
            guard index < buffer.count else { throw JSONError(.unexpectedEnd, at: index) }
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw JSONError(.controlCharacterInString, at: index) }
            if byte >= 0x80 { hasNonASCII = true }
            if byte == UInt8(ascii: "\\") {
                if canonical { try checkCanonicalEscape() }
                var escaped = bytes ?? []
                escaped.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[scalarsStart..<index]))
                try parseEscape(into: &escaped)
                if escaped.last.map({ $0 >= 0x80 }) == true { hasNonASCII = true }
                bytes = escaped
                scalarsStart = index
                continue
            }
            index += 1
        }
        let string: String?
        if var escaped = bytes {
            escaped.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[scalarsStart..<index]))
            string = String(validating: escaped, as: UTF8.self)
        } else if hasNonASCII {
            string = String(validating: UnsafeBufferPointer(rebasing: buffer[scalarsStart..<index]), as: UTF8.self)
        } else {
            string = String(decoding: UnsafeBufferPointer(rebasing: buffer[scalarsStart..<index]), as: UTF8.self)
        }
        index += 1
        guard let string else { throw JSONError(.invalidUTF8, at: start) }
        if profile == .strict, hasNonASCII {
            let normalized = string.precomposedStringWithCanonicalMapping
            if canonical, !normalized.utf8.elementsEqual(string.utf8) {
                throw JSONError(.notCanonical("a string is not in Unicode normalization form C"), at: start)
            }
            return normalized
        }
        return string
    }

    /// At a backslash: the escape must be one RFC 8785 writes (`\"`, `\\`, the short control escapes,
    /// or `\u00xx` in lowercase hex for the other control characters).
    private func checkCanonicalEscape() throws(JSONError) {
        guard index + 1 < buffer.count else { throw JSONError(.unexpectedEnd, at: index) }
        switch buffer[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"),
            UInt8(ascii: "t"):
            return
        case UInt8(ascii: "u"):
            if index + 5 < buffer.count, buffer[index + 2] == UInt8(ascii: "0"), buffer[index + 3] == UInt8(ascii: "0"),
                let high = HexEncoding.nibble(buffer[index + 4], lowercaseOnly: true),
                let low = HexEncoding.nibble(buffer[index + 5], lowercaseOnly: true)
            {
                let value = high << 4 | low
                // The controls with a short escape are written short.
                if value < 0x20, ![0x08, 0x09, 0x0A, 0x0C, 0x0D].contains(value) { return }
            }
        default:
            break
        }
        throw JSONError(.notCanonical("an escape RFC 8785 does not write"), at: index)
    }

    /// RFC 8785 member order: by UTF-16 code units (byte order when both keys are ASCII).
    static func precedes(_ first: String, _ second: String) -> Bool {
        var first = first
        var second = second
        // Where the bytes first differ, two ASCII bytes order the strings as their UTF-16 code
        // units do (the bytes before are whole characters, the same in both); so does a string
        // that ends there. Otherwise UTF-8 and UTF-16 orders can differ: compare the code units.
        let order: Bool? = first.withUTF8 { a in
            second.withUTF8 { b in
                var index = 0
                let common = min(a.count, b.count)
                while index < common, a[index] == b[index] { index += 1 }
                if index == common { return a.count < b.count }
                return a[index] < 0x80 && b[index] < 0x80 ? a[index] < b[index] : nil
            }
        }
        return order ?? first.utf16.lexicographicallyPrecedes(second.utf16)
    }

    private mutating func parseEscape(into bytes: inout [UInt8]) throws(JSONError) {
        let escapeStart = index
        index += 1
        guard index < buffer.count else { throw JSONError(.unexpectedEnd, at: index) }
        let kind = buffer[index]
        index += 1
        switch kind {
        case UInt8(ascii: "\""): bytes.append(0x22)
        case UInt8(ascii: "\\"): bytes.append(0x5C)
        case UInt8(ascii: "/"): bytes.append(0x2F)
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "f"): bytes.append(0x0C)
        case UInt8(ascii: "n"): bytes.append(0x0A)
        case UInt8(ascii: "r"): bytes.append(0x0D)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "u"):
            var scalarValue = try parseHex4(escapeStart: escapeStart)
            if (0xD800...0xDBFF).contains(scalarValue) {
                guard index + 1 < buffer.count, buffer[index] == UInt8(ascii: "\\"), buffer[index + 1] == UInt8(ascii: "u") else {
                    throw JSONError(.loneSurrogate, at: escapeStart)
                }
                index += 2
                let low = try parseHex4(escapeStart: escapeStart)
                guard (0xDC00...0xDFFF).contains(low) else { throw JSONError(.loneSurrogate, at: escapeStart) }
                scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalarValue) {
                throw JSONError(.loneSurrogate, at: escapeStart)
            }
            guard let scalar = Unicode.Scalar(scalarValue) else { throw JSONError(.invalidEscape, at: escapeStart) }
            bytes.append(contentsOf: String(Character(scalar)).utf8)
        default:
            throw JSONError(.invalidEscape, at: escapeStart)
        }
    }

    private mutating func parseHex4(escapeStart: Int) throws(JSONError) -> UInt32 {
        guard index + 4 <= buffer.count else { throw JSONError(.unexpectedEnd, at: buffer.count) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = HexEncoding.nibble(buffer[index]) else { throw JSONError(.invalidEscape, at: escapeStart) }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}

extension JSONParser {
    /// Reads canonical bytes that hold exactly the members of a version-1 envelope, in canonical
    /// order, each of the JSON type it must have (`hlc` written `{"logical":L,"wall":W}`, `prev`
    /// as 64 lowercase hex digits, `v` as 1), without building the envelope's tree: its keys are
    /// matched as bytes and only the body is parsed into a value. The strings, numbers and body go
    /// through the same canonical checks as ``parseCanonical(_:)``, the envelope through those of
    /// ``EventEnvelope/init(json:)``.
    ///
    /// nil for anything else — malformed, not canonical, a member missing, of another type or
    /// unknown, a later version, a bad value: ``parseCanonical(_:)`` and
    /// ``EventEnvelope/init(json:)`` then read the bytes, or say what is wrong with them. What this
    /// accepts, they accept as the same envelope (a property the tests check on mutated events).
    static func canonicalEnvelope(_ bytes: [UInt8]) -> EventEnvelope? {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(buffer: buffer, profile: .strict, canonical: true)
            return try? parser.envelope()
        }
    }

    private mutating func envelope() throws -> EventEnvelope? {
        guard literal("{") else { return nil }
        var author: String?
        if literal(#""author":"#) {
            guard case .string(let text) = try parseValue(depth: 1), literal(",") else { return nil }
            author = text
        }
        guard literal(#""body":"#), try peek() == UInt8(ascii: "{") else { return nil }
        let body = try parseValue(depth: 1)
        guard literal(#","effective":"#), case .string(let effectiveText) = try parseValue(depth: 1), let effective = LedgerDate(effectiveText),
            literal(#","hlc":{"logical":"#), case .integer(let logical) = try parseValue(depth: 1),
            literal(#","wall":"#), case .integer(let wall) = try parseValue(depth: 1),
            literal(#"},"office":"#), case .string(let office) = try parseValue(depth: 1)
        else { return nil }
        var prev: Hash?
        if literal(#","prev":""#) {
            let digits = 2 * Hash.byteCount
            guard index + digits < buffer.count, buffer[index + digits] == UInt8(ascii: "\""),
                let hash = HexEncoding.decode(UnsafeBufferPointer(rebasing: buffer[index..<(index + digits)]), lowercaseOnly: true)
            else { return nil }
            prev = Hash(bytes: hash)
            index += digits + 1
        }
        // (A seq below 1 is refused by the general path before it is made unsigned.)
        guard literal(#","seq":"#), case .integer(let seq) = try parseValue(depth: 1), seq >= 1,
            literal(#","type":"#), case .string(let type) = try parseValue(depth: 1),
            literal(#","v":1}"#), index == buffer.count
        else { return nil }
        return try EventEnvelope(
            version: EventEnvelope.version, office: office, seq: UInt64(seq), prev: prev, hlc: HLCTimestamp(wall: wall, logical: logical),
            type: type, effective: effective, author: author, body: body)
    }

    /// Consumes `text` when the bytes at the index are it.
    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= buffer.count, let base = buffer.baseAddress, memcmp(base + index, text.utf8Start, count) == 0 else { return false }
        index += count
        return true
    }
}
