import LedgerCore
import Testing

@Suite("Strict event profile")
struct StrictJSONTests {
    @Test(arguments: [
        #"{"a":1.5}"#, #"{"a":1e3}"#, #"{"a":9007199254740992}"#, #"{"a":1,"a":2}"#, #"{"a":"\ud800"}"#, #"{"a":01}"#,
        #"{"a":1} x"#, #"{"a":"x"#, "{\"a\":\"\u{01}\"}", #"[1,]"#, #"{"a":tru}"#, #"{"a" 1}"#,
    ])
    func refuses(text: String) {
        #expect(throws: JSONError.self) { try JSONParser.parse(Array(text.utf8), profile: .strict) }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: JSONError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22], profile: .strict) }
    }

    @Test func normalizesTextToNFC() throws {
        let value = try JSONParser.parse(Array(#"{"A\u030a":"A\u030a"}"#.utf8), profile: .strict)
        let bytes = try CanonicalJSON.encode(value)
        #expect(bytes == Array("{\"\u{C5}\":\"\u{C5}\"}".utf8))
    }

    @Test func keepsSafeIntegers() throws {
        let value = try JSONParser.parse(Array(#"[9007199254740991,-9007199254740991,0,-0]"#.utf8), profile: .strict)
        #expect(String(decoding: try CanonicalJSON.encode(value), as: UTF8.self) == "[9007199254740991,-9007199254740991,0,0]")
    }

    @Test func refusesDeepNesting() {
        let text = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONError.self) { try JSONParser.parse(Array(text.utf8), profile: .general) }
    }
}
