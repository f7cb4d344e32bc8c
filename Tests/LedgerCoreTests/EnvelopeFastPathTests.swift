import CivicTestSupport
import Foundation
import Testing

@testable import LedgerCore

/// `Event(canonical:)` reads a version-1 envelope straight from its bytes
/// (`JSONParser.canonicalEnvelope`) and falls back to the tree and `EventEnvelope(json:)` for
/// anything else: what the fast path accepts, the general path must accept as the same envelope,
/// and every answer must be the general path's.
@Suite("Envelopes read without their tree")
struct EnvelopeFastPathTests {
    /// What the general path makes of `bytes`: canonical strict JSON that is an envelope, else nil.
    static func reference(_ bytes: [UInt8]) -> EventEnvelope? {
        guard let value = CanonicalParseTests.reference(bytes) else { return nil }
        return try? EventEnvelope(json: value)
    }

    /// The fast path's envelope, nil where it leaves the bytes to the general path.
    static func fast(_ bytes: [UInt8]) -> EventEnvelope? {
        JSONParser.canonicalEnvelope(bytes)
    }

    @Test func eventsAndTheirMutationsReadAsTheGeneralPathReadsThem() throws {
        var random = SeededGenerator(seed: 1_764)
        var (fastOnMutated, acceptedMutated, refused) = (0, 0, 0)
        for _ in 0..<1500 {
            let event = try Event(envelope: try Self.randomEnvelope(&random))
            // Every envelope this node writes takes the fast path.
            #expect(Self.fast(event.canonical) == event.envelope, "\(String(decoding: event.canonical, as: UTF8.self))")
            let mutated = CanonicalParseTests.mutations(of: event.canonical, &random) + Self.fieldEdits(of: event.canonical, &random)
            for bytes in mutated {
                let expected = Self.reference(bytes)
                let text = String(decoding: bytes, as: UTF8.self)
                if let envelope = Self.fast(bytes) {
                    #expect(envelope == expected, "\(text)")
                    fastOnMutated += 1
                }
                #expect((try? Event(canonical: bytes))?.envelope == expected, "\(text)")
                if expected == nil { refused += 1 } else { acceptedMutated += 1 }
            }
        }
        // Both answers, and the fast path on changed bytes, are exercised, or the comparison proves little.
        #expect(fastOnMutated > 300)
        #expect(acceptedMutated > fastOnMutated)
        #expect(refused > 5000)
    }

    @Test(arguments: [
        (#"{"body":{},"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"it","seq":1,"type":"a.b","v":2}"#, "a later version"),
        (#"{"body":{},"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"it","seq":1,"type":"a.b","v":1,"w":0}"#, "an unknown member"),
        (#"{"body":[],"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"it","seq":1,"type":"a.b","v":1}"#, "a body not an object"),
        (#"{"body":{},"effective":"2026-02-30","hlc":{"logical":0,"wall":1},"office":"it","seq":1,"type":"a.b","v":1}"#, "an impossible date"),
        (#"{"body":{},"effective":"2026-01-15","hlc":{"logical":-1,"wall":1},"office":"it","seq":1,"type":"a.b","v":1}"#, "a negative clock"),
        (#"{"body":{},"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"it","seq":0,"type":"a.b","v":1}"#, "seq 0"),
        (#"{"body":{},"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"it","seq":1,"type":"a.b","v":1} "#, "a trailing space"),
        (#"{"author":"","body":{},"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"it","seq":1,"type":"a.b","v":1}"#, "an empty author"),
        (#"{"body":{},"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"it","prev":"AB","seq":2,"type":"a.b","v":1}"#, "a short prev"),
        (#"{"body":{},"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"it","seq":1,"type":"a.b","v":1.0}"#, "a version as a float"),
    ])
    func leavesToTheGeneralPath(text: String, why: String) {
        #expect(Self.fast(Array(text.utf8)) == nil, "\(why)")
        #expect((try? Event(canonical: Array(text.utf8)))?.envelope == Self.reference(Array(text.utf8)), "\(why)")
    }

    // MARK: - Generators

    static func randomEnvelope(_ random: inout SeededGenerator) throws -> EventEnvelope {
        let seq = 1 + random.next() % 3
        let prev = seq == 1 ? nil : Hash.leaf(Array("previous \(random.next())".utf8))
        let authors = ["clerk@transport", "é", "quote\"s", "日本"]
        let author = random.next() % 3 == 0 ? authors[Int(random.next() % UInt64(authors.count))].precomposedStringWithCanonicalMapping : nil
        var body: [(String, JSONValue)] = []
        for _ in 0..<Int(random.next() % 4) {
            let key = CanonicalParseTests.keyPool[Int(random.next() % UInt64(CanonicalParseTests.keyPool.count))].precomposedStringWithCanonicalMapping
            guard !body.contains(where: { $0.0.utf8.elementsEqual(key.utf8) }) else { continue }
            body.append((key, CanonicalParseTests.randomValue(&random, depth: 2)))
        }
        let offices = ["transport", "it", "police-2"]
        let types = ["cost.incurred", "district.defined", "x.y"]
        return try EventEnvelope(
            office: offices[Int(random.next() % 3)], seq: seq, prev: prev,
            hlc: HLCTimestamp(wall: Int64(random.next() % 2_000_000_000_000), logical: Int64(random.next() % 3)),
            type: types[Int(random.next() % 3)], effective: try #require(LedgerDate(year: 2020 + Int(random.next() % 8), month: 2, day: 28)),
            author: author, body: .object(body))
    }

    /// Edits of one member's value or of the members: most still canonical JSON, some no longer an
    /// envelope, some of a later version.
    static func fieldEdits(of bytes: [UInt8], _ random: inout SeededGenerator) -> [[UInt8]] {
        let text = String(decoding: bytes, as: UTF8.self)
        let edits: [(String, String)] = [
            (#""v":1}"#, #""v":2}"#), (#""v":1}"#, #""v":1,"w":1}"#), (#""v":1}"#, #""v":0}"#), (#""seq":"#, #""seq":0"#),
            (#""seq":"#, #""seq":-"#), (#""logical":"#, #""logical":-"#), (#""wall":"#, #""wall":9"#), (#""prev":""#, #""prev":"A"#),
            (#""prev":""#, #""prev":"0"#), (#""effective":"20"#, #""effective":"19"#), (#""effective":""#, #""effective":"x"#),
            (#""office":""#, #""office":"X"#), (#""type":""#, #""type":"a"#), (#"{"body":"#, #"{"author":"a","body":"#),
            (#""hlc":{"#, #""hlc":{"a":0,"#), (#""body":{"#, #""body":{"":0,"#), (#""body":"#, #""body":[],"x":"#),
        ]
        var results: [[UInt8]] = []
        for _ in 0..<4 {
            let (find, replace) = edits[Int(random.next() % UInt64(edits.count))]
            guard let range = text.range(of: find) else { continue }
            results.append(Array(text.replacingCharacters(in: range, with: replace).utf8))
        }
        return results
    }
}
