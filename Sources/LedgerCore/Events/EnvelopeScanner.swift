import Foundation

/// A fast, allocation-free look at the top-level members of stored canonical event bytes.
///
/// Verification of a long log needs each event's `office`, `seq` and `prev` to check the chain,
/// without building the whole JSON tree. The scanner walks the top-level object, skipping nested
/// values, and returns the raw bytes of the members it was asked about. It checks structure only
/// as far as needed to find member boundaries; full validation is ``Event/init(canonical:)``.
public struct EnvelopeScanner {
    /// The raw members of interest, as byte ranges in the scanned buffer.
    public struct Fields {
        public var office: Range<Int>?
        public var seq: Int64?
        public var prev: Range<Int>?
        public var type: Range<Int>?
        public var effective: Range<Int>?
        public var hlc: Range<Int>?
        /// The body's raw JSON value, and the envelope version `v`.
        public var body: Range<Int>?
        public var version: Int64?
    }

    /// Scans `buffer`; nil when it is not a JSON object with well-formed members.
    public static func scan(_ buffer: UnsafeRawBufferPointer) -> Fields? {
        var scanner = EnvelopeScanner(buffer: buffer)
        return scanner.scanTopLevel()
    }

    /// Reads the canonical hlc member `{"logical":L,"wall":W}` found by ``scan(_:)``.
    public static func hlc(in buffer: UnsafeRawBufferPointer, range: Range<Int>) -> HLCTimestamp? {
        var index = range.lowerBound
        func literal(_ text: StaticString) -> Bool {
            guard index + text.utf8CodeUnitCount <= range.upperBound, let base = buffer.baseAddress,
                memcmp(base + index, text.utf8Start, text.utf8CodeUnitCount) == 0
            else { return false }
            index += text.utf8CodeUnitCount
            return true
        }
        func number() -> Int64? {
            let start = index
            var value: Int64 = 0
            while index < range.upperBound, buffer[index] >= 0x30, buffer[index] <= 0x39, index - start < 16 {
                value = value * 10 + Int64(buffer[index] - 0x30)
                index += 1
            }
            guard index > start, buffer[start] != 0x30 || index - start == 1 else { return nil }
            return value
        }
        guard literal(#"{"logical":"#), let logical = number(), literal(#","wall":"#), let wall = number(),
            index + 1 == range.upperBound, buffer[index] == UInt8(ascii: "}")
        else { return nil }
        return HLCTimestamp(wall: wall, logical: logical)
    }

    /// Whether the bytes in `range` are the lowercase hex of `hash`.
    public static func isHex(of hash: Hash, in buffer: UnsafeRawBufferPointer, range: Range<Int>) -> Bool {
        guard range.count == hash.bytes.count * 2 else { return false }
        let digits = Array("0123456789abcdef".utf8)
        var position = range.lowerBound
        for byte in hash.bytes {
            guard buffer[position] == digits[Int(byte >> 4)], buffer[position + 1] == digits[Int(byte & 0x0F)] else { return false }
            position += 2
        }
        return true
    }

    /// Whether two byte ranges are equal (memcmp; the generic comparison is far slower).
    public static func bytesEqual(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard let left = lhs.baseAddress, let right = rhs.baseAddress else { return lhs.count == 0 }
        return memcmp(left, right, lhs.count) == 0
    }

    private let buffer: UnsafeRawBufferPointer
    private var index = 0

    private init(buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
    }

    private mutating func scanTopLevel() -> Fields? {
        var fields = Fields()
        guard index < buffer.count, buffer[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        if index < buffer.count, buffer[index] == UInt8(ascii: "}") { return index + 1 == buffer.count ? fields : nil }
        while true {
            guard let key = skipString() else { return nil }
            guard index < buffer.count, buffer[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            let valueStart = index
            guard skipValue(depth: 0) else { return nil }
            let value = valueStart..<index
            switch member(key) {
            case .seq: fields.seq = integer(in: value)
            case .hlc: fields.hlc = value
            case .prev: fields.prev = stringContents(value)
            case .type: fields.type = stringContents(value)
            case .office: fields.office = stringContents(value)
            case .effective: fields.effective = stringContents(value)
            case .body: fields.body = value
            case .version: fields.version = integer(in: value)
            case .other: break
            }
            guard index < buffer.count else { return nil }
            if buffer[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard buffer[index] == UInt8(ascii: "}"), index + 1 == buffer.count else { return nil }
            return fields
        }
    }

    private enum Member { case seq, hlc, prev, type, office, effective, body, version, other }

    /// Which envelope member a quoted key names, by length and bytes (no generic comparisons).
    private func member(_ key: Range<Int>) -> Member {
        let start = key.lowerBound + 1
        func equals(_ literal: StaticString) -> Bool {
            guard key.count - 2 == literal.utf8CodeUnitCount, let base = buffer.baseAddress else { return false }
            return memcmp(base + start, literal.utf8Start, literal.utf8CodeUnitCount) == 0
        }
        switch key.count - 2 {
        case 1: return equals("v") ? .version : .other
        case 3: return equals("seq") ? .seq : equals("hlc") ? .hlc : .other
        case 4: return equals("prev") ? .prev : equals("type") ? .type : equals("body") ? .body : .other
        case 6: return equals("office") ? .office : .other
        case 9: return equals("effective") ? .effective : .other
        default: return .other
        }
    }

    private func stringContents(_ range: Range<Int>) -> Range<Int>? {
        guard range.count >= 2, buffer[range.lowerBound] == UInt8(ascii: "\"") else { return nil }
        return (range.lowerBound + 1)..<(range.upperBound - 1)
    }

    private func integer(in range: Range<Int>) -> Int64? {
        guard !range.isEmpty, range.count <= 16 else { return nil }
        var value: Int64 = 0
        for position in range {
            let byte = buffer[position]
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return value
    }

    /// Skips a string starting at `index`; returns its range including the quotes.
    private mutating func skipString() -> Range<Int>? {
        guard index < buffer.count, buffer[index] == UInt8(ascii: "\""), let base = buffer.baseAddress else { return nil }
        let start = index
        index += 1
        while index < buffer.count {
            // Jump to the next quote; a quote preceded by an odd run of backslashes is escaped.
            guard let found = memchr(base + index, Int32(UInt8(ascii: "\"")), buffer.count - index) else { return nil }
            let quote = base.distance(to: UnsafeRawPointer(found))
            var backslashes = 0
            while quote - 1 - backslashes > start, buffer[quote - 1 - backslashes] == UInt8(ascii: "\\") { backslashes += 1 }
            index = quote + 1
            if backslashes % 2 == 0 { return start..<index }
        }
        return nil
    }

    private mutating func skipValue(depth: Int) -> Bool {
        guard index < buffer.count, depth <= JSONParser.maximumDepth else { return false }
        switch buffer[index] {
        case UInt8(ascii: "\""): return skipString() != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = buffer[index] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let isObject = close == UInt8(ascii: "}")
            index += 1
            if index < buffer.count, buffer[index] == close {
                index += 1
                return true
            }
            while true {
                if isObject {
                    guard skipString() != nil, index < buffer.count, buffer[index] == UInt8(ascii: ":") else { return false }
                    index += 1
                }
                guard skipValue(depth: depth + 1), index < buffer.count else { return false }
                if buffer[index] == UInt8(ascii: ",") {
                    index += 1
                } else if buffer[index] == close {
                    index += 1
                    return true
                } else {
                    return false
                }
            }
        default:
            let start = index
            while index < buffer.count {
                switch buffer[index] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"): return index > start
                default: index += 1
                }
            }
            return false
        }
    }
}
