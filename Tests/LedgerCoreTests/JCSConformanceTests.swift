import Foundation
import LedgerCore
import Testing

@Suite("RFC 8785 conformance")
struct JCSConformanceTests {
    static let names = ["arrays", "french", "structures", "unicode", "values", "weird"]

    @Test(arguments: names)
    func canonicalizesByteExact(name: String) throws {
        let input = try Conformance.data("jcs/input/\(name).json")
        let expected = try Conformance.data("jcs/output/\(name).json")
        let output = try CanonicalJSON.canonicalize(Array(input))
        #expect(output == Array(expected), "\(name): \(String(decoding: output, as: UTF8.self))")
        let hex = try Conformance.text("jcs/outhex/\(name).txt").split(whereSeparator: \.isWhitespace).joined()
        #expect(HexEncoding.encode(output) == hex.lowercased())
    }

    @Test(arguments: [
        (1e21, "1e+21"), (1e20, "100000000000000000000"), (0.000001, "0.000001"), (1e-7, "1e-7"),
        (-0.0, "0"), (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"), (123.456, "123.456"),
        (-1.5, "-1.5"), (9007199254740993, "9007199254740992"),
    ])
    func formatsNumbersAsECMAScript(value: Double, expected: String) throws {
        #expect(String(decoding: try CanonicalJSON.encode(.number(value)), as: UTF8.self) == expected)
    }

    /// Members are written in UTF-16 order however they stand: objects of 0 to 40 members (a few
    /// out of order are put in order by insertion, many by a sort; keys ASCII, or some not, then
    /// ordered by UTF-16 code units), shuffled, against the order written out here.
    @Test func ordersMembersAsUTF16DoesInEveryPath() throws {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
        // ASCII letters and digits, a quote and a backslash (escaped when written), and beyond
        // ASCII: é, a CJK scalar, and a pair of surrogates that sorts before U+E000 – U+FFFF.
        let pieces = ["a", "b", "B", "z", "0", "9", "_", "\"", "\\", "é", "中", "😀", "\u{FB01}"]
        var sortedCases = 0
        for round in 0..<3_000 {
            let count = [0, 1, 2, 5, 9, 16, 17, 40][round % 8]
            let asciiOnly = round % 3 != 0
            var keys = Set<String>()
            while keys.count < count {
                let length = 1 + next(4)
                keys.insert((0..<length).map { _ in pieces[next(asciiOnly ? 9 : pieces.count)] }.joined())
            }
            var members = keys.map { ($0, JSONValue.integer(Int64(next(100)))) }
            if round % 5 == 0 {
                members.sort { $0.0.utf16.lexicographicallyPrecedes($1.0.utf16) }
                sortedCases += 1
            } else {
                var generator = Generator(draw: { UInt64(next(Int.max)) })
                members.shuffle(using: &generator)
            }
            let ordered = members.sorted { $0.0.utf16.lexicographicallyPrecedes($1.0.utf16) }
            var expected: [UInt8] = Array("{".utf8)
            for (position, member) in ordered.enumerated() {
                if position > 0 { expected.append(UInt8(ascii: ",")) }
                expected += try CanonicalJSON.encode(.string(member.0)) + Array(":".utf8) + CanonicalJSON.encode(member.1)
            }
            expected.append(UInt8(ascii: "}"))
            let written = try CanonicalJSON.encode(.object(members))
            #expect(written == expected, "\(members.map(\.0))")
            if written != expected { break }
        }
        #expect(sortedCases > 500)
    }

    private struct Generator: RandomNumberGenerator {
        let draw: () -> UInt64
        mutating func next() -> UInt64 { draw() }
    }

    /// The formatter writes bytes (with whole numbers as integers) where it used to build strings of
    /// characters; random doubles of every magnitude, whole numbers about 2⁵³, and figures such as
    /// reports write, against that first version (``reference(_:)``, ECMAScript's rules on Swift's
    /// shortest digits, written straight from the specification).
    @Test func formatsRandomNumbersAsTheReferenceDoes() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        var values: [Double] = [9_007_199_254_740_991, 9_007_199_254_740_992, -9_007_199_254_740_992, 1e16, 1e15 + 0.5, 0.1, 1e-6, 1e-7, 123e18]
        for _ in 0..<20_000 {
            let bits = Double(bitPattern: next())
            if bits.isFinite { values.append(bits) }
            values.append(Double(Int64(bitPattern: next()) >> Int(next() % 64)))
            values.append(Double(Int64(next() % 2_000_000)) / [1, 3, 100, 10_000, 7][Int(next() % 5)])
            values.append(Double(next() % 9_007_199_254_740_992) + [0, 0.5, -0.25][Int(next() % 3)])
        }
        for value in values {
            let (written, expected) = (String(decoding: try CanonicalJSON.encode(.number(value)), as: UTF8.self), Self.reference(value))
            #expect(written == expected, "\(value.bitPattern)")
            if written != expected { break }
        }
    }

    /// Number::toString (ECMA-262, 7.1.12.1) on the digits of Swift's shortest round-trip form.
    static func reference(_ value: Double) -> String {
        if value == 0 { return "0" }
        let text = value.magnitude.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits: [Character] = []
        var pointPosition: Int? = nil
        for character in mantissa {
            if character == "." { pointPosition = digits.count } else { digits.append(character) }
        }
        var n = (pointPosition ?? digits.count) + exponent
        while let first = digits.first, first == "0" {
            digits.removeFirst()
            n -= 1
        }
        while let last = digits.last, last == "0" { digits.removeLast() }
        let k = digits.count
        let digitString = String(digits)
        var result: String
        if k <= n && n <= 21 {
            result = digitString + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            result = String(digits[0..<n]) + "." + String(digits[n...])
        } else if -6 < n && n <= 0 {
            result = "0." + String(repeating: "0", count: -n) + digitString
        } else {
            let e = n - 1
            result = k == 1 ? digitString : String(digits[0]) + "." + String(digits[1...])
            result += "e" + (e < 0 ? "-" : "+") + String(abs(e))
        }
        return value < 0 ? "-" + result : result
    }
}
