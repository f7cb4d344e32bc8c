import CivicTestSupport
import Foundation
import LedgerCore
import Testing

/// `JSONParser.parseCanonical` checks canonical form in one pass; it must accept exactly the bytes
/// that parsing (strict profile) and re-encoding give back unchanged, with the same value.
@Suite("One-pass canonical parsing")
struct CanonicalParseTests {
    /// What re-encoding says of `bytes`: the value when they are canonical strict JSON, else nil.
    static func reference(_ bytes: [UInt8]) -> JSONValue? {
        guard let value = try? JSONParser.parse(bytes, profile: .strict), (try? CanonicalJSON.encode(value)) == bytes else { return nil }
        return value
    }

    static func onePass(_ bytes: [UInt8]) -> JSONValue? { try? JSONParser.parseCanonical(bytes) }

    @Test func randomValuesAndTheirMutationsAgreeWithReencoding() throws {
        var random = SeededGenerator(seed: 8785)
        var accepted = 0
        var refused = 0
        for _ in 0..<3000 {
            let value = Self.randomValue(&random, depth: 0)
            let bytes = try CanonicalJSON.encode(value)
            #expect(Self.onePass(bytes) == value, "\(String(decoding: bytes, as: UTF8.self))")
            for mutated in Self.mutations(of: bytes, &random) {
                let expected = Self.reference(mutated)
                let got = Self.onePass(mutated)
                #expect(got == expected, "\(String(decoding: mutated, as: UTF8.self))")
                if expected == nil { refused += 1 } else { accepted += 1 }
            }
        }
        // The mutations must exercise both answers, or the comparison proves little.
        #expect(refused > 10_000)
        #expect(accepted > 100)
    }

    @Test(arguments: [
        (#"{"a":1, "b":2}"#, "whitespace"), (#"{"b":1,"a":2}"#, "member order"), (#"{"a":1,"a":2}"#, "a repeated member"),
        (#"{"a":-0}"#, "-0"), (#"["\/"]"#, "an escaped slash"), (#"["\u0041"]"#, "an escaped letter"),
        (#"["\u000A"]"#, "a long escape for a short one"), (#"["\u001F"]"#, "uppercase hex"), ("[\"e\u{301}\"]", "a string not in NFC"),
        (#"{"\uD83D\uDE00":1,"\uE000":2}"#, "escaped non-control characters"), ("{\"\u{E000}\":1,\"\u{1F600}\":2}", "UTF-16 order"),
        ("[1]\n", "a trailing newline"),
    ])
    func notCanonicalIsRefused(text: String, why: String) {
        #expect(Self.onePass(Array(text.utf8)) == nil, "\(why)")
        #expect(Self.reference(Array(text.utf8)) == nil, "\(why)")
    }

    @Test func supplementaryCharactersSortBeforeTheLastBMPBlock() throws {
        // U+1F600 is D83D DE00 in UTF-16, so it sorts before U+E000 although its code point is larger.
        let text = "{\"\u{1F600}\":2,\"\u{E000}\":1}"
        #expect(Self.onePass(Array(text.utf8)) != nil)
        #expect(Self.reference(Array(text.utf8)) != nil)
    }

    @Test func eventsTellMalformedFromNotCanonical() throws {
        let canonical = try Event(envelope: try EventTests.envelope()).canonical
        #expect(try Event(canonical: canonical).canonical == canonical)
        let spaced = Array("{ ".utf8) + canonical.dropFirst()
        let notCanonical = try #require(throws: EnvelopeError.self) { try Event(canonical: spaced) }
        #expect("\(notCanonical)" == "event bytes are not in canonical form (RFC 8785)")
        let malformed = try #require(throws: EnvelopeError.self) { try Event(canonical: Array(canonical.dropLast())) }
        #expect("\(malformed)".hasPrefix("malformed JSON"))
        // Not canonical and not an event: the envelope's error comes first, as before.
        let notAnEvent = try #require(throws: EnvelopeError.self) { try Event(canonical: Array(#"{"b":1, "a":2}"#.utf8)) }
        #expect("\(notAnEvent)" != "\(notCanonical)")
    }

    // MARK: - Generators

    static let keyPool = ["a", "b", "ab", "B", "z", "é", "e\u{301}", "\u{E000}", "\u{1F600}", "\u{7F}", "k\"", "\\", "\n", "ß", "日本"]
    static let stringPool = [
        "", "plain", "quote\"s", "back\\slash", "tab\tnew\nline", "\u{01}\u{1F}\u{08}\u{0C}\r", "é", "e\u{301}", "Å", "A\u{30A}",
        "\u{1F600}", "日本語", "\u{7F}", "/slash/", "\u{2028}",
    ]

    static func randomValue(_ random: inout SeededGenerator, depth: Int) -> JSONValue {
        switch Int(random.next() % (depth > 3 ? 4 : 6)) {
        case 0: return .integer(Int64(random.next() % 2_000_001) - 1_000_000)
        case 1: return .string(stringPool[Int(random.next() % UInt64(stringPool.count))].precomposedStringWithCanonicalMapping)
        case 2: return [.null, .bool(true), .bool(false)][Int(random.next() % 3)]
        case 3: return .integer([0, JSONParser.maximumSafeInteger, -JSONParser.maximumSafeInteger][Int(random.next() % 3)])
        case 4: return .array((0..<Int(random.next() % 4)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            var members: [(String, JSONValue)] = []
            for _ in 0..<Int(random.next() % 5) {
                let key = keyPool[Int(random.next() % UInt64(keyPool.count))].precomposedStringWithCanonicalMapping
                guard !members.contains(where: { $0.0.utf8.elementsEqual(key.utf8) }) else { continue }
                members.append((key, randomValue(&random, depth: depth + 1)))
            }
            return .object(members)
        }
    }

    /// Small edits of canonical bytes: some keep them canonical (a changed digit), most do not.
    static func mutations(of bytes: [UInt8], _ random: inout SeededGenerator) -> [[UInt8]] {
        var results: [[UInt8]] = []
        let replacements: [[UInt8]] = [
            Array(" ".utf8), Array("\n".utf8), Array(#"\/"#.utf8), Array(#"\u0041"#.utf8), Array(#"\u000a"#.utf8), Array(#"\u001F"#.utf8),
            Array(#"\u001f"#.utf8), Array(#"\""#.utf8), Array("-0".utf8), Array("0".utf8), Array("7".utf8), Array("\u{301}".utf8),
            Array(#","a":1"#.utf8), Array(",".utf8), Array("\"".utf8), Array("}".utf8), Array("[]".utf8), Array("\u{1F600}".utf8),
            Array("\u{E000}".utf8), [0xFF], [0xC3],
        ]
        for _ in 0..<8 {
            guard !bytes.isEmpty else { break }
            var mutated = bytes
            let position = Int(random.next() % UInt64(bytes.count + 1))
            let replacement = replacements[Int(random.next() % UInt64(replacements.count))]
            switch random.next() % 3 {
            case 0: mutated.insert(contentsOf: replacement, at: position)
            case 1 where position < bytes.count: mutated.replaceSubrange(position..<position + 1, with: replacement)
            default: if position < bytes.count { mutated.remove(at: position) }
            }
            results.append(mutated)
        }
        return results
    }
}
