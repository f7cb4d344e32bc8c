import CivicTestSupport
import Foundation
import GRDB
import LedgerCore
@testable import LedgerStore
import Testing

/// A pool's WAL is copied into the database file beside its writer (``WALCheckpointer``): a commit
/// that leaves enough uncopied pages wakes the checkpoint thread, one that leaves the WAL past its
/// restart size copies the rest itself, so the next transaction starts the WAL from its first page.
@Suite("Checkpoints beside the writer")
struct WALCheckpointerTests {
    /// A pool on a file of its own, with a table of 4 KB rows (about one page each).
    final class Pool {
        let temporary: TemporaryFolder
        let path: String
        let pool: DatabasePool

        init() throws {
            temporary = try TemporaryFolder("civic-checkpoint")
            path = temporary.path("pages.sqlite")
            pool = try DatabasePool(path: path)
            try pool.write { db in try db.execute(sql: "CREATE TABLE pages(id INTEGER PRIMARY KEY, bytes BLOB NOT NULL)") }
            // The table in the database file itself, the WAL empty.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        }

        /// Writes `rows` rows of 4,000 bytes in one transaction.
        func write(rows: Int) throws {
            try pool.write { db in
                for _ in 0..<rows { try db.execute(sql: "INSERT INTO pages(bytes) VALUES (zeroblob(4000))") }
            }
        }

        func count() throws -> Int { try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM pages") ?? -1 } }

        /// The rows the database file holds without its WAL (read from a copy of the file alone):
        /// those a checkpoint has copied.
        func rowsInTheDatabaseFileAlone() throws -> Int {
            let copy = temporary.path("copy.sqlite")
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            return try DatabaseQueue(path: copy).read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM pages") ?? -1
            }
        }
    }

    @Test func aCommitWithEnoughUncopiedPagesWakesTheCheckpointBesideIt() throws {
        let file = try Pool()
        let checkpointer = WALCheckpointer(path: file.path, writer: file.pool, thresholds: .init(wake: 50, restart: 100_000))
        try file.write(rows: 20)
        checkpointer.waitForCheckpoint()
        #expect(checkpointer.activity.beside == 0)
        try file.write(rows: 40)
        checkpointer.waitForCheckpoint()
        let woken = checkpointer.activity
        #expect(woken.beside == 1 && woken.inCommit == 0 && woken.walPages >= 60)
        // Everything was copied: the database file holds all rows without its WAL, and the next
        // transaction starts the WAL from its first page.
        #expect(try file.rowsInTheDatabaseFileAlone() == 60)
        try file.write(rows: 1)
        #expect(checkpointer.activity.walPages < woken.walPages)
        #expect(try file.count() == 61)
    }

    /// While a reader's snapshot keeps the WAL from being copied whole (and from starting again),
    /// the thread is woken once per `wake` pages the WAL grows, not at every commit.
    @Test func aHeldBackWALWakesTheCheckpointOncePerWakePages() throws {
        let file = try Pool()
        let checkpointer = WALCheckpointer(path: file.path, writer: file.pool, thresholds: .init(wake: 50, restart: 100_000))
        let reader = try DatabaseQueue(path: file.path)
        try file.write(rows: 5)
        try reader.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM pages") == 5)
            try file.write(rows: 60)
            checkpointer.waitForCheckpoint()
            #expect(checkpointer.activity.beside == 1)
            // Only the reader's five rows could be copied; ten more pages do not wake the thread.
            #expect(try file.rowsInTheDatabaseFileAlone() <= 5)
            try file.write(rows: 10)
            checkpointer.waitForCheckpoint()
            #expect(checkpointer.activity.beside == 1)
            try file.write(rows: 45)
            checkpointer.waitForCheckpoint()
            #expect(checkpointer.activity.beside == 2)
        }
        try file.write(rows: 60)
        checkpointer.waitForCheckpoint()
        #expect(checkpointer.activity.beside == 3)
        #expect(try file.rowsInTheDatabaseFileAlone() == 180)
    }

    @Test func aCommitPastTheRestartSizeCopiesTheRestItself() throws {
        let file = try Pool()
        // Never woken: only the commit's own checkpoint copies.
        let checkpointer = WALCheckpointer(path: file.path, writer: file.pool, thresholds: .init(wake: 1_000_000, restart: 40))
        try file.write(rows: 30)
        #expect(checkpointer.activity.inCommit == 0)
        try file.write(rows: 30)
        let copied = checkpointer.activity
        #expect(copied.inCommit == 1 && copied.beside == 0)
        #expect(try file.rowsInTheDatabaseFileAlone() == 60)
        try file.write(rows: 1)
        #expect(checkpointer.activity.walPages < copied.walPages)
    }

    /// Commits of a few pages do not wake the thread (however many `wake` pages they add): they
    /// copy the WAL themselves once it holds `smallCopy` pages, as SQLite's automatic checkpoint
    /// does, and gain nothing from a longer WAL.
    @Test func smallCommitsCopyTheWALThemselves() throws {
        let file = try Pool()
        let checkpointer = WALCheckpointer(
            path: file.path, writer: file.pool, thresholds: .init(wake: 20, restart: 100_000, smallCommit: 10, smallCopy: 50))
        for _ in 0..<12 { try file.write(rows: 5) }
        checkpointer.waitForCheckpoint()
        let activity = checkpointer.activity
        #expect(activity.inCommit == 1 && activity.beside == 0)
        // The commit that found 50 pages or more (its eighth to tenth five rows) copied them, and
        // the WAL started again after it.
        #expect(activity.walPages < 50)
        #expect((40...50).contains(try file.rowsInTheDatabaseFileAlone()))
        #expect(try file.count() == 60)
    }

    /// A long range holds checkpoints back until its answer is out; releasing them copies the WAL
    /// beside the writer.
    @Test func heldCheckpointsRunWhenReleased() throws {
        let file = try Pool()
        let checkpointer = WALCheckpointer(path: file.path, writer: file.pool, thresholds: .init(wake: 50, restart: 100))
        checkpointer.hold()
        try file.write(rows: 150)
        checkpointer.waitForCheckpoint()
        #expect(checkpointer.activity == .init(beside: 0, inCommit: 0, walPages: checkpointer.activity.walPages, holds: 1))
        #expect(try file.rowsInTheDatabaseFileAlone() == 0)
        checkpointer.release()
        checkpointer.waitForCheckpoint()
        #expect(checkpointer.activity.beside == 1 && !checkpointer.activity.held)
        #expect(try file.rowsInTheDatabaseFileAlone() == 150)
    }

    /// One range's answer may go out while the next range is written: checkpoints stay held until
    /// every hold is released.
    @Test func checkpointsStayHeldUntilEveryHoldIsReleased() throws {
        let file = try Pool()
        let checkpointer = WALCheckpointer(path: file.path, writer: file.pool, thresholds: .init(wake: 50, restart: 100))
        checkpointer.hold()
        checkpointer.hold()
        try file.write(rows: 150)
        checkpointer.release()
        try file.write(rows: 150)
        checkpointer.waitForCheckpoint()
        #expect(checkpointer.activity.held && checkpointer.activity.inCommit == 0)
        checkpointer.release()
        checkpointer.waitForCheckpoint()
        #expect(!checkpointer.activity.held && checkpointer.activity.inCommit == 0)
        #expect(try file.rowsInTheDatabaseFileAlone() == 300)
    }

    /// The hook finds its checkpointer by a key, not a pointer: once the checkpointer is gone, the
    /// writer's commits checkpoint as SQLite's automatic checkpoint does (at 1,000 pages).
    @Test func aWriterThatOutlivesItsCheckpointerStillCheckpoints() throws {
        let file = try Pool()
        var checkpointer: WALCheckpointer? = WALCheckpointer(path: file.path, writer: file.pool)
        try file.write(rows: 10)
        #expect(checkpointer?.activity.walPages ?? 0 > 0)
        checkpointer = nil
        try file.write(rows: 1_100)
        #expect(try file.rowsInTheDatabaseFileAlone() == 1_110)
    }

    /// A store's pool checkpoints beside its writer; a single connection keeps SQLite's automatic one.
    @Test func aPoolCheckpointsBesideItsWriterAndASingleConnectionDoesNot() throws {
        let ledger = try TestLedger()
        #expect(try ledger.store.walAutocheckpointSetting() == 0)
        // Some 1,500 pages of events and their index.
        _ = try ledger.store.append((0..<12_000).map { try TestLedger.draft($0) }, signer: ledger.signer)
        let activity = try #require(ledger.store.checkpointActivity())
        #expect(activity.beside >= 1 && activity.inCommit == 0)
        let single = try LedgerStore.open(at: ledger.directory.databasePath, connections: .single)
        #expect(try single.walAutocheckpointSetting() == 1000)
        #expect(single.checkpointActivity() == nil)
        #expect(try single.verify().eventCount == 12_000)
    }
}
