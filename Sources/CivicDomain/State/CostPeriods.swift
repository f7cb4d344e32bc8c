import Foundation
import GRDB
import GRDBSQLite
import LedgerStore

/// The snapshots replay starts from: every cost held, summed by 30-day period of its recorded time
/// (``CostSums`` per period, in `civic_cost_periods`), up to a mark (the last `civic_costs` row
/// they hold).
///
/// State as of an instant T adds up the periods that end before T's period begins, then reads only
/// the costs of T's own period that the periods hold (through `civic_cost_times`, their recorded
/// times up to the mark) and those stored after the mark that were recorded by T (late events, and
/// any the periods have not caught up with yet, read by rowid). A late event never invalidates a
/// period: sums commute, so it is added when the periods next catch up (``catchUp(_:)``), and until
/// then it is read as one of the costs after the mark. The periods are a cache of the event
/// tables: they may be dropped and rebuilt at any time, and nothing in them is evidence.
///
/// Running totals (`civic_cost_totals`) keep the sum of every period before a period, one every
/// few megabytes of periods, so that state adds one total and the few periods after it instead of
/// every period: a total holds each line once, where the periods hold a line again in each period
/// it has costs in, and it is added in the order it is stored (a system's lines together), where
/// each period's lines land on systems all over the sums. A period rewritten (a late cost)
/// drops every total after it, in the same transaction; the totals are made again one per
/// transaction (``makeTotal(_:every:)``).
enum CostPeriods {
    /// The length of a period, in milliseconds of recorded (HLC wall) time.
    static let length: Int64 = 30 * 86_400_000
    /// The periods catch up when more costs than this were stored after their mark.
    static let catchUpAfter: Int64 = 16_384

    static func period(of wall: Int64) -> Int64 {
        wall >= 0 ? wall / length : -((-wall + length - 1) / length)
    }

    static let schema = """
        CREATE TABLE civic_cost_periods (
            period INTEGER PRIMARY KEY,
            sums BLOB NOT NULL
        );
        CREATE TABLE civic_cost_periods_mark (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            through INTEGER NOT NULL
        );
        INSERT INTO civic_cost_periods_mark(id, through) VALUES (1, 0);
        """

    /// Migration v11 of the civic tables: each period's latest arrival and latest effective date
    /// among its costs, computed for the periods held (one pass over the costs up to the mark).
    /// Every period before the first whose costs do not all pass a state's `knownAt` and
    /// `effectiveOn` bounds serves it (``cut(_:filter:)``).
    static func addBounds(_ db: Database) throws {
        try addBounds(db, arrived: "arrived_max", effective: "effective_max", taking: "max")
    }

    /// Adds two columns of bounds to the periods and fills them for those held: `taking` (`min`
    /// or `max`) of the arrivals and effective dates of each period's costs up to the mark.
    private static func addBounds(_ db: Database, arrived: String, effective: String, taking aggregate: String) throws {
        try db.execute(
            sql: """
                ALTER TABLE civic_cost_periods ADD COLUMN \(arrived) INTEGER;
                ALTER TABLE civic_cost_periods ADD COLUMN \(effective) TEXT;
                """)
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT CASE WHEN hlc_wall >= 0 THEN hlc_wall / :length ELSE -((:length - 1 - hlc_wall) / :length) END AS period,
                \(aggregate)(arrived_ms), \(aggregate)(effective) FROM civic_costs WHERE event_rowid <= :mark GROUP BY period
                """, arguments: ["length": length, "mark": try mark(db)])
        let update = try db.makeStatement(sql: "UPDATE civic_cost_periods SET \(arrived) = ?, \(effective) = ? WHERE period = ?")
        for row in rows { try update.execute(arguments: [row[1], row[2], row[0]]) }
    }

    /// The period the stored sums serve `filter` before: its instant's period, or the first period
    /// holding a cost that arrived after `knownAt` or is in force after `effectiveOn`, whichever is
    /// earlier (nil: every period, for a filter with no instant none of whose periods holds one).
    static func cut(_ db: Database, filter: TimeFilter) throws -> Int64? {
        let cut = filter.asOf.map(period(of:))
        let bounds = filter.bounds
        guard bounds.arrivedBy != nil || bounds.effectiveBy != nil else { return cut }
        let first = try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT min(period) FROM civic_cost_periods WHERE arrived_max IS NULL OR effective_max IS NULL
                    OR (?1 IS NOT NULL AND arrived_max > ?1) OR (?2 IS NOT NULL AND effective_max > ?2)
                    """), arguments: [bounds.arrivedBy, bounds.effectiveBy])
        guard let first else { return cut }
        return min(cut ?? first, first)
    }

    /// The periods after `cut` whose costs all pass `filter` (each with its bounds, and before the
    /// period of the filter's instant), in order: the stored sums serve it whole, beside those
    /// before the cut. A late office's period makes the cut of a state known at any instant after
    /// the office recorded and before it arrived; the periods after it pass whole (none, for a
    /// filter with neither `knownAt` nor `effectiveOn`: its cut is its instant's period).
    static func whole(_ db: Database, filter: TimeFilter, after cut: Int64?) throws -> [Int64] {
        let bounds = filter.bounds
        guard let cut, bounds.arrivedBy != nil || bounds.effectiveBy != nil else { return [] }
        return try Int64.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT period FROM civic_cost_periods WHERE period > ?1 AND (?2 IS NULL OR period < ?2)
                    AND arrived_max IS NOT NULL AND effective_max IS NOT NULL
                    AND (?3 IS NULL OR arrived_max <= ?3) AND (?4 IS NULL OR effective_max <= ?4) ORDER BY period
                    """), arguments: [cut, filter.asOf.map(period(of:)), bounds.arrivedBy, bounds.effectiveBy])
    }

    /// Periods (in order) as runs of consecutive ones, each as the recorded instants it covers.
    static func instants(of periods: [Int64]) -> [ClosedRange<Int64>] {
        var runs: [ClosedRange<Int64>] = []
        for period in periods {
            if let last = runs.last, last.upperBound + 1 == period {
                runs[runs.count - 1] = last.lowerBound...period
            } else {
                runs.append(period...period)
            }
        }
        return runs.map { ($0.lowerBound * length)...($0.upperBound * length + length - 1) }
    }

    /// The costs up to the mark by the instant they were recorded at, filled as the periods catch
    /// up, in key order: an instant's own period is read by it, so no event carries an index of
    /// its time while it is stored (one B-tree less on every append and every received event).
    static let times = RecordedTimes(table: "civic_cost_times", rows: "civic_costs")

    /// `period`: the total holds the sums of every period before it.
    static let totalsSchema = """
        CREATE TABLE civic_cost_totals (
            period INTEGER PRIMARY KEY,
            sums BLOB NOT NULL
        );
        """

    /// A running total is made once the periods after the one before hold this many bytes
    /// (about six periods of a city of 20,000 systems; a total of them all is about 7 MB).
    static let bytesPerTotal: Int64 = 2 << 20

    /// The last `civic_costs` row the periods hold.
    static func mark(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT through FROM civic_cost_periods_mark WHERE id = 1")) ?? 0
    }

    /// How many costs were stored after the mark (an upper bound: rowids, not rows).
    static func behind(_ db: Database) throws -> Int64 {
        let last = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(event_rowid) FROM civic_costs")) ?? 0
        return max(0, last - (try mark(db)))
    }

    /// Migration v13 of the civic tables: each period's earliest arrival and earliest effective
    /// date among its costs, computed for the periods held (one pass over the costs up to the
    /// mark). A period all of whose costs arrived after a state's `knownAt`, or are in force after
    /// its `effectiveOn`, holds none of its costs (``end(_:filter:from:)``).
    static func addLowerBounds(_ db: Database) throws {
        try addBounds(db, arrived: "arrived_min", effective: "effective_min", taking: "min")
    }

    /// The latest instant a cost held by the periods from `cut` on may pass `filter` at, by the
    /// periods' earliest arrivals and effective dates: the end of the last such period none of
    /// whose costs is sure to fail it (nil: no bound but the filter's instant, for a filter
    /// without `knownAt` or `effectiveOn`; before `cut`'s period: none can). A state known at an
    /// instant has no instant of its own, and the costs recorded long after it are all known later.
    static func end(_ db: Database, filter: TimeFilter, from cut: Int64) throws -> Int64? {
        let bounds = filter.bounds
        guard bounds.arrivedBy != nil || bounds.effectiveBy != nil else { return nil }
        let last = try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT max(period) FROM civic_cost_periods WHERE period >= ?3 AND (arrived_min IS NULL OR effective_min IS NULL
                    OR NOT ((?1 IS NOT NULL AND arrived_min > ?1) OR (?2 IS NOT NULL AND effective_min > ?2)))
                    """), arguments: [bounds.arrivedBy, bounds.effectiveBy, cut])
        return (last ?? cut - 1) * length + length - 1
    }

    /// Adds the costs stored after the mark to their periods and moves the mark, in the caller's
    /// write transaction. Reads those costs once; rewrites only the periods they fall in.
    static func catchUp(_ db: Database) throws {
        let mark = try mark(db)
        guard let last = try Int64.fetchOne(db, sql: "SELECT max(event_rowid) FROM civic_costs"), last > mark else { return }
        /// A period being rewritten: its sums, and the latest and earliest arrival and effective
        /// date among its costs (none kept for a period stored without them, none since migrations
        /// v11 and v13: it serves no such filter, and is never skipped).
        struct Touched {
            var sums = CostSums(keepsSpans: true)
            var bounded = true
            var arrived = Int64.min
            var effective = ""
            var arrivedMin = Int64.max
            var effectiveMin: String?

            /// Adds the cost of the statement's current row.
            mutating func add(_ handle: OpaquePointer?) throws {
                let text = { CostPeriods.text(handle, $0) }
                let (wall, effective) = (sqlite3_column_int64(handle, 6), text(1))
                _ = try sums.add(
                    system: text(0), effective: effective, category: text(2), source: text(3), currency: text(4),
                    amount: sqlite3_column_int64(handle, 5), wall: wall, logical: sqlite3_column_int64(handle, 7))
                let arrival = sqlite3_column_int64(handle, 8)
                (arrived, arrivedMin) = (max(arrived, arrival), min(arrivedMin, arrival))
                if self.effective.utf8.lexicographicallyPrecedes(effective) { self.effective = String(decoding: effective, as: UTF8.self) }
                if effectiveMin.map({ effective.lexicographicallyPrecedes($0.utf8) }) ?? true {
                    effectiveMin = String(decoding: effective, as: UTF8.self)
                }
            }
        }
        var touched: [Int64: Touched] = [:]
        let statement = try db.makeStatement(
            sql: """
                SELECT system, effective, category, source, currency, amount, hlc_wall, hlc_logical, arrived_ms FROM civic_costs
                WHERE event_rowid > ? AND event_rowid <= ?
                """)
        try statement.setArguments([mark, last])
        let handle = statement.sqliteStatement
        let load = try db.cachedStatement(
            sql: "SELECT sums, arrived_max, effective_max, arrived_min, effective_min FROM civic_cost_periods WHERE period = ?")
        while true {
            let step = sqlite3_step(handle)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: step), message: "summing costs by period") }
            let period = period(of: sqlite3_column_int64(handle, 6))
            if touched[period] == nil {
                var held = Touched()
                if let stored = try Row.fetchOne(load, arguments: [period]) {
                    try (stored[0] as Data).withUnsafeBytes { try held.sums.merge($0.bindMemory(to: UInt8.self)) }
                    if let arrived = stored[1] as Int64?, let effective = stored[2] as String?, let arrivedMin = stored[3] as Int64?,
                        let effectiveMin = stored[4] as String?
                    {
                        (held.arrived, held.effective, held.arrivedMin, held.effectiveMin) = (arrived, effective, arrivedMin, effectiveMin)
                    } else {
                        held.bounded = false
                    }
                }
                touched[period] = held
            }
            try touched[period]!.add(handle)
        }
        let store = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO civic_cost_periods(period, sums, arrived_max, effective_max, arrived_min, effective_min)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
        for (period, held) in touched {
            try store.execute(
                arguments: [
                    period, Data(held.sums.encoded()), held.bounded ? held.arrived : nil, held.bounded ? held.effective : nil,
                    held.bounded ? held.arrivedMin : nil, held.bounded ? held.effectiveMin : nil,
                ])
        }
        // A total after a rewritten period no longer holds its sum.
        if let earliest = touched.keys.min() { try db.execute(sql: "DELETE FROM civic_cost_totals WHERE period > ?", arguments: [earliest]) }
        try times.index(db, after: mark, through: last)
        try db.execute(sql: "UPDATE civic_cost_periods_mark SET through = ? WHERE id = 1", arguments: [last])
    }

    /// Drops every period, total and time and sums every cost again.
    static func rebuild(_ db: Database) throws {
        try db.execute(
            sql: """
                DELETE FROM civic_cost_periods; DELETE FROM civic_cost_totals; DELETE FROM civic_cost_times;
                UPDATE civic_cost_periods_mark SET through = 0 WHERE id = 1;
                """)
        try catchUp(db)
    }

    /// The period the next running total is due before (it holds every period before it), if one
    /// is: the periods after the latest total hold at least `every` bytes, without counting the
    /// newest period (still filling, and the one late costs most often land in).
    static func totalDue(_ db: Database, every: Int64 = bytesPerTotal) throws -> Int64? {
        let latest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(period) FROM civic_cost_totals")) ?? Int64.min
        let periods = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT period, length(sums) FROM civic_cost_periods WHERE period >= ? ORDER BY period"), arguments: [latest])
        var bytes: Int64 = 0
        for row in periods.dropLast() {
            bytes += row[1] as Int64
            if bytes >= every { return row[0] as Int64 + 1 }
        }
        return nil
    }

    /// Makes the next running total that is due (``totalDue(_:every:)``), from the total before it
    /// and the periods after that, in the caller's write transaction.
    ///
    /// - Returns: whether one was made (another may be due).
    static func makeTotal(_ db: Database, every: Int64 = bytesPerTotal) throws -> Bool {
        guard let period = try totalDue(db, every: every) else { return false }
        let sums = try sum(try stored(db, before: period).blobs)
        try db.execute(sql: "INSERT OR REPLACE INTO civic_cost_totals(period, sums) VALUES (?, ?)", arguments: [period, Data(sums.encoded())])
        return true
    }

    /// The periods that end before `period` (all of them when nil) and the periods `whole`, summed,
    /// with the mark they hold to.
    static func sums(_ db: Database, before period: Int64?, whole: [Int64] = []) throws -> (sums: CostSums, mark: Int64) {
        let (blobs, mark) = try stored(db, before: period, whole: whole)
        return (try sum(blobs), mark)
    }

    /// The stored sums that add up to the periods that end before `period` (all of them when nil),
    /// as the caller's transaction reads them: the latest running total at or before it, then the
    /// periods after that total; then the periods `whole` (after `period`, in order); with the
    /// mark they hold to.
    static func stored(_ db: Database, before period: Int64?, whole: [Int64] = []) throws -> (blobs: [Data], mark: Int64) {
        let cut = period ?? Int64.max
        let total = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT period, sums FROM civic_cost_totals WHERE period <= ? ORDER BY period DESC LIMIT 1"), arguments: [cut])
        var blobs = try Data.fetchAll(
            db.cachedStatement(sql: "SELECT sums FROM civic_cost_periods WHERE period >= ? AND period < ? ORDER BY period"),
            arguments: [total.map { $0[0] as Int64 } ?? Int64.min, cut])
        if let first = whole.first, let last = whole.last {
            let wanted = Set(whole)
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT period, sums FROM civic_cost_periods WHERE period >= ? AND period <= ? ORDER BY period"),
                arguments: [first, last])
            while let row = try rows.next() {
                if wanted.contains(row[0]) { blobs.append(row[1]) }
            }
        }
        return ((total.map { [$0[1] as Data] } ?? []) + blobs, try mark(db))
    }

    /// Stored periods (``stored(_:before:)``) summed.
    static func sum(_ blobs: [Data]) throws -> CostSums {
        var sums = CostSums()
        for blob in blobs { try blob.withUnsafeBytes { try sums.merge($0.bindMemory(to: UInt8.self)) } }
        return sums
    }

    /// The periods before a state's cut (``cut(_:filter:)``), read in the caller's transaction and
    /// summed on another thread while that transaction goes on (folding the facts): the two halves
    /// of state use the two cores of a small machine, and both see the same ledger; with them, the
    /// periods after the cut that pass whole (``whole(_:filter:after:)``).
    struct Pending: Sendable {
        /// The period whose predecessors are summed (nil: every period).
        let before: Int64?
        /// The periods after it summed too.
        let whole: [Int64]
        let mark: Int64
        private let thread: JoinableThread<Result<CostSums, any Error>>

        /// Sums the periods that serve `filter`: those before its cut, and those after it that pass whole.
        init(_ db: Database, filter: TimeFilter) throws {
            let before = try CostPeriods.cut(db, filter: filter)
            let whole = try CostPeriods.whole(db, filter: filter, after: before)
            (self.before, self.whole) = (before, whole)
            let (blobs, mark) = try CostPeriods.stored(db, before: before, whole: whole)
            self.mark = mark
            thread = JoinableThread(name: "civic-cost-periods") {
                ReadingMemory.prepareThisThread(bytes: 32 << 20)
                return Result { try CostPeriods.sum(blobs) }
            }
        }

        /// Waits for the sum.
        func sums() throws -> CostSums {
            guard let result = thread.join() else { throw CostSums.Failure(description: "the cost periods' sum did not finish") }
            return try result.get()
        }
    }

    /// Column `column` of the current row as bytes (sqlite3_column_text before sqlite3_column_bytes, as SQLite documents).
    static func text(_ handle: OpaquePointer?, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
        let pointer = sqlite3_column_text(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        return UnsafeBufferPointer(start: pointer, count: pointer == nil ? 0 : count)
    }
}
