import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Copies a pool's WAL into the database file on a connection of its own, beside the writer, so a
/// write transaction's commit does not wait for the copy.
///
/// SQLite's automatic checkpoint runs in the commit that takes the WAL past 1,000 pages: that
/// commit copies every page written since the last one into the database file (a transaction of
/// 10,000 events spent about a quarter of its writer's time there). Here the writer's commit only
/// notes the WAL's size (a WAL hook, which takes the automatic checkpoint's place):
///
/// - when the WAL has grown by 250 pages since the thread was last woken, a passive checkpoint
///   runs on this checkpointer's own connection and thread, while the writer goes on (it copies
///   what no reader still needs; a reader's snapshot may keep back the rest until the next one).
///   Woken every 1,000 pages, it left the writer up to 1,000 pages to copy at the restart below,
///   and about one transaction of 100 events in 150 took 20 – 80 ms; woken every 250, two of
///   2,000 such transactions took over 10 ms (the slowest 26 – 47 ms) where 15 – 20 did, for the
///   same rate (the disk writes as much either way);
/// - the WAL starts again from its first page only when a write transaction begins with every page
///   copied, which a busy writer seldom gives a checkpoint running beside it. So a commit that
///   leaves 4,000 pages (16 MB) or more in the WAL copies what is left itself, as the automatic
///   checkpoint would, and the next transaction starts the WAL again. Only what the last few
///   transactions wrote is left by then, so the writer copies a part of what it used to;
/// - a commit of a few pages (fewer than 10: an event or two) does not wake the thread: once it
///   leaves 1,000 pages or more in the WAL it copies them itself, as SQLite's automatic
///   checkpoint does. Such a writer copies a little per commit anyway, and gains nothing from a
///   longer WAL: a WAL file that grows costs every commit's sync the file's new size too. In 2,000
///   transactions of one event each on a new ledger, a WAL let grow to 4,000 pages cost 3 – 27 % of
///   the rate (8 runs), and one of 16,000 pages 38 – 46 % (3 runs); transactions of 100 and 10,000
///   events gained more than that.
///
/// Durability is SQLite's: a transaction is durable once its commit has synced the WAL
/// (`synchronous=FULL`), whichever connection later copies its pages. A checkpoint that cannot
/// copy everything (a reader holds an older snapshot) leaves the rest for the next one.
///
/// Only a pool has one: a single connection (a short `civic` command) keeps SQLite's automatic
/// checkpoint, and its last close copies the WAL anyway.
package final class WALCheckpointer: Sendable {
    /// When the WAL's uncopied pages wake the checkpoint thread, and when a commit copies what is
    /// left itself so that the WAL can start again.
    struct Thresholds: Sendable {
        var wake: Int32 = 250
        var restart: Int32 = 4_000
        /// A commit of fewer pages is a small one.
        var smallCommit: Int32 = 10
        /// A small commit that leaves this many pages in the WAL copies them itself.
        var smallCopy: Int32 = 1_000
    }

    /// What the checkpointer has done, for tests and diagnostics.
    package struct Activity: Sendable, Equatable {
        /// Checkpoints run on the checkpointer's own connection.
        package var beside = 0
        /// Checkpoints a commit ran itself: the WAL had reached ``Thresholds/restart``, or the
        /// commit was a small one past ``Thresholds/smallCopy``.
        package var inCommit = 0
        /// The WAL's pages at the last commit.
        package var walPages: Int32 = 0
        /// Whether a long received range holds the checkpoints back until its answer is out.
        package var held: Bool { holds > 0 }
        /// The ranges holding them (one range's answer may go out while the next is written).
        package var holds = 0
    }

    private struct State {
        var activity = Activity()
        /// The WAL's pages when the thread was last woken (0 since the WAL started again).
        var wokenAt: Int32 = 0
        var running = false
        /// A release came while a checkpoint was running: it runs once more when done.
        var again = false
        var connection: DatabaseQueue?
        var closed = false
    }

    private let path: String
    private let thresholds: Thresholds
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "civic.wal-checkpoint")
    /// The key the WAL hook finds this checkpointer by (``registry``).
    private let key: Int

    private static let registry = Mutex<(next: Int, live: [Int: Entry])>((1, [:]))
    private struct Entry: @unchecked Sendable {
        weak var checkpointer: WALCheckpointer?
    }

    /// Takes the place of `writer`'s automatic checkpoint.
    init(path: String, writer: any DatabaseWriter, thresholds: Thresholds = Thresholds()) {
        self.path = path
        self.thresholds = thresholds
        key = Self.registry.withLock { registry in
            defer { registry.next += 1 }
            return registry.next
        }
        Self.registry.withLock { $0.live[key] = Entry(checkpointer: self) }
        let context = UnsafeMutableRawPointer(bitPattern: key)
        writer.writeWithoutTransaction { db in
            _ = sqlite3_wal_hook(db.sqliteConnection, walHook, context)
        }
    }

    deinit {
        _ = Self.registry.withLock { $0.live.removeValue(forKey: key) }
    }

    package var activity: Activity { state.withLock { $0.activity } }

    /// Called by the WAL hook after each commit of the writer, on the writer's thread.
    static func committed(key: Int, connection: OpaquePointer?, pages: Int32) {
        guard let checkpointer = registry.withLock({ $0.live[key]?.checkpointer }) else {
            // The store is gone while its writer lives on: SQLite's own automatic checkpoint.
            if pages >= Thresholds().smallCopy { sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil) }
            return
        }
        checkpointer.committed(connection, pages: pages)
    }

    private enum Action { case none, wake, copy }

    private func committed(_ connection: OpaquePointer?, pages: Int32) {
        let action: Action = state.withLock { state in
            // Fewer pages than at the last commit: the WAL started again.
            let restarted = pages < state.activity.walPages
            let written = restarted ? pages : pages - state.activity.walPages
            if restarted { state.wokenAt = 0 }
            state.activity.walPages = pages
            guard !state.activity.held, !state.closed else { return .none }
            if pages >= thresholds.restart { return .copy }
            if written < thresholds.smallCommit { return pages >= thresholds.smallCopy ? .copy : .none }
            guard !state.running, pages - state.wokenAt >= thresholds.wake else { return .none }
            (state.running, state.wokenAt) = (true, pages)
            return .wake
        }
        switch action {
        case .none: break
        case .wake: queue.async { self.checkpointBeside() }
        case .copy:
            // Busy while the checkpoint beside holds its lock: the next commit tries again.
            if sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil) == SQLITE_OK {
                state.withLock { $0.activity.inCommit += 1 }
            }
        }
    }

    /// A passive checkpoint on the checkpointer's connection (opened at the first one).
    private func checkpointBeside() {
        var code = SQLITE_ERROR
        // Only this queue opens the connection, and `close()` waits for it: no lock is held while
        // it opens.
        var connection = state.withLock { $0.closed ? nil : $0.connection }
        if connection == nil, !state.withLock({ $0.closed }) {
            connection = try? Self.connect(path)
            state.withLock { $0.connection = connection }
        }
        // A checkpoint that fails leaves its pages to the next one, and to the writer's own.
        connection?.writeWithoutTransaction { db in
            code = sqlite3_wal_checkpoint_v2(db.sqliteConnection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        }
        let again = state.withLock { state in
            if code == SQLITE_OK { state.activity.beside += 1 }
            (state.running, state.again) = (state.again && !state.closed, false)
            return state.running
        }
        if again { queue.async { self.checkpointBeside() } }
    }

    private static func connect(_ path: String) throws -> DatabaseQueue {
        let connection = try DatabaseQueue(path: path, configuration: LedgerStore.configuration())
        try connection.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return connection
    }

    /// Holds checkpoints back (a long received range, until its answer is out): its commit neither
    /// copies nor wakes the thread.
    func hold() { state.withLock { $0.activity.holds += 1 } }

    /// Ends a ``hold()``, and copies what is in the WAL beside the writer (once more after the
    /// checkpoint running, if one is: it may have started before the range's commit).
    func release() {
        let wake = state.withLock { state in
            state.activity.holds = max(0, state.activity.holds - 1)
            guard !state.closed else { return false }
            guard !state.running else {
                state.again = true
                return false
            }
            state.running = true
            return true
        }
        if wake { queue.async { self.checkpointBeside() } }
    }

    /// Waits for a checkpoint that is running beside the writer.
    package func waitForCheckpoint() { queue.sync {} }

    /// Stops checkpointing and closes the connection, after any checkpoint running.
    func close() throws {
        state.withLock { $0.closed = true }
        queue.sync {}
        // Closed outside the lock: the writer's commits take it.
        let connection = state.withLock { state in
            defer { state.connection = nil }
            return state.connection
        }
        try connection?.close()
    }
}

/// The writer's WAL hook (`sqlite3_wal_hook`): its context is the checkpointer's registry key, not
/// a pointer, so a hook that outlives its store finds nothing instead of freed memory.
private func walHook(_ context: UnsafeMutableRawPointer?, _ connection: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ pages: Int32) -> Int32 {
    WALCheckpointer.committed(key: Int(bitPattern: context), connection: connection, pages: pages)
    return SQLITE_OK
}
