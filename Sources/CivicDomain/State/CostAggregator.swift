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
    /// What a system's costs are checked against: only what the checks read, read from the
    /// system in place (a window is made for each of a city's systems at every state, and a copy
    /// of each system touched every text and dictionary it holds).
    private struct Window {
        /// Whether the system is procured under the filter.
        let known: Bool
        let procured: (wall: Int64, logical: Int64)
        let retired: (wall: Int64, logical: Int64)?
        /// A currency code and a date: short enough to be held in the string itself.
        let currency: String
        let procuredOn: String

        static let unknown = Window()

        private init() {
            (known, procured, retired, currency, procuredOn) = (false, (0, 0), nil, "", "")
        }

        init(_ system: borrowing RuleFacts.System) {
            known = true
            procured = (system.procuredBy.key.hlc.wall, system.procuredBy.key.hlc.logical)
            retired = system.retiredBy.map { ($0.key.hlc.wall, $0.key.hlc.logical) }
            currency = system.currency.code
            procuredOn = system.procuredOn
        }

        /// Whether a cost may conflict (a tie in HLC with the procurement or retirement included):
        /// the exact check runs on the few that may.
        func mayConflict(wall: Int64, logical: Int64, currency: UnsafeBufferPointer<UInt8>, effective: UnsafeBufferPointer<UInt8>) -> Bool {
            guard known else { return true }
            if (wall, logical) <= procured { return true }
            if let retired, (wall, logical) >= retired { return true }
            if !currency.elementsEqual(self.currency.utf8) { return true }
            return effective.lexicographicallyPrecedes(procuredOn.utf8)
        }

        /// Whether any cost of a period's span may conflict (its currencies are checked by line).
        func mayConflict(_ span: CostSums.Span, earliestEffective: String) -> Bool {
            guard known else { return true }
            if span.first <= procured { return true }
            if let retired, span.last >= retired { return true }
            return earliestEffective.utf8.lexicographicallyPrecedes(procuredOn.utf8)
        }
    }

    private let rules: RuleFacts
    private var table = CostSums()
    private var windows: [Window] = []
    /// Costs passing the filter, replaced or not.
    private var read: Int64 = 0
    private var suspects: [Int64] = []

    private init(rules: RuleFacts) {
        self.rules = rules
    }

    /// The cost lines under `filter` (in order of system, year, category, source, currency), the
    /// findings of the costs that conflict with their systems, and how many costs pass the filter.
    ///
    /// Starts from the snapshots (``CostPeriods``) that serve the filter (``CostPeriods/cut(_:filter:)``)
    /// and reads only the costs they do not hold that pass it.
    ///
    /// - Parameters:
    ///   - rules: the facts folded under the same filter (every system's procurement and retirement).
    ///   - replacements: the corrections that apply to costs.
    ///   - periods: false reads every cost (what the snapshots are tested against).
    ///   - pending: the periods' sum, started by the caller in this transaction for `filter`.
    static func aggregate(
        _ db: Database, filter: TimeFilter, rules: RuleFacts, replacements: [LedgerFacts.CostReplacement], revoked: RevokedRanges = RevokedRanges(),
        periods: Bool = true, pending: CostPeriods.Pending? = nil
    ) throws -> (lines: CostLines, findings: [Finding], events: Int64) {
        var replaced = Set(replacements.map(\.targetRowid))
        var findings: [Finding] = []
        // Costs only a revoked key vouched for are not counted: each is a finding instead.
        for (office, ranges) in revoked.byOffice.sorted(by: { $0.key < $1.key }) {
            for range in ranges {
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT c.event_rowid, e.seq, e.id, e.hlc_wall, e.hlc_logical, e.type
                        FROM \(EventRuns.from(joining: "CROSS JOIN civic_costs c ON c.event_rowid = e.rowid"))
                        AND \(filter.sql(prefix: "c.").0) ORDER BY r.first_seq, e.rowid
                        """,
                    arguments: [office, Int64(range.lowerBound) - 1, Int64(min(range.upperBound, UInt64(Int64.max)))] + filter.sql(prefix: "c.").1)
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
        var aggregator = CostAggregator(rules: rules)
        let started = try periods && aggregator.startFromPeriods(db, filter: filter, replaced: replaced, pending: pending)
        if !started {
            aggregator = CostAggregator(rules: rules)
            let (condition, arguments) = filter.sql(prefix: "")
            try aggregator.scan(
                db, sql: "SELECT \(columns) FROM civic_costs WHERE \(condition)", arguments: arguments, replaced: replaced)
        }
        let events = aggregator.read
        for rowid in aggregator.suspects {
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
            let hlc = replacement.target.key.hlc
            try Array(cost.system.utf8).withUnsafeBufferPointer { system in
                try Array(replacement.targetEffective.utf8).withUnsafeBufferPointer { effective in
                    try Array(cost.category.rawValue.utf8).withUnsafeBufferPointer { category in
                        try Array(cost.source.rawValue.utf8).withUnsafeBufferPointer { source in
                            try Array(cost.currency.code.utf8).withUnsafeBufferPointer { currency in
                                _ = try aggregator.table.add(
                                    system: system, effective: effective, category: category, source: source, currency: currency, amount: cost.amount,
                                    wall: hlc.wall, logical: hlc.logical)
                            }
                        }
                    }
                }
            }
            findings += Self.findings(
                rules.costConflicts(system: cost.system, currency: cost.currency, effective: replacement.targetEffective, at: replacement.target.key),
                events: [replacement.target, replacement.correction])
        }
        let table = aggregator.table
        findings += table.saturated.sorted().map { index in
            let system = table.systems.values[index]
            return Finding(
                kind: .totalOutOfRange, events: [], resolution: .counted,
                detail: "the costs of \"\(system)\" add up past \(Money.limit) minor units, the largest figure a total holds: its totals are cut there")
        }
        return (Self.ordered(table), findings, events)
    }

    /// The lines of `table` in order of (system, year, category, source, currency). Each field's
    /// distinct texts are ranked once; the systems are put in order, then each system's few lines
    /// by the ranks of their other fields: half a million lines are ordered in sorts of a few
    /// dozen each, without comparing a string, and kept packed (``CostLines``).
    static func ordered(_ table: CostSums) -> CostLines {
        func ranks(_ values: [String]) -> [UInt32] {
            var ranks = [UInt32](repeating: 0, count: values.count)
            for (rank, index) in values.indices.sorted(by: { values[$0] < values[$1] }).enumerated() { ranks[index] = UInt32(rank) }
            return ranks
        }
        let texts = CostLines.Texts(
            systems: table.systems.values, years: table.years.values, categories: table.categories.values, sources: table.sources.values,
            currencies: table.currencies.values)
        let (yearRanks, categoryRanks, sourceRanks, currencyRanks) = (
            ranks(texts.years), ranks(texts.categories), ranks(texts.sources), ranks(texts.currencies)
        )
        var lines: [CostLines.Packed] = []
        lines.reserveCapacity(table.sums.held)
        var held: [(rank: UInt32, line: CostLines.Packed)] = []
        let interned = table.systems
        for system in texts.systems.indices.sorted(by: { interned.precedes($0, $1) }) {
            held.removeAll(keepingCapacity: true)
            table.sums.forEachLine(of: system) { rest, amount, count in
                let rank = yearRanks[Int(rest >> 24)] << 24 | categoryRanks[Int(rest >> 16 & 0xFF)] << 16
                    | sourceRanks[Int(rest >> 8 & 0xFF)] << 8 | currencyRanks[Int(rest & 0xFF)]
                held.append((rank, CostLines.Packed(system: UInt32(system), rest: rest, amount: amount, count: count)))
            }
            held.sort { $0.rank < $1.rank }
            for line in held { lines.append(line.line) }
        }
        return CostLines(texts: texts, packed: lines)
    }

    /// The columns ``scan(_:sql:arguments:replaced:only:)`` reads, in its order.
    private static let columns = "event_rowid, system, effective, category, source, currency, amount, hlc_wall, hlc_logical"

    /// ``columns`` of `civic_costs` aliased `c`.
    private static let prefixedColumns = columns.split(separator: ",").map { "c." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    /// The costs the periods hold from the cut's period on: recorded from the period's start to an
    /// instant (the first two arguments) and stored by the periods' mark (the third), found by
    /// their times (`civic_cost_times`).
    static let heldFrom = """
        SELECT \(prefixedColumns) FROM civic_cost_times t CROSS JOIN civic_costs c ON c.event_rowid = t.event_rowid
        WHERE t.hlc_wall >= ? AND t.hlc_wall <= ? AND t.event_rowid <= ?
        """

    /// Makes the windows of every system the sums know so far (read in place: a copy per cost costs).
    private mutating func extendWindows() {
        let systems = rules.systems
        while windows.count < table.systems.values.count {
            let index = systems.index(forKey: table.systems.values[windows.count])
            windows.append(index.map { Window(systems.values[$0]) } ?? .unknown)
        }
    }

    /// The window of a system, by its index in the sums.
    private mutating func window(_ index: Int) -> Window {
        extendWindows()
        return windows[index]
    }

    /// Adds the costs a statement selects (``columns``, prefixed or not), skipping those replaced,
    /// and notes those that may conflict. With `only`, the costs are already counted: only those of
    /// these systems are looked at, for conflicts.
    private mutating func scan(
        _ db: Database, sql: String, arguments: StatementArguments, replaced: Set<Int64>, only systems: [[UInt8]: Int]? = nil
    ) throws {
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        while true {
            let step = sqlite3_step(handle)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: step), message: "aggregating costs") }
            let rowid = sqlite3_column_int64(handle, 0)
            if systems == nil { read += 1 }
            if replaced.contains(rowid) { continue }
            let system = CostPeriods.text(handle, 1)
            let effective = CostPeriods.text(handle, 2)
            let currency = CostPeriods.text(handle, 5)
            let wall = sqlite3_column_int64(handle, 7)
            let logical = sqlite3_column_int64(handle, 8)
            let index: Int
            if let systems {
                guard let known = systems[Array(system)] else { continue }
                index = known
            } else {
                index = try table.add(
                    system: system, effective: effective, category: CostPeriods.text(handle, 3), source: CostPeriods.text(handle, 4),
                    currency: currency, amount: sqlite3_column_int64(handle, 6), wall: wall, logical: logical)
            }
            if index >= windows.count { extendWindows() }
            if windows[index].mayConflict(wall: wall, logical: logical, currency: currency, effective: effective) { suspects.append(rowid) }
        }
    }

    /// Starts from the periods before `asOf`'s own (every period without it), takes out the costs
    /// they hold that are replaced, and adds the costs they do not hold.
    ///
    /// - Returns: false when a replaced cost cannot be taken out exactly (its line is saturated):
    ///   the caller reads every cost instead.
    private mutating func startFromPeriods(_ db: Database, filter: TimeFilter, replaced: Set<Int64>, pending: CostPeriods.Pending?) throws -> Bool {
        // The caller's pending sum was started for this filter, in this transaction: the periods
        // before its cut, and those after it that pass whole.
        let cut = try pending.map(\.before) ?? CostPeriods.cut(db, filter: filter)
        let whole = try pending.map(\.whole) ?? CostPeriods.whole(db, filter: filter, after: cut)
        let start = cut.map { $0 * CostPeriods.length }
        let (sums, mark) = try pending.map { (try $0.sums(), $0.mark) } ?? CostPeriods.sums(db, before: cut, whole: whole)
        table = sums
        read = sums.events
        let summedAfter = Set(whole)
        // Held by a period summed: stored by the mark, recorded before the cut's period or in a period after it that passes whole.
        func held(_ rowid: Int64, wall: Int64) -> Bool {
            rowid <= mark && (start.map { wall < $0 || summedAfter.contains(CostPeriods.period(of: wall)) } ?? true)
        }
        for rowid in replaced.sorted() {
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT system, effective, category, source, currency, amount, hlc_wall FROM civic_costs WHERE event_rowid = ?"),
                arguments: [rowid]), held(rowid, wall: row["hlc_wall"])
            else { continue }
            guard table.remove(
                system: row["system"], effective: row["effective"], category: row["category"], source: row["source"], currency: row["currency"],
                amount: row["amount"])
            else { return false }
        }
        // What the periods hold of each system, for the conflict checks below.
        let spans = table.spans
        var mixedCurrencies = Set<Int>()
        let currencies = table.currencies.values
        extendWindows()
        // Each system's contract currency by its number among the sums' currencies (-1: none of them).
        let contract = windows.map { window in currencies.firstIndex(of: window.currency) ?? -1 }
        table.sums.forEachLine { key, _, _ in
            let system = CostSums.system(of: key)
            if contract[system] != CostSums.currency(of: key) { mixedCurrencies.insert(system) }
        }
        // The costs the periods do not add up that pass the filter: those from the cut's period on
        // that the periods hold, found by their recorded times, and those stored after the mark
        // (late events, and any the periods have not caught up with).
        let (condition, arguments) = filter.sql(prefix: "c.")
        // Up to the filter's instant, and the last period whose costs do not all fail its arrival
        // and effective bounds (the periods after it hold none that pass; before the cut: none does).
        if let start, let cut, case let end = min(filter.asOf ?? Int64.max, try CostPeriods.end(db, filter: filter, from: cut) ?? Int64.max),
            end >= start
        {
            // The instants from the cut to the end outside the periods summed whole.
            let last = CostPeriods.period(of: end)
            var ranges: [ClosedRange<Int64>] = []
            var next = cut
            for period in whole where period <= last {
                if period > next { ranges.append((next * CostPeriods.length)...(period * CostPeriods.length - 1)) }
                next = period + 1
            }
            if next <= last { ranges.append((next * CostPeriods.length)...end) }
            // By their times when they are few (an instant's own period); in storage order when
            // the periods they lie in are more than a quarter of them (a date long before the
            // latest arrival, or in force long ago): a look-up a cost costs more than reading past it.
            let periods = try Row.fetchOne(
                db, sql: "SELECT count(*), count(*) FILTER (WHERE period >= ? AND period <= ?) FROM civic_cost_periods", arguments: [cut, last])
            let (all, from) = (periods?[0] as Int? ?? 0, (periods?[1] as Int? ?? 0) - whole.count { $0 <= last })
            if from * 4 > all {
                let (within, instants) = Self.within(ranges, column: "c.hlc_wall")
                try scan(
                    db, sql: "SELECT \(Self.prefixedColumns) FROM civic_costs c WHERE c.event_rowid <= ? AND \(within) AND \(condition)",
                    arguments: [mark] + instants + arguments, replaced: replaced)
            } else {
                for range in ranges {
                    try scan(
                        db, sql: Self.heldFrom + " AND " + condition, arguments: [range.lowerBound, range.upperBound, mark] + arguments,
                        replaced: replaced)
                }
            }
        }
        try scan(
            db, sql: "SELECT \(Self.prefixedColumns) FROM civic_costs c WHERE c.event_rowid > ? AND \(condition)", arguments: [mark] + arguments,
            replaced: replaced)
        // A system whose held costs may conflict has them read one by one (one pass over what the periods hold).
        var suspectSystems: [[UInt8]: Int] = [:]
        for case (let system, let span?) in spans.enumerated()
        where mixedCurrencies.contains(system) || window(system).mayConflict(span, earliestEffective: table.dates.values[span.earliestEffective]) {
            suspectSystems[Array(table.systems.values[system].utf8)] = system
        }
        if !suspectSystems.isEmpty {
            var bound = ""
            var instants: StatementArguments = []
            if let start {
                let (within, arguments) = Self.within([Int64.min...(start - 1)] + CostPeriods.instants(of: whole), column: "hlc_wall")
                (bound, instants) = (" AND " + within, arguments)
            }
            try scan(
                db, sql: "SELECT \(Self.columns) FROM civic_costs WHERE event_rowid <= ?\(bound)", arguments: [mark] + instants, replaced: replaced,
                only: suspectSystems)
        }
        return true
    }

    /// An SQL condition that `column` lies in one of `ranges` (none: false), and its arguments.
    private static func within(_ ranges: [ClosedRange<Int64>], column: String) -> (String, StatementArguments) {
        guard !ranges.isEmpty else { return ("0", []) }
        let condition = ranges.map { _ in "\(column) BETWEEN ? AND ?" }.joined(separator: " OR ")
        return ("(\(condition))", StatementArguments(ranges.flatMap { [$0.lowerBound, $0.upperBound] }))
    }

    private static func findings(_ conflicts: [Conflict], events: [EventRef]) -> [Finding] {
        conflicts.map { conflict in
            Finding(
                kind: conflict.kind, events: events, conflictsWith: conflict.with, resolution: conflict.resolution,
                detail: ValidationError(type: "cost.incurred", field: conflict.field, reason: conflict.reason).description)
        }
    }
}
