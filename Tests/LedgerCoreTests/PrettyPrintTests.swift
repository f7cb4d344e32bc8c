import CivicTestSupport
import LedgerCore
import Testing

/// `writePrettyPrinted` hands on the text of `prettyPrinted` in pieces as it is made.
@Suite("Pretty-printed JSON in pieces")
struct PrettyPrintTests {
    @Test(arguments: [1, 7, 64, 1 << 16])
    func piecesMakeTheSameText(piece: Int) throws {
        var random = SeededGenerator(seed: 2_024 + UInt64(piece))
        for _ in 0..<1_000 {
            let value = CanonicalParseTests.randomValue(&random, depth: 0)
            var pieces: [[UInt8]] = []
            try value.writePrettyPrinted(piece: piece) { pieces.append($0) }
            let whole = try value.prettyPrinted()
            #expect(pieces.flatMap { $0 } == Array(whole.utf8))
            // Every piece but the last reached the size asked for; none is empty.
            #expect(pieces.dropLast().allSatisfy { $0.count >= piece })
            #expect(pieces.allSatisfy { !$0.isEmpty })
        }
    }

    /// An object whose long arrays are made an element at a time is the same text as the object
    /// made whole: members out of order, empty arrays, keys to escape, values of every kind.
    @Test(arguments: [1, 64, 1 << 16])
    func membersMadeAsTheyAreWrittenMakeTheSameText(piece: Int) throws {
        var random = SeededGenerator(seed: 7_000 + UInt64(piece))
        for _ in 0..<300 {
            let keys = ["costs", "b", "a\"q", "é", "", "Z", "systems", "events"].shuffled(using: &random).prefix(Int.random(in: 0...8, using: &random))
            var made = 0
            var count = 0
            let members: [(String, PrettyMember)] = keys.map { key in
                if Bool.random(using: &random) { return (key, .value(CanonicalParseTests.randomValue(&random, depth: 0))) }
                let elements = (0..<Int.random(in: 0...5, using: &random)).map { _ in CanonicalParseTests.randomValue(&random, depth: 0) }
                count += elements.count
                return (key, .elements(elements.count) { index in
                    made += 1
                    return elements[index]
                })
            }
            var pieces: [[UInt8]] = []
            try JSONValue.writePrettyPrinted(members: members, piece: piece) { pieces.append($0) }
            #expect(made == count, "each element made once as it is written")
            let whole = try JSONValue.object(members.map { ($0.0, $0.1.value) }).prettyPrinted()
            #expect(String(decoding: pieces.flatMap { $0 }, as: UTF8.self) == whole)
            #expect(pieces.dropLast().allSatisfy { $0.count >= piece })
            #expect(pieces.allSatisfy { !$0.isEmpty })
        }
    }

    /// A large array goes out in many pieces, each about the size asked for.
    @Test func aLargeValueGoesOutInPieces() throws {
        let value = JSONValue.array((0..<10_000).map { .object([("id", .integer(Int64($0))), ("name", .string("system \($0)"))]) })
        var sizes: [Int] = []
        try value.writePrettyPrinted(piece: 4_096) { sizes.append($0.count) }
        #expect(sizes.count > 100)
        #expect(sizes.dropLast().allSatisfy { (4_096..<4_200).contains($0) })
        #expect(sizes.reduce(0, +) == (try value.prettyPrinted()).utf8.count)
    }
}
