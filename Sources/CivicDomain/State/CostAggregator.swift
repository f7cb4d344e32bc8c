import Foundation
import GRDB
import GRDBSQLite
import LedgerCore
import LedgerStore

/// Sums `civic_costs` rows by (system, year, category, source, currency) in one pass, hashing
/// in memory (SQLite's GROUP BY sorts a million rows, which costs a second; this costs a scan), and
/// finds the costs that conflict with their system at their place in the citywide order.
///
/// Every cost is counted, whatever its conflicts (money a signed event says was spent is never
/// dropped); a corrected cost is counted as its replacement, at its own place and date.
struct CostAggregator {
    /// Gives each distinct text a small number, reading it straight from SQLite's buffer.
    private struct Interner {
        private var buckets: [UInt64: [(bytes: [UInt8], index: Int)]] = [:]
        private(set) var values: [String] = []

        mutating func index(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> Int {
            let bytes = UnsafeBufferPointer(start: pointer, count: pointer == nil ? 0 : count)
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            if let bucket = buckets[hash] {
                for entry in bucket where entry.bytes.count == count {
                    let same = entry.bytes.withUnsafeBufferPointer { stored in
                        guard let left = stored.baseAddress, let right = bytes.baseAddress else { return count == 0 }
                        return memcmp(left, right, count) == 0
                    }
                    if same { return entry.index }
                }
            }
            let index = values.count
            values.append(String(decoding: bytes, as: UTF8.self))
            buckets[hash, default: []].append((Array(bytes), index))
            return index
        }
    }

    /// What a system's costs are checked against, with the bytes the scan compares.
    private struct Window {
        let system: RuleFacts.System?
        let currency: [UInt8]
        let procuredOn: [UInt8]

        init(_ system: RuleFacts.System?) {
            self.system = system
            currency = Array((system?.currency.code ?? "").utf8)
            procuredOn = Array((system?.procuredOn ?? "").utf8)
        }

        /// Whether a cost may conflict (a tie in HLC with the procurement or retirement included):
        /// the exact check runs on the few that may.
        func mayConflict(wall: Int64, logical: Int64, currency: UnsafeBufferPointer<UInt8>, effective: UnsafeBufferPointer<UInt8>) -> Bool {
            guard let system else { return true }
            let procured = system.procuredBy.key.hlc
            if (wall, logical) <= (procured.wall, procured.logical) { return true }
            if let retired = system.retiredBy?.key.hlc, (wall, logical) >= (retired.wall, retired.logical) { return true }
            if !currency.elementsEqual(self.currency) { return true }
            return effective.lexicographicallyPrecedes(procuredOn)
        }
    }

    private var systems = Interner()
    private var years = Interner()
    private var categories = Interner()
    private var sources = Interner()
    private var currencies = Interner()
    private var windows: [Window] = []
    /// Sums by packed key: system (32 bits), year, category, source, currency (8 bits each).
    private var sums: [UInt64: (amount: Int64, count: Int64)] = [:]
    /// Systems whose lines were cut at ``Money/limit``.
    private var saturated: Set<Int> = []

    /// The cost lines under `filter`, and the findings of the costs that conflict with their systems.
    ///
    /// - Parameters:
    ///   - rules: the facts folded under the same filter (every system's procurement and retirement).
    ///   - replacements: the corrections that apply to costs.
    static func aggregate(
        _ db: Database, filter: TimeFilter, rules: RuleFacts, replacements: [LedgerFacts.CostReplacement], revoked: RevokedRanges = RevokedRanges()
    ) throws -> (lines: [CostLine], findings: [Finding]) {
        var aggregator = CostAggregator()
        var replaced = Set(replacements.map(\.targetRowid))
        var suspects: [Int64] = []
        var findings: [Finding] = []
        let (condition, arguments) = filter.sql(prefix: "")
        // Costs only a revoked key vouched for are not counted: each is a finding instead.
        for (office, ranges) in revoked.byOffice.sorted(by: { $0.key < $1.key }) {
            for range in ranges {
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT c.event_rowid, e.seq, e.id, e.hlc_wall, e.hlc_logical, e.type FROM civic_costs c JOIN events e ON e.rowid = c.event_rowid
                        WHERE e.office = ? AND e.seq BETWEEN ? AND ? AND \(filter.sql(prefix: "c.").0) ORDER BY e.seq
                        """, arguments: [office, Int64(range.lowerBound), Int64(min(range.upperBound, UInt64(Int64.max)))] + filter.sql(prefix: "c.").1)
                for row in rows {
                    replaced.insert(row["event_rowid"])
                    let ref = EventRef(
                        key: OrderKey(hlc: HLCTimestamp(wall: row["hlc_wall"], logical: row["hlc_logical"]), office: office, seq: UInt64(row["seq"] as Int64)),
                        id: Hash(bytes: Array(row["id"] as Data)), type: row["type"])
                    findings.append(
                        Finding(
                            kind: .revokedKey, events: [ref], resolution: .ignored,
                            detail: "cost.incurred: \(office)#\(ref.seq) is vouched for only by a key the registrar revoked before it: not counted"))
                }
            }
        }
        let statement = try db.makeStatement(
            sql: "SELECT event_rowid, system, effective, category, source, currency, amount, hlc_wall, hlc_logical FROM civic_costs WHERE \(condition)")
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        while true {
            let step = sqlite3_step(handle)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: step), message: "aggregating costs") }
            let rowid = sqlite3_column_int64(handle, 0)
            if replaced.contains(rowid) { continue }
            // sqlite3_column_text before sqlite3_column_bytes, as SQLite documents.
            func text(_ column: Int32, length: Int? = nil) -> UnsafeBufferPointer<UInt8> {
                let pointer = sqlite3_column_text(handle, column)
                let count = Int(sqlite3_column_bytes(handle, column))
                return UnsafeBufferPointer(start: pointer, count: pointer == nil ? 0 : min(count, length ?? count))
            }
            let system = text(1)
            let effective = text(2)
            let currency = text(5)
            let systemIndex = try aggregator.add(
                system: system, year: UnsafeBufferPointer(rebasing: effective.prefix(4)), category: text(3), source: text(4), currency: currency,
                amount: sqlite3_column_int64(handle, 6), count: 1, rules: rules)
            if aggregator.windows[systemIndex].mayConflict(
                wall: sqlite3_column_int64(handle, 7), logical: sqlite3_column_int64(handle, 8), currency: currency, effective: effective)
            {
                suspects.append(rowid)
            }
        }
        for rowid in suspects {
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT e.office, e.seq, e.id, e.hlc_wall, e.hlc_logical, e.type, c.system, c.currency, c.effective
                    FROM civic_costs c JOIN events e ON e.rowid = c.event_rowid WHERE c.event_rowid = ?
                    """, arguments: [rowid]), let currency = Currency(row["currency"])
            else { continue }
            let ref = EventRef(
                key: OrderKey(hlc: HLCTimestamp(wall: row["hlc_wall"], logical: row["hlc_logical"]), office: row["office"], seq: UInt64(row["seq"] as Int64)),
                id: Hash(bytes: Array(row["id"] as Data)), type: row["type"])
            findings += Self.findings(
                rules.costConflicts(system: row["system"], currency: currency, effective: row["effective"], at: ref.key), events: [ref])
        }
        for replacement in replacements {
            let cost = replacement.replacement
            let year = String(replacement.targetEffective.prefix(4))
            try Array(cost.system.utf8).withUnsafeBufferPointer { system in
                try Array(year.utf8).withUnsafeBufferPointer { year in
                    try Array(cost.category.rawValue.utf8).withUnsafeBufferPointer { category in
                        try Array(cost.source.rawValue.utf8).withUnsafeBufferPointer { source in
                            try Array(cost.currency.code.utf8).withUnsafeBufferPointer { currency in
                                _ = try aggregator.add(
                                    system: system, year: year, category: category, source: source, currency: currency, amount: cost.amount, count: 1,
                                    rules: rules)
                            }
                        }
                    }
                }
            }
            findings += Self.findings(
                rules.costConflicts(system: cost.system, currency: cost.currency, effective: replacement.targetEffective, at: replacement.target.key),
                events: [replacement.target, replacement.correction])
        }
        findings += aggregator.saturated.sorted().map { index in
            let system = aggregator.systems.values[index]
            return Finding(
                kind: .totalOutOfRange, events: [], resolution: .counted,
                detail: "the costs of \"\(system)\" add up past \(Money.limit) minor units, the largest figure a total holds: its totals are cut there")
        }
        let lines = aggregator.sums.map { key, sum in
            CostLine(
                system: aggregator.systems.values[Int(key >> 32)], year: aggregator.years.values[Int(key >> 24 & 0xFF)],
                category: aggregator.categories.values[Int(key >> 16 & 0xFF)], source: aggregator.sources.values[Int(key >> 8 & 0xFF)],
                currency: aggregator.currencies.values[Int(key & 0xFF)], amount: sum.amount, count: sum.count)
        }
        return (lines, findings)
    }

    private static func findings(_ conflicts: [Conflict], events: [EventRef]) -> [Finding] {
        conflicts.map { conflict in
            Finding(
                kind: conflict.kind, events: events, conflictsWith: conflict.with, resolution: conflict.resolution,
                detail: ValidationError(type: "cost.incurred", field: conflict.field, reason: conflict.reason).description)
        }
    }

    /// Adds one cost to its line; returns its system's index (for its window).
    private mutating func add(
        system: UnsafeBufferPointer<UInt8>, year: UnsafeBufferPointer<UInt8>, category: UnsafeBufferPointer<UInt8>,
        source: UnsafeBufferPointer<UInt8>, currency: UnsafeBufferPointer<UInt8>, amount: Int64, count: Int64, rules: RuleFacts
    ) throws -> Int {
        let systemIndex = systems.index(system.baseAddress, system.count)
        if systemIndex == windows.count { windows.append(Window(rules.systems[systems.values[systemIndex]])) }
        var key = UInt64(systemIndex) << 32
        key |= UInt64(years.index(year.baseAddress, year.count) & 0xFF) << 24
        key |= UInt64(categories.index(category.baseAddress, category.count) & 0xFF) << 16
        key |= UInt64(sources.index(source.baseAddress, source.count) & 0xFF) << 8
        key |= UInt64(currencies.index(currency.baseAddress, currency.count) & 0xFF)
        guard years.values.count <= 256, categories.values.count <= 256, sources.values.count <= 256, currencies.values.count <= 256
        else { throw DatabaseError(message: "more than 256 distinct years, categories, sources or currencies") }
        let sum = sums[key] ?? (0, 0)
        if Money.exceeds(sum.amount, amount) { saturated.insert(systemIndex) }
        sums[key] = (Money.add(sum.amount, amount), sum.count + count)
        return systemIndex
    }
}
