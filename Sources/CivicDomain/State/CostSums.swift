import Foundation

/// Gives each distinct text a small number, reading it straight from a byte buffer (SQLite's, or a
/// period's blob), so a million costs are summed without making a million strings.
///
/// One open-addressed table of numbers (linear probing on an FNV-1a hash) over one buffer of the
/// texts' bytes: a lookup allocates nothing and retains nothing.
struct Interner {
    /// Each slot holds a text's number, or -1.
    private var slots = [Int32](repeating: -1, count: 64)
    private var hashes: [UInt64] = []
    /// Every text's bytes, one after another; text `i` ends at `ends[i]`.
    private var storage: [UInt8] = []
    private var ends: [Int] = []
    private(set) var values: [String] = []
    /// Whether each text is ASCII (its bytes then sort as its string does).
    private var ascii: [Bool] = []

    mutating func index(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let hash = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let held = Int(slots[slot])
            if hashes[held] == hash, equal(held, bytes) { return held }
            slot = (slot + 1) & mask
        }
        let index = values.count
        values.append(String(decoding: bytes, as: UTF8.self))
        ascii.append(bytes.allSatisfy { $0 < 0x80 })
        hashes.append(hash)
        storage.append(contentsOf: bytes)
        ends.append(storage.count)
        slots[slot] = Int32(index)
        if values.count * 2 > slots.count { grow() }
        return index
    }

    /// A string's number, read from its own bytes (no copy of them for a native string).
    mutating func index(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { index($0) }
    }

    /// Whether text `left` sorts before text `right`, as their strings do. ASCII texts (every
    /// effective date) are compared by their bytes, without making strings.
    func precedes(_ left: Int, _ right: Int) -> Bool {
        guard ascii[left], ascii[right] else { return values[left] < values[right] }
        let (leftStart, rightStart) = (left == 0 ? 0 : ends[left - 1], right == 0 ? 0 : ends[right - 1])
        let (leftCount, rightCount) = (ends[left] - leftStart, ends[right] - rightStart)
        let order = storage.withUnsafeBufferPointer { stored in
            memcmp(stored.baseAddress! + leftStart, stored.baseAddress! + rightStart, min(leftCount, rightCount))
        }
        return order < 0 || (order == 0 && leftCount < rightCount)
    }

    /// A word at a time (the texts are short identifiers, years and dates), not FNV-1a's multiply
    /// per byte: each period's merge looks up every text it names.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return hash }
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            hash ^= hash >> 29
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        hash = (hash ^ tail) &* 0x9E37_79B9_7F4A_7C15
        return hash ^ (hash >> 32)
    }

    private func equal(_ held: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = held == 0 ? 0 : ends[held - 1]
        guard ends[held] - start == bytes.count else { return false }
        return storage.withUnsafeBufferPointer { stored in
            guard let left = stored.baseAddress, let right = bytes.baseAddress else { return bytes.isEmpty }
            return memcmp(left + start, right, bytes.count) == 0
        }
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }
}

/// Sums by packed line key (``CostSums``), kept by system: each system's few lines (a year,
/// category, source and currency each) in a short list of their own. A period's merge adds to it
/// once per line it holds; one table of every line hashed by key made each addition a miss in
/// memory (a table of a million slots), a system's list is a few cache lines, and a period's
/// lines of one system come together (``CostSums/encoded()`` writes them so).
struct LineTable {
    private struct Line {
        /// The key's low 32 bits: year, category, source, currency (the system is the list's).
        var rest: UInt32
        var amount: Int64
        var count: Int64
    }

    /// By system number (``CostSums/system(of:)``).
    private var bySystem: [[Line]] = []
    /// For a system with more lines than a short search suits, each line's place in its list by
    /// the key's low bits (a city's system has a few dozen lines; costs in hundreds of currencies
    /// and years could give one system a million, and each addition would search them all).
    private var places: [Int: [UInt32: Int]] = [:]
    private static let searched = 48

    private static func split(_ key: UInt64) -> (system: Int, rest: UInt32) {
        (Int(key >> 32), UInt32(truncatingIfNeeded: key))
    }

    /// The place of a line in its system's list.
    private func place(_ system: Int, _ rest: UInt32) -> Int? {
        guard system < bySystem.count else { return nil }
        if !places.isEmpty, let places = places[system] { return places[rest] }
        return bySystem[system].withUnsafeBufferPointer { lines in lines.firstIndex { $0.rest == rest } }
    }

    /// The line of `key`, if it holds at least one cost.
    subscript(key: UInt64) -> (amount: Int64, count: Int64)? {
        let (system, rest) = Self.split(key)
        guard let index = place(system, rest), bySystem[system][index].count > 0 else { return nil }
        return (bySystem[system][index].amount, bySystem[system][index].count)
    }

    /// Adds to the line of `key`; returns its sum before.
    @discardableResult
    mutating func add(_ key: UInt64, amount: Int64, count: Int64) -> Int64 {
        let (system, rest) = Self.split(key)
        if let index = place(system, rest) {
            return bySystem[system].withUnsafeMutableBufferPointer { lines in
                let before = lines[index].amount
                lines[index].amount = Money.add(before, amount)
                lines[index].count += count
                return before
            }
        }
        if system >= bySystem.count { bySystem.append(contentsOf: repeatElement([], count: system + 1 - bySystem.count)) }
        bySystem[system].append(Line(rest: rest, amount: Money.add(0, amount), count: count))
        let held = bySystem[system].count
        if held > Self.searched {
            if places[system] == nil {
                places[system] = Dictionary(uniqueKeysWithValues: bySystem[system].enumerated().map { ($1.rest, $0) })
            } else {
                places[system]?[rest] = held - 1
            }
        }
        return 0
    }

    /// Takes one cost of `amount` out of the line of `key`, which must hold one.
    mutating func removeOne(_ key: UInt64, amount: Int64) {
        let (system, rest) = Self.split(key)
        guard let index = place(system, rest), bySystem[system][index].count > 0 else { return }
        bySystem[system][index].amount -= amount
        bySystem[system][index].count -= 1
    }

    /// How many lines the table holds, with those whose costs were all taken out again.
    var held: Int { bySystem.reduce(0) { $0 + $1.count } }

    /// Every line holding at least one cost, by system number (in no other order).
    var lines: [(key: UInt64, amount: Int64, count: Int64)] {
        var lines: [(key: UInt64, amount: Int64, count: Int64)] = []
        lines.reserveCapacity(held)
        forEachLine { key, amount, count in lines.append((key, amount, count)) }
        return lines
    }

    /// Calls `body` with the key's low 32 bits (``split(_:)``) and the sums of every line of
    /// system `system` holding at least one cost, in place.
    func forEachLine(of system: Int, _ body: (_ rest: UInt32, _ amount: Int64, _ count: Int64) -> Void) {
        guard system < bySystem.count else { return }
        bySystem[system].withUnsafeBufferPointer { lines in
            for line in lines where line.count > 0 { body(line.rest, line.amount, line.count) }
        }
    }

    /// Calls `body` with every line holding at least one cost, by system number, in place.
    func forEachLine(_ body: (_ key: UInt64, _ amount: Int64, _ count: Int64) -> Void) {
        for (system, held) in bySystem.enumerated() {
            for line in held where line.count > 0 { body(UInt64(system) << 32 | UInt64(line.rest), line.amount, line.count) }
        }
    }
}

/// Costs summed by (system, year, category, source, currency), with what the conflict checks need
/// to know of each system's costs without reading them: the span of their recorded times and
/// their earliest effective date. The sums the state's cost lines are made of, and the contents
/// of one period of ``CostPeriods``.
struct CostSums {
    /// The recorded times and effective dates a system's costs cover.
    struct Span {
        var first: (wall: Int64, logical: Int64)
        var last: (wall: Int64, logical: Int64)
        var earliestEffective: Int
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private(set) var systems = Interner()
    private(set) var years = Interner()
    private(set) var categories = Interner()
    private(set) var sources = Interner()
    private(set) var currencies = Interner()
    /// Effective dates (only the earliest of each system's is kept).
    private(set) var dates = Interner()
    /// Sums by packed key: system (32 bits), year, category, source, currency (8 bits each).
    private(set) var sums = LineTable()
    /// By system index (nil for a system none of whose costs widened a span).
    private(set) var spans: [Span?] = []
    /// Systems whose lines were cut at ``Money/limit``.
    private(set) var saturated: Set<Int> = []
    /// Costs added (a replaced cost taken away again still counts here: it is an event held).
    private(set) var events: Int64 = 0
    /// Whether ``add(system:effective:category:source:currency:amount:wall:logical:)`` widens the
    /// systems' spans (what a period keeps; state reads them from the periods alone).
    let keepsSpans: Bool

    init(keepsSpans: Bool = false) {
        self.keepsSpans = keepsSpans
    }

    static func system(of key: UInt64) -> Int { Int(key >> 32) }
    static func currency(of key: UInt64) -> Int { Int(key & 0xFF) }

    /// Adds one cost to its line; returns its system's index.
    mutating func add(
        system: UnsafeBufferPointer<UInt8>, effective: UnsafeBufferPointer<UInt8>, category: UnsafeBufferPointer<UInt8>,
        source: UnsafeBufferPointer<UInt8>, currency: UnsafeBufferPointer<UInt8>, amount: Int64, wall: Int64, logical: Int64
    ) throws -> Int {
        let systemIndex = try add(
            system: systems.index(system), year: years.index(UnsafeBufferPointer(rebasing: effective.prefix(4))),
            category: categories.index(category), source: sources.index(source), currency: currencies.index(currency), amount: amount, count: 1)
        if keepsSpans { widen(systemIndex, Span(first: (wall, logical), last: (wall, logical), earliestEffective: dates.index(effective))) }
        return systemIndex
    }

    /// Adds to one line by its fields' indexes; returns the system's index.
    @discardableResult
    mutating func add(system: Int, year: Int, category: Int, source: Int, currency: Int, amount: Int64, count: Int64) throws -> Int {
        guard years.values.count <= 256, categories.values.count <= 256, sources.values.count <= 256, currencies.values.count <= 256,
            system < Int(UInt32.max)
        else { throw Failure(description: "more than 256 distinct years, categories, sources or currencies, or 2³² − 1 systems") }
        let key = UInt64(system) << 32 | UInt64(year) << 24 | UInt64(category) << 16 | UInt64(source) << 8 | UInt64(currency)
        if Money.exceeds(sums.add(key, amount: amount, count: count), amount) { saturated.insert(system) }
        events += count
        return system
    }

    /// Takes one cost out of its line again (a corrected or revoked cost a period counted).
    ///
    /// - Returns: false when the line is saturated or unknown (the exact sum cannot be recovered).
    mutating func remove(
        system: String, effective: String, category: String, source: String, currency: String, amount: Int64
    ) -> Bool {
        let systemIndex = systems.index(system)
        guard !saturated.contains(systemIndex) else { return false }
        let key = UInt64(systemIndex) << 32 | UInt64(years.index(String(effective.prefix(4)))) << 24
            | UInt64(categories.index(category)) << 16 | UInt64(sources.index(source)) << 8 | UInt64(currencies.index(currency))
        guard sums[key] != nil else { return false }
        sums.removeOne(key, amount: amount)
        return true
    }

    private mutating func widen(_ system: Int, _ span: Span) {
        if system >= spans.count { spans.append(contentsOf: repeatElement(nil, count: system + 1 - spans.count)) }
        guard var held = spans[system] else {
            spans[system] = span
            return
        }
        if span.first < held.first { held.first = span.first }
        if span.last > held.last { held.last = span.last }
        if span.earliestEffective != held.earliestEffective, dates.precedes(span.earliestEffective, held.earliestEffective) {
            held.earliestEffective = span.earliestEffective
        }
        spans[system] = held
    }

    // MARK: - The stored form

    /// The sums as bytes: the texts once, then the lines and the spans by the texts' numbers.
    func encoded() -> [UInt8] {
        var out: [UInt8] = [1]
        var table: [String: Int] = [:]
        var texts: [String] = []
        // Each role's texts (system, year, category, source, currency, date) by their numbers here,
        // and the number each is stored under, found when first needed (a running total writes
        // half a million lines, each naming five texts).
        let roles = [systems.values, years.values, categories.values, sources.values, currencies.values, dates.values]
        var stored = roles.map { [Int](repeating: -1, count: $0.count) }
        func text(_ role: Int, _ index: Int) -> Int {
            if stored[role][index] >= 0 { return stored[role][index] }
            let value = roles[role][index]
            let number = table[value] ?? texts.count
            if number == texts.count {
                table[value] = number
                texts.append(value)
            }
            stored[role][index] = number
            return number
        }
        var body: [UInt8] = []
        // By system (``LineTable/lines``), so that a merge adds to one system's lines at a time.
        let lines = sums.lines
        Self.varint(UInt64(lines.count), into: &body)
        for (key, amount, count) in lines {
            Self.varint(UInt64(text(0, Self.system(of: key))), into: &body)
            Self.varint(UInt64(text(1, Int(key >> 24 & 0xFF))), into: &body)
            Self.varint(UInt64(text(2, Int(key >> 16 & 0xFF))), into: &body)
            Self.varint(UInt64(text(3, Int(key >> 8 & 0xFF))), into: &body)
            Self.varint(UInt64(text(4, Self.currency(of: key))), into: &body)
            Self.varint(Self.zigzag(amount), into: &body)
            Self.varint(UInt64(count), into: &body)
            body.append(saturated.contains(Self.system(of: key)) ? 1 : 0)
        }
        Self.varint(UInt64(spans.lazy.filter { $0 != nil }.count), into: &body)
        for (system, span) in spans.enumerated() {
            guard let span else { continue }
            Self.varint(UInt64(text(0, system)), into: &body)
            for value in [span.first.wall, span.first.logical, span.last.wall, span.last.logical] { Self.varint(Self.zigzag(value), into: &body) }
            Self.varint(UInt64(text(5, span.earliestEffective)), into: &body)
        }
        Self.varint(UInt64(texts.count), into: &out)
        for value in texts {
            let bytes = Array(value.utf8)
            Self.varint(UInt64(bytes.count), into: &out)
            out += bytes
        }
        return out + body
    }

    /// Adds the sums stored in `bytes` (``encoded()``) to these.
    mutating func merge(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        var reader = Reader(bytes: bytes)
        guard try reader.byte() == 1 else { throw Failure(description: "a cost period of an unknown format") }
        let textCount = try reader.count()
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(textCount)
        for _ in 0..<textCount {
            let length = try reader.count()
            ranges.append(try reader.skip(length))
        }
        // Each stored text's number in each interner, found when first needed.
        var mapped = [Int](repeating: -1, count: 6 * textCount)
        func index(_ role: Int, _ text: Int) throws -> Int {
            guard text < textCount else { throw Failure(description: "a cost period names text \(text) of \(textCount)") }
            if mapped[role * textCount + text] >= 0 { return mapped[role * textCount + text] }
            let slice = UnsafeBufferPointer(rebasing: bytes[ranges[text]])
            let value: Int
            switch role {
            case 0: value = systems.index(slice)
            case 1: value = years.index(slice)
            case 2: value = categories.index(slice)
            case 3: value = sources.index(slice)
            case 4: value = currencies.index(slice)
            default: value = dates.index(slice)
            }
            mapped[role * textCount + text] = value
            return value
        }
        for _ in 0..<(try reader.count()) {
            let system = try index(0, try reader.count())
            let year = try index(1, try reader.count())
            let category = try index(2, try reader.count())
            let source = try index(3, try reader.count())
            let currency = try index(4, try reader.count())
            let amount = Self.unzigzag(try reader.varint())
            let count = Int64(try reader.varint())
            if try reader.byte() == 1 { saturated.insert(system) }
            try add(system: system, year: year, category: category, source: source, currency: currency, amount: amount, count: count)
        }
        for _ in 0..<(try reader.count()) {
            let system = try index(0, try reader.count())
            let first = (Self.unzigzag(try reader.varint()), Self.unzigzag(try reader.varint()))
            let last = (Self.unzigzag(try reader.varint()), Self.unzigzag(try reader.varint()))
            widen(system, Span(first: first, last: last, earliestEffective: try index(5, try reader.count())))
        }
        guard reader.atEnd else { throw Failure(description: "a cost period has bytes after its spans") }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0

        var atEnd: Bool { offset == bytes.count }

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw Failure(description: "a cost period ends early") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let next = try byte()
                guard shift < 64 else { throw Failure(description: "a cost period holds a number past 64 bits") }
                value |= UInt64(next & 0x7F) << shift
                if next & 0x80 == 0 { return value }
                shift += 7
            }
        }

        mutating func count() throws -> Int {
            let value = try varint()
            guard value <= UInt64(bytes.count) else { throw Failure(description: "a cost period counts \(value) of something in \(bytes.count) bytes") }
            return Int(value)
        }

        mutating func skip(_ length: Int) throws -> Range<Int> {
            guard length <= bytes.count - offset else { throw Failure(description: "a cost period ends early") }
            defer { offset += length }
            return offset..<(offset + length)
        }
    }

    private static func varint(_ value: UInt64, into out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    private static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
    private static func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }
}
