import LedgerCore
import Testing

@Suite("Events")
struct EventTests {
    static func envelope(seq: UInt64 = 1, prev: Hash? = nil) throws -> EventEnvelope {
        try EventEnvelope(
            office: "transport", seq: seq, prev: prev, hlc: HLCTimestamp(wall: 1_764_230_000_000, logical: 2),
            type: "district.defined", effective: try #require(LedgerDate("2026-01-15")), author: nil,
            body: .object([("id", .string("d1")), ("population", .integer(1200))]))
    }

    @Test func canonicalBytesRoundTrip() throws {
        let event = try Event(envelope: try Self.envelope())
        let text = String(decoding: event.canonical, as: UTF8.self)
        #expect(
            text
                == #"{"body":{"id":"d1","population":1200},"effective":"2026-01-15","hlc":{"logical":2,"wall":1764230000000},"office":"transport","seq":1,"type":"district.defined","v":1}"#
        )
        let reread = try Event(canonical: event.canonical)
        #expect(reread.envelope == event.envelope)
        #expect(reread.id == Hash.leaf(event.canonical).hex)
    }

    @Test func scannerFindsTheChainFields() throws {
        let first = try Event(envelope: try Self.envelope())
        let second = try Event(envelope: try Self.envelope(seq: 2, prev: first.leafHash))
        let fields = try #require(second.canonical.withUnsafeBytes { EnvelopeScanner.scan($0) })
        #expect(fields.seq == 2)
        let prev = try #require(fields.prev)
        #expect(String(decoding: second.canonical[prev], as: UTF8.self) == first.id)
        let office = try #require(fields.office)
        #expect(String(decoding: second.canonical[office], as: UTF8.self) == "transport")
    }

    @Test(arguments: [
        #"{"body":{},"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"x","seq":1,"type":"a.b"}"#,
        #"{"body":{},"effective":"2026-13-15","hlc":{"logical":0,"wall":1},"office":"x","seq":1,"type":"a.b","v":1}"#,
        #"{"body":[],"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"x","seq":1,"type":"a.b","v":1}"#,
        #"{"body":{},"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"X","seq":1,"type":"a.b","v":1}"#,
        #"{"body":{},"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"x","seq":2,"type":"a.b","v":1}"#,
        #"{"body":{},"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"x","seq":"1","type":"a.b","v":1}"#,
        #"{"body":{},"effective":"2026-01-15","extra":1,"hlc":{"logical":0,"wall":1},"office":"x","seq":1,"type":"a.b","v":1}"#,
        #"{"effective":"2026-01-15","body":{},"hlc":{"logical":0,"wall":1},"office":"x","seq":1,"type":"a.b","v":1}"#,
    ])
    func refusesBadEnvelopes(text: String) {
        #expect(throws: EnvelopeError.self) { try Event(canonical: Array(text.utf8)) }
    }

    @Test func clockIsMonotonicAndRespectsReceipt() {
        var clock = HybridLogicalClock(last: HLCTimestamp(wall: 100, logical: 5))
        #expect(clock.tick(now: 50) == HLCTimestamp(wall: 100, logical: 6))
        #expect(clock.tick(now: 200) == HLCTimestamp(wall: 200, logical: 0))
        clock.observe(HLCTimestamp(wall: 500, logical: 3))
        clock.observe(HLCTimestamp(wall: 400, logical: 9))
        #expect(clock.tick(now: 220) == HLCTimestamp(wall: 500, logical: 4))
    }

    /// A logical counter at the largest safe integer carries into the wall time: a received
    /// timestamp cannot make the next local one unrepresentable.
    @Test func aFullLogicalCounterCarriesIntoTheWallTime() throws {
        var clock = HybridLogicalClock(last: HLCTimestamp(wall: 500, logical: HybridLogicalClock.maximumPart))
        let next = clock.tick(now: 100)
        #expect(next == HLCTimestamp(wall: 501, logical: 0))
        _ = try EventEnvelope(
            office: "x", seq: 1, prev: nil, hlc: next, type: "a.b", effective: try #require(LedgerDate("2026-01-01")), author: nil,
            body: .object([]))
    }

    /// A later envelope version keeps the version-1 members and may add its own: it is read (and
    /// its bytes kept), where version 1 refuses the same extra member.
    @Test func aLaterEnvelopeVersionIsReadThroughItsCore() throws {
        let later = #"{"body":{"x":1},"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"x","seq":1,"signals":[1],"type":"a.b","v":2}"#
        let event = try Event(canonical: Array(later.utf8))
        #expect(event.envelope.version == 2 && !event.envelope.isKnownVersion)
        #expect(event.envelope.office == "x" && event.envelope.type == "a.b")
        #expect(event.canonical == Array(later.utf8))
        for refused in [
            #"{"body":{},"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"x","seq":1,"signals":[1],"type":"a.b","v":1}"#,
            #"{"body":{},"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"x","seq":1,"type":"a.b","v":0}"#,
            #"{"body":{},"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"x","seq":1,"type":"a.b","v":"2"}"#,
            #"{"effective":"2026-01-15","hlc":{"logical":0,"wall":1},"office":"x","seq":1,"type":"a.b","v":2}"#,
        ] {
            #expect(throws: EnvelopeError.self) { try Event(canonical: Array(refused.utf8)) }
        }
    }

    @Test func datesRoundTrip() throws {
        let date = try #require(LedgerDate("2024-02-29"))
        #expect(LedgerDate(unixMilliseconds: date.unixMilliseconds) == date)
        #expect(LedgerDate("2023-02-29") == nil)
        #expect(LedgerDate(unixMilliseconds: 0).description == "1970-01-01")
    }

    /// Every date's text is `YYYY-MM-DD`, zero-padded, and parses back to the same date.
    @Test func everyDateIsWrittenPadded() throws {
        var random = SystemRandomNumberGenerator()
        for year in [1, 9, 10, 99, 100, 999, 1000, 1970, 2026, 9999] + (0..<2_000).map({ _ in Int.random(in: 1...9999, using: &random) }) {
            let month = Int.random(in: 1...12, using: &random)
            let day = Int.random(in: 1...LedgerDate.daysIn(month: month, year: year), using: &random)
            let date = try #require(LedgerDate(year: year, month: month, day: day))
            let text = date.description
            let expected = [(year, 4), (month, 2), (day, 2)].map { value, width in
                String(repeating: "0", count: width - String(value).count) + String(value)
            }.joined(separator: "-")
            #expect(text == expected)
            #expect(LedgerDate(text) == date)
        }
        // Past year 9999 (a Unix time far ahead) the year keeps all its digits.
        #expect(LedgerDate(unixMilliseconds: 253_402_300_800_000).description == "10000-01-01")
    }
}

@Suite("Envelope encoding")
struct EnvelopeEncodingTests {
    @Test(arguments: [nil, "clerk \"ana\"\n"])
    func directEncodingEqualsTheGeneralEncoder(author: String?) throws {
        let envelope = try EventEnvelope(
            office: "public-works", seq: 7, prev: Hash.leaf([7]), hlc: HLCTimestamp(wall: 1, logical: 0), type: "cost.incurred",
            effective: try #require(LedgerDate("2030-12-31")), author: author,
            body: .object([("z", .array([.integer(-3), .null, .bool(false)])), ("\u{E9}", .string("caf\u{E9}\t")), ("A", .object([]))]))
        #expect(try envelope.canonicalBytes() == CanonicalJSON.encode(envelope.json))
    }
}

@Suite("Envelope scanner")
struct EnvelopeScannerTests {
    @Test func readsTheClockAndChainLink() throws {
        let prev = Hash.leaf([1])
        let envelope = try EventEnvelope(
            office: "it", seq: 2, prev: prev, hlc: HLCTimestamp(wall: 1_764_230_000_123, logical: 45), type: "a.b",
            effective: try #require(LedgerDate("2026-01-01")), author: nil, body: .object([("hlc", .string("decoy"))]))
        let bytes = try Event(envelope: envelope).canonical
        try bytes.withUnsafeBytes { buffer in
            let fields = try #require(EnvelopeScanner.scan(buffer))
            #expect(EnvelopeScanner.hlc(in: buffer, range: try #require(fields.hlc)) == envelope.hlc)
            #expect(EnvelopeScanner.isHex(of: prev, in: buffer, range: try #require(fields.prev)))
            #expect(!EnvelopeScanner.isHex(of: Hash.leaf([2]), in: buffer, range: try #require(fields.prev)))
        }
    }

    @Test(arguments: [#"a\"#, #"\"seq\":9"#, #"\\\"x"#, "\\", "\u{E9}t\u{E9} \"\\\"\""])
    func skipsEscapedQuotesInBodies(text: String) throws {
        let envelope = try EventEnvelope(
            office: "it", seq: 1, prev: nil, hlc: HLCTimestamp(wall: 5, logical: 0), type: "a.b",
            effective: try #require(LedgerDate("2026-01-01")), author: text, body: .object([(text, .string(text))]))
        let bytes = try Event(envelope: envelope).canonical
        let fields = try #require(bytes.withUnsafeBytes { EnvelopeScanner.scan($0) })
        #expect(fields.seq == 1)
        #expect(String(decoding: bytes[try #require(fields.office)], as: UTF8.self) == "it")
        #expect(String(decoding: bytes[try #require(fields.type)], as: UTF8.self) == "a.b")
        // The body, escapes and all, and the version: what reading a stored fact needs.
        #expect(try JSONParser.parse(bytes[try #require(fields.body)], profile: .strict) == envelope.body)
        #expect(fields.version == EventEnvelope.version)
    }

    @Test(arguments: [#"{"a":1"#, #"{"a":}"#, #"{"a":1}x"#, #"["a"]"#, #"{"a":"x}"#, #"{"a":"x\"}"#])
    func refusesBrokenStructure(text: String) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBytes { EnvelopeScanner.scan($0) } == nil)
    }
}

@Suite("ASCII writers")
struct ASCIIWriterTests {
    @Test(arguments: [Int64.min + 1, -10, -1, 0, 7, 10, 99, 100, 1_764_230_000_000, Int64.max])
    func integersMatchSwift(value: Int64) throws {
        #expect(String(decoding: try CanonicalJSON.encode(.integer(value)), as: UTF8.self) == String(value))
    }

    @Test(arguments: ["0001-01-01", "0999-12-31", "2026-02-28", "9999-09-09"])
    func datesPad(text: String) throws {
        #expect(try #require(LedgerDate(text)).description == text)
    }

}

extension EventTests {
    /// `prev` must be exactly 64 lowercase hex digits.
    @Test(arguments: [
        (String(repeating: "ab", count: 32), true), (String(repeating: "AB", count: 32), false), (String(repeating: "a", count: 63), false),
        (String(repeating: "a", count: 65), false), (String(repeating: "a", count: 66), false), (String(repeating: "g", count: 64), false),
        ("", false),
    ])
    func prevIsLowercaseHex(text: String, accepted: Bool) throws {
        #expect((Hash(lowercaseHex: text) != nil) == accepted)
        var json = try Self.envelope(seq: 2, prev: Hash.leaf([1])).json
        guard case .object(var members) = json else { return }
        members = members.map { $0.0 == "prev" ? ("prev", .string(text)) : $0 }
        json = .object(members)
        #expect((try? EventEnvelope(json: json)) != nil || !accepted)
        if !accepted {
            #expect(throws: EnvelopeError.self) { try EventEnvelope(json: json) }
        }
    }

    /// Unknown fields of version 1 are named first, whatever their place among the members; a later
    /// version may add fields, so its missing core member is named instead.
    @Test func unknownFieldsAreNamedBeforeOtherProblems() throws {
        let json = JSONValue.object([("zz", .integer(1)), ("v", .integer(1)), ("hlc", .object([("wall", .integer(1)), ("tick", .integer(0))]))])
        let error = try #require(throws: EnvelopeError.self) { try EventEnvelope(json: json) }
        #expect("\(error)".contains("zz"))
        let later = JSONValue.object([("zz", .integer(1)), ("v", .integer(2))])
        let laterError = try #require(throws: EnvelopeError.self) { try EventEnvelope(json: later) }
        #expect("\(laterError)".contains("office"))
        let hlcError = try #require(throws: EnvelopeError.self) {
            try EventEnvelope(json: .object([("v", .integer(1)), ("hlc", .object([("wall", .integer(1)), ("tick", .integer(0))]))]))
        }
        #expect("\(hlcError)".contains("office") || "\(hlcError)".contains("hlc.tick"))
    }
}
