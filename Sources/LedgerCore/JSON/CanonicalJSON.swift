/// RFC 8785 (JSON Canonicalization Scheme) serialization.
///
/// Object members are sorted by their UTF-16 code units, strings use the minimal JCS escapes,
/// and numbers use the ECMAScript `Number.prototype.toString` form. No Unicode normalization
/// happens here; the strict event profile normalizes when parsing.
///
/// ```swift
/// let bytes = try CanonicalJSON.encode(.object([("b", .integer(1)), ("a", .null)]))
/// // {"a":null,"b":1}
/// ```
public enum CanonicalJSON {
    /// The canonical bytes of `value`.
    ///
    /// - Throws: ``JSONError`` when a number is not finite.
    public static func encode(_ value: JSONValue) throws(JSONError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        try write(value, into: &output)
        return output
    }

    /// Parses any JSON text and returns its canonical form (the general profile).
    public static func canonicalize(_ bytes: some Collection<UInt8>) throws(JSONError) -> [UInt8] {
        try encode(JSONParser.parse(bytes, profile: .general))
    }

    static func write(_ value: JSONValue, into output: inout [UInt8]) throws(JSONError) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let integer): ASCIIDigits.appendDecimal(integer, into: &output)
        case .number(let double): try ECMAScriptNumber.append(double, into: &output)
        case .string(let string): writeString(string, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                try write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            let order = memberOrder(members)
            for position in members.indices {
                let member = members[order?[position] ?? position]
                if position > 0 { output.append(UInt8(ascii: ",")) }
                writeString(member.0, into: &output)
                output.append(UInt8(ascii: ":"))
                try write(member.1, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// The members' positions in RFC 8785 order (by UTF-16 code units), or nil when they stand in
    /// it already with ASCII keys (the common case for objects the tools write): one pass reads
    /// each key's bytes in place for both questions.
    ///
    /// Two ASCII strings compare as their bytes do, and so as Swift's `<` orders them (by Unicode
    /// scalars): a few out of order (a body typed by hand, five or ten members) are put in order
    /// by insertion, in one array of positions. Other keys are compared as UTF-16 arrays.
    static func memberOrder(_ members: [(String, JSONValue)]) -> [Int]? {
        var (ascii, sorted) = (true, true)
        var previous: String? = nil
        for member in members {
            var key = member.0
            if ascii, !key.withUTF8({ bytes in bytes.allSatisfy { $0 < 0x80 } }) { ascii = false }
            if sorted, let previous, !(previous < key) { sorted = false }
            previous = key
        }
        if ascii, sorted { return nil }
        var order = Array(members.indices)
        guard ascii else {
            let keys = members.map { Array($0.0.utf16) }
            order.sort { keys[$0].lexicographicallyPrecedes(keys[$1]) }
            return order
        }
        guard members.count <= insertionSortLimit else {
            order.sort { members[$0].0 < members[$1].0 }
            return order
        }
        for next in 1..<members.count {
            let moving = order[next]
            var slot = next
            while slot > 0, members[moving].0 < members[order[slot - 1]].0 {
                order[slot] = order[slot - 1]
                slot -= 1
            }
            order[slot] = moving
        }
        return order
    }

    /// Up to this many members out of order are sorted by insertion.
    static let insertionSortLimit = 16

    static func writeString(_ string: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                writeEscape(byte, into: &output)
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func writeEscape(_ byte: UInt8, into output: inout [UInt8]) {
        switch byte {
        case 0x22: output.append(contentsOf: [0x5C, 0x22])
        case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
        case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            output.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }
}

/// ECMAScript number serialization (ECMA-262 `Number::toString`), as RFC 8785 §3.2.2.3 requires.
enum ECMAScriptNumber {
    static func format(_ value: Double) throws(JSONError) -> String {
        var output: [UInt8] = []
        try append(value, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends `Number.prototype.toString(value)`: the shortest digits that read back as `value`
    /// (Swift's `description` gives them), placed as ECMAScript places them.
    static func append(_ value: Double, into output: inout [UInt8]) throws(JSONError) {
        guard value.isFinite else { throw JSONError(.notEncodable("\(value) is not a finite number"), at: 0) }
        if value == 0 { return output.append(UInt8(ascii: "0")) }
        // A whole number below 2⁵³ is its integer's digits: it has no more than 16, so ECMAScript
        // writes them all, without a point or an exponent (reports write many such figures).
        if value.magnitude < 9_007_199_254_740_992, value.rounded(.towardZero) == value {
            return ASCIIDigits.appendDecimal(Int64(value), into: &output)
        }
        let (zero, point) = (UInt8(ascii: "0"), UInt8(ascii: "."))
        var text = Array(value.magnitude.description.utf8)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) ?? 0
            text.removeSubrange(e...)
        }
        var digits: [UInt8] = []
        var pointPosition: Int? = nil
        for byte in text {
            if byte == point { pointPosition = digits.count } else { digits.append(byte) }
        }
        var n = (pointPosition ?? digits.count) + exponent
        var first = 0
        while first < digits.count, digits[first] == zero {
            first += 1
            n -= 1
        }
        var end = digits.count
        while end > first, digits[end - 1] == zero { end -= 1 }
        let significant = digits[first..<end]
        let k = significant.count
        if value < 0 { output.append(UInt8(ascii: "-")) }
        if k <= n && n <= 21 {
            output.append(contentsOf: significant)
            output.append(contentsOf: repeatElement(zero, count: n - k))
        } else if 0 < n && n <= 21 {
            output.append(contentsOf: significant.prefix(n))
            output.append(point)
            output.append(contentsOf: significant.dropFirst(n))
        } else if -6 < n && n <= 0 {
            output.append(zero)
            output.append(point)
            output.append(contentsOf: repeatElement(zero, count: -n))
            output.append(contentsOf: significant)
        } else {
            let e = n - 1
            output.append(contentsOf: significant.prefix(1))
            if k > 1 {
                output.append(point)
                output.append(contentsOf: significant.dropFirst())
            }
            output.append(UInt8(ascii: "e"))
            output.append(UInt8(ascii: e < 0 ? "-" : "+"))
            ASCIIDigits.appendDecimal(Int64(abs(e)), into: &output)
        }
    }
}
