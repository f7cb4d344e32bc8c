/// A state's cost lines, in order of (system, year, category, source, currency), kept packed: each
/// line is the places of its five texts among the few distinct ones and its two sums, 24 bytes
/// where a ``CostLine`` takes 96, made into a ``CostLine`` when it is read.
///
/// A large city's state holds half a million lines, and most of what reads a state wants a few of
/// them or their totals: the lines were a fifth of the time of a state as of an instant, in
/// making them, in the pages of their memory, and in releasing their strings.
public struct CostLines: RandomAccessCollection, Sendable, Equatable {
    /// A line: its system's place in ``Texts/systems``, the places of its year, category, source and
    /// currency a byte each (from the high byte down), and its sums.
    struct Packed: Sendable {
        let system: UInt32
        let rest: UInt32
        let amount: Int64
        let count: Int64
    }

    /// The distinct texts of each field the lines name.
    struct Texts: Sendable {
        var systems: [String] = []
        var years: [String] = []
        var categories: [String] = []
        var sources: [String] = []
        var currencies: [String] = []
    }

    let texts: Texts
    let packed: [Packed]

    /// No lines.
    public init() { (texts, packed) = (Texts(), []) }

    /// Lines already in order, whose fields are places in `texts`.
    init(texts: Texts, packed: [Packed]) { (self.texts, self.packed) = (texts, packed) }

    public var startIndex: Int { packed.startIndex }
    public var endIndex: Int { packed.endIndex }

    public subscript(position: Int) -> CostLine {
        let line = packed[position]
        return CostLine(
            system: texts.systems[Int(line.system)], year: texts.years[Int(line.rest >> 24)], category: texts.categories[Int(line.rest >> 16 & 0xFF)],
            source: texts.sources[Int(line.rest >> 8 & 0xFF)], currency: texts.currencies[Int(line.rest & 0xFF)], amount: line.amount,
            count: line.count)
    }

    /// The lines in `currency`, made in one array of their count (a report reads each line many
    /// times); the currency is compared once a distinct text, not once a line.
    public func lines(in currency: String) -> [CostLine] {
        guard let place = texts.currencies.firstIndex(of: currency) else { return [] }
        if texts.currencies.count == 1 { return Array(self) }
        return packed.indices.filter { Int(packed[$0].rest & 0xFF) == place }.map { self[$0] }
    }

    /// Total spend per system, each system's lines summed without making a line: by the system's
    /// place first, then one entry per system (the places are of distinct texts).
    public var totals: [String: Int64] {
        var sums = [Int64](repeating: 0, count: texts.systems.count)
        var named = [Bool](repeating: false, count: texts.systems.count)
        for line in packed {
            let place = Int(line.system)
            sums[place] = Money.add(sums[place], line.amount)
            named[place] = true
        }
        var totals: [String: Int64] = [:]
        totals.reserveCapacity(texts.systems.count)
        for place in sums.indices where named[place] { totals[texts.systems[place]] = sums[place] }
        return totals
    }

    public static func == (lhs: CostLines, rhs: CostLines) -> Bool { lhs.elementsEqual(rhs) }
}
