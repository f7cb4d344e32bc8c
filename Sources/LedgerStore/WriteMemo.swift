import Foundation
import GRDB
import LedgerCore

/// What this store's last committed append left in the ledger, kept so that the next append does
/// not read it again: the office's head and keys, the node's clock, the last event, the id mark,
/// the ids stored after it and where the office's events run.
///
/// It holds only while nothing else has written the ledger since. Two counters of the writer
/// connection tell: `PRAGMA data_version` changes when another connection (another process, or
/// another store on the same file) commits, and `sqlite3_total_changes64` counts every row this
/// connection has inserted, updated or deleted, committed or rolled back (a receipt, a setting, a
/// derived table, an append that failed). An append takes the memo when it begins and keeps a new
/// one only once its transaction has committed, so a failed one leaves none; a memo kept late by a
/// concurrent append carries counters that no longer match.
final class WriteMemo: @unchecked Sendable {
    struct Contents {
        /// The writer's `data_version` when the append began, and its changes when it ended.
        let version: Int64
        let changes: Int64
        let head: OfficeHead
        let keys: KeyHistory?
        /// The node's clock after the append (``LedgerStore/nodeClock(_:)``).
        let clock: HLCTimestamp
        /// The append's last event: its rowid and id.
        let last: (rowid: Int64, id: Hash)
        /// The id mark (``EventIDs``) after the append.
        let settled: Int64
        /// The ids of the last events stored after the mark, in the order stored, through `last`
        /// (``EventInsert/unsettled``): the settling that next needs them does not read them back.
        var unsettled: [EventIDs.Entry]
        /// The office's run tail after the append (``EventRuns``): its next seq and last run.
        let runs: EventRuns.Tail?
    }

    /// The counters a transaction compares with the memo's.
    struct Counters {
        let version: Int64
        let changes: Int64

        /// Read inside a write transaction, before it writes anything. The pragma is stepped
        /// through the C API (``FastStatement``): a GRDB fetch was 3 % of a transaction of one event.
        init(_ db: Database) throws {
            guard let version = try FastStatement(db, sql: "PRAGMA data_version").int64() else {
                throw DatabaseError(resultCode: .SQLITE_ERROR, message: "PRAGMA data_version returned no row")
            }
            self.version = version
            changes = Int64(db.totalChangesCount)
        }
    }

    private let lock = NSLock()
    private var contents: Contents?

    /// The memo, if the ledger is still as the last append left it; the memo is forgotten either way.
    func take(_ counters: Counters) -> Contents? {
        lock.withLock {
            defer { contents = nil }
            guard let contents, contents.version == counters.version, contents.changes == counters.changes else { return nil }
            return contents
        }
    }

    /// Keeps what a committed append left.
    func keep(_ kept: Contents) {
        lock.withLock { contents = kept }
    }
}
