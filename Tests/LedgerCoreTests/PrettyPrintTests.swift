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
