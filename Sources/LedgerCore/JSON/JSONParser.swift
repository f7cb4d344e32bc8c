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

    private let buffer: UnsafeBufferPointer<UInt8>
    private let profile: Profile
    private var index = 0

    private init(buffer: UnsafeBufferPointer<UInt8>, profile: Profile) {
        self.buffer = buffer
        self.profile = profile
    }

    private mutating func skipWhitespace() {
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
        var seen = Set<[UInt8]>()
        while true {
            skipWhitespace()
            let keyOffset = index
            guard try peek() == UInt8(ascii: "\"") else { throw JSONError(.unexpectedByte(buffer[index]), at: index) }
            let key = try parseString()
            // Keys compare by code units (not by Swift's canonical equivalence); small objects by a scan.
            if members.count < 16 {
                if members.contains(where: { $0.0.utf8.elementsEqual(key.utf8) }) { throw JSONError(.duplicateKey(key), at: keyOffset) }
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
            return string.precomposedStringWithCanonicalMapping
        }
        return string
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
            let byte = buffer[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
            default: throw JSONError(.invalidEscape, at: escapeStart)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}
