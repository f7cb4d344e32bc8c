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
}
