import Foundation
import GRDB
import GRDBSQLite
import LedgerStore

/// The snapshots replay starts from: every cost held, summed by 30-day period of its recorded time
/// (``CostSums`` per period, in `civic_cost_periods`), up to a mark (the last `civic_costs` row
/// they hold).
///
/// State as of an instant T adds up the periods that end before T's period begins, then reads only
/// the costs of T's own period (through the citywide-order index) and those stored after the mark
/// that were recorded before it (late events, read by rowid). A late event never invalidates a
/// period: sums commute, so it is added when the periods next catch up (``catchUp(_:)``), and until
/// then it is read as one of the costs after the mark. The periods are a cache of the event
/// tables: they may be dropped and rebuilt at any time, and nothing in them is evidence.
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

    /// The last `civic_costs` row the periods hold.
    static func mark(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT through FROM civic_cost_periods_mark WHERE id = 1")) ?? 0
    }

    /// How many costs were stored after the mark (an upper bound: rowids, not rows).
    static func behind(_ db: Database) throws -> Int64 {
        let last = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(event_rowid) FROM civic_costs")) ?? 0
        return max(0, last - (try mark(db)))
    }

    /// Adds the costs stored after the mark to their periods and moves the mark, in the caller's
    /// write transaction. Reads those costs once; rewrites only the periods they fall in.
    static func catchUp(_ db: Database) throws {
        let mark = try mark(db)
        guard let last = try Int64.fetchOne(db, sql: "SELECT max(event_rowid) FROM civic_costs"), last > mark else { return }
        var touched: [Int64: CostSums] = [:]
        let statement = try db.makeStatement(
            sql: """
                SELECT system, effective, category, source, currency, amount, hlc_wall, hlc_logical FROM civic_costs
                WHERE event_rowid > ? AND event_rowid <= ?
                """)
        try statement.setArguments([mark, last])
        let handle = statement.sqliteStatement
        let load = try db.cachedStatement(sql: "SELECT sums FROM civic_cost_periods WHERE period = ?")
        while true {
            let step = sqlite3_step(handle)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: step), message: "summing costs by period") }
            let wall = sqlite3_column_int64(handle, 6)
            let period = period(of: wall)
            if touched[period] == nil {
                var sums = CostSums(keepsSpans: true)
                if let stored = try Data.fetchOne(load, arguments: [period]) {
                    try stored.withUnsafeBytes { try sums.merge($0.bindMemory(to: UInt8.self)) }
                }
                touched[period] = sums
            }
            _ = try touched[period]!.add(
                system: text(handle, 0), effective: text(handle, 1), category: text(handle, 2), source: text(handle, 3), currency: text(handle, 4),
                amount: sqlite3_column_int64(handle, 5), wall: wall, logical: sqlite3_column_int64(handle, 7))
        }
        let store = try db.cachedStatement(sql: "INSERT OR REPLACE INTO civic_cost_periods(period, sums) VALUES (?, ?)")
        for (period, sums) in touched { try store.execute(arguments: [period, Data(sums.encoded())]) }
        try db.execute(sql: "UPDATE civic_cost_periods_mark SET through = ? WHERE id = 1", arguments: [last])
    }

    /// Drops every period and sums every cost again.
    static func rebuild(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM civic_cost_periods; UPDATE civic_cost_periods_mark SET through = 0 WHERE id = 1")
        try catchUp(db)
    }

    /// The periods that end before `period` (all of them when nil), summed, with the mark they hold to.
    static func sums(_ db: Database, before period: Int64?) throws -> (sums: CostSums, mark: Int64) {
        let (blobs, mark) = try stored(db, before: period)
        return (try sum(blobs), mark)
    }

    /// The stored sums of the periods that end before `period` (all of them when nil), as the
    /// caller's transaction reads them, with the mark they hold to.
    static func stored(_ db: Database, before period: Int64?) throws -> (blobs: [Data], mark: Int64) {
        let blobs = try Data.fetchAll(
            db.cachedStatement(sql: "SELECT sums FROM civic_cost_periods WHERE period < ? ORDER BY period"), arguments: [period ?? Int64.max])
        return (blobs, try mark(db))
    }

    /// Stored periods (``stored(_:before:)``) summed.
    static func sum(_ blobs: [Data]) throws -> CostSums {
        var sums = CostSums()
        for blob in blobs { try blob.withUnsafeBytes { try sums.merge($0.bindMemory(to: UInt8.self)) } }
        return sums
    }

    /// The periods before an instant's own, read in the caller's transaction and summed on another
    /// thread while that transaction goes on (folding the facts): the two halves of state use the
    /// two cores of a small machine, and both see the same ledger.
    struct Pending: Sendable {
        /// The period whose predecessors are summed (nil: every period).
        let before: Int64?
        let mark: Int64
        private let thread: JoinableThread<Result<CostSums, any Error>>

        init(_ db: Database, asOf: Int64?) throws {
            before = asOf.map(CostPeriods.period(of:))
            let (blobs, mark) = try CostPeriods.stored(db, before: before)
            self.mark = mark
            thread = JoinableThread(name: "civic-cost-periods") { Result { try CostPeriods.sum(blobs) } }
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
