@testable import CivicDomain
import CivicTestSupport
import Foundation
import Testing

/// The two tables cost sums are kept in (``Interner`` and ``LineTable``), against Swift's own
/// dictionaries: the same answers through growth, repeated texts, removed lines and lines added again.
@Suite("Cost tables")
struct CostTableTests {
    @Test(arguments: [1, 2, 3] as [UInt64]) func theInternerNumbersEachDistinctTextOnce(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var interner = Interner()
        var model: [String: Int] = [:]
        // Enough texts to grow the table several times; short ones repeat, and the empty text is one.
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...12, using: &random)
            let text = String((0..<length).map { _ in "abcde0123-".randomElement(using: &random)! })
            let index = Array(text.utf8).withUnsafeBufferPointer { interner.index($0) }
            if let known = model[text] {
                #expect(index == known, "\"\(text)\" was numbered \(known), now \(index)")
            } else {
                #expect(index == model.count, "a new text takes the next number")
                model[text] = index
            }
        }
        #expect(interner.values.count == model.count)
        for (text, index) in model { #expect(interner.values[index] == text) }
    }

    @Test(arguments: [1, 2, 3] as [UInt64]) func theLineTableSumsAsADictionaryDoes(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var table = LineTable()
        var model: [UInt64: (amount: Int64, count: Int64)] = [:]
        for step in 0..<50_000 {
            // Keys as CostSums packs them: a system number above, small field numbers below; one
            // system in ten steps has hundreds of lines (costs in many years and currencies).
            let key = step % 10 == 0
                ? UInt64(77) << 32 | UInt64.random(in: 0..<200, using: &random) << 24 | UInt64.random(in: 0..<6, using: &random)
                : UInt64.random(in: 0..<5_000, using: &random) << 32 | UInt64.random(in: 0..<4, using: &random) << 24
                    | UInt64.random(in: 0..<3, using: &random) << 8
            if Int.random(in: 0..<5, using: &random) == 0, let held = model[key] {
                // Take one cost out (what a correction of a cost a period holds does).
                let amount = held.count == 1 ? held.amount : Int64.random(in: 0...held.amount, using: &random)
                table.removeOne(key, amount: amount)
                model[key] = held.count == 1 ? nil : (held.amount - amount, held.count - 1)
            } else {
                let amount = Int64.random(in: 0...1_000_000, using: &random)
                let before = table.add(key, amount: amount, count: 1)
                #expect(before == (model[key]?.amount ?? 0), "add returns the line's sum before it")
                let held = model[key] ?? (0, 0)
                model[key] = (held.amount + amount, held.count + 1)
            }
        }
        let lines = table.lines
        #expect(lines.count == model.count)
        #expect(Set(lines.map(\.key)).count == lines.count, "each line once")
        for line in lines {
            #expect(model[line.key]?.amount == line.amount && model[line.key]?.count == line.count, "line \(line.key)")
        }
        for (key, held) in model {
            #expect(table[key]?.amount == held.amount && table[key]?.count == held.count)
        }
        // A line whose last cost was taken out is absent, and starts again from nothing.
        let emptied = UInt64(9_999) << 32
        table.add(emptied, amount: 7, count: 1)
        table.removeOne(emptied, amount: 7)
        #expect(table[emptied] == nil)
        #expect(!table.lines.contains { $0.key == emptied })
        #expect(table.add(emptied, amount: 5, count: 1) == 0)
        #expect(table[emptied]?.amount == 5 && table[emptied]?.count == 1)
    }

    /// Texts compared through the interner order as their strings do: dates and identifiers by
    /// their bytes, anything not ASCII as Swift's strings.
    @Test(arguments: [1, 2, 3] as [UInt64]) func theInternerOrdersTextsAsStringsDo(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var interner = Interner()
        var texts: [String] = []
        for _ in 0..<400 {
            let length = Int.random(in: 0...11, using: &random)
            let text = String((0..<length).map { _ in "09-az\u{e9}\u{65}\u{301}".randomElement(using: &random)! })
            _ = interner.index(text)
            texts.append(text)
        }
        for _ in 0..<4_000 {
            let (left, right) = (texts.randomElement(using: &random)!, texts.randomElement(using: &random)!)
            #expect(interner.precedes(interner.index(left), interner.index(right)) == (left < right), "\"\(left)\" < \"\(right)\"")
        }
    }

    /// The cost lines' order: by system, year, category, source and currency as strings compare,
    /// whatever order the sums numbered them in; every line once, with its sum.
    @Test(arguments: [1, 2, 3] as [UInt64]) func theLinesComeInTheOrderOfTheirTexts(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        for count in [0, 1, 2, 255, 5_000] {
            var sums = CostSums()
            var model: [[String]: (amount: Int64, count: Int64)] = [:]
            for _ in 0..<count {
                // Systems numbered in an order unlike theirs (and one not ASCII); a few dozen lines
                // a system, as in a city; repeats add to a line.
                let fields = [
                    ["s\(Int.random(in: 0..<300, using: &random))", "caméra-\(Int.random(in: 0..<3, using: &random))"][Int.random(in: 0..<2, using: &random)],
                    String(2030 - Int.random(in: 0..<12, using: &random)) + "-06-01",
                    ["maintenance", "licence", "energy"][Int.random(in: 0..<3, using: &random)],
                    ["general-fund", "bond"][Int.random(in: 0..<2, using: &random)],
                    ["USD", "EUR"][Int.random(in: 0..<2, using: &random)],
                ]
                let amount = Int64.random(in: 1...1_000, using: &random)
                let buffers = fields.map { Array($0.utf8) }
                _ = try buffers[0].withUnsafeBufferPointer { s in
                    try buffers[1].withUnsafeBufferPointer { e in
                        try buffers[2].withUnsafeBufferPointer { c in
                            try buffers[3].withUnsafeBufferPointer { o in
                                try buffers[4].withUnsafeBufferPointer { u in
                                    try sums.add(system: s, effective: e, category: c, source: o, currency: u, amount: amount, wall: 0, logical: 0)
                                }
                            }
                        }
                    }
                }
                let key = [fields[0], String(fields[1].prefix(4)), fields[2], fields[3], fields[4]]
                let held = model[key] ?? (0, 0)
                model[key] = (held.amount + amount, held.count + 1)
            }
            let lines = CostAggregator.ordered(sums)
            let expected = model.keys.sorted { $0.lexicographicallyPrecedes($1) }
            #expect(lines.map { [$0.system, $0.year, $0.category, $0.source, $0.currency] } == expected, "\(count) costs")
            for line in lines {
                let held = model[[line.system, line.year, line.category, line.source, line.currency]]
                #expect(held?.amount == line.amount && held?.count == line.count)
            }
        }
    }

    /// A period's stored form, merged into nothing and into other sums, gives the sums it was made of.
    @Test func storedSumsMergeBackToTheSameLines() throws {
        func add(_ sums: inout CostSums, _ system: String, _ effective: String, _ amount: Int64, wall: Int64) throws {
            func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
            let (s, e, c, o, u) = (bytes(system), bytes(effective), bytes("licence"), bytes("bond"), bytes("USD"))
            _ = try s.withUnsafeBufferPointer { s in
                try e.withUnsafeBufferPointer { e in
                    try c.withUnsafeBufferPointer { c in
                        try o.withUnsafeBufferPointer { o in
                            try u.withUnsafeBufferPointer { u in
                                try sums.add(system: s, effective: e, category: c, source: o, currency: u, amount: amount, wall: wall, logical: 0)
                            }
                        }
                    }
                }
            }
        }
        var period = CostSums(keepsSpans: true)
        try add(&period, "cams", "2024-03-01", 100, wall: 10)
        try add(&period, "cams", "2024-02-01", 50, wall: 20)
        try add(&period, "lights", "2023-12-31", 7, wall: 5)
        var other = CostSums(keepsSpans: true)
        try add(&other, "lights", "2023-11-30", 3, wall: 40)
        var merged = CostSums()
        for stored in [period.encoded(), other.encoded()] { try stored.withUnsafeBufferPointer { try merged.merge($0) } }
        func lines(_ sums: CostSums) -> [String: Int64] {
            Dictionary(
                uniqueKeysWithValues: sums.sums.lines.map { key, amount, count in
                    ("\(sums.systems.values[CostSums.system(of: key)]) \(sums.years.values[Int(key >> 24 & 0xFF)]) ×\(count)", amount)
                })
        }
        #expect(lines(merged) == ["cams 2024 ×2": 150, "lights 2023 ×2": 10])
        #expect(merged.events == 4)
        let camsIndex = try #require(merged.systems.values.firstIndex(of: "cams"))
        let cams = try #require(merged.spans[camsIndex])
        #expect(cams.first == (10, 0) && cams.last == (20, 0))
        #expect(merged.dates.values[cams.earliestEffective] == "2024-02-01")
        let lightsIndex = try #require(merged.systems.values.firstIndex(of: "lights"))
        let lights = try #require(merged.spans[lightsIndex])
        #expect(lights.first == (5, 0) && lights.last == (40, 0))
        #expect(merged.dates.values[lights.earliestEffective] == "2023-11-30")
    }
}
