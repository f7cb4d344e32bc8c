import CivicTestSupport
import Foundation
import GRDB
import LedgerCore
import LedgerStore
import Testing

/// The write-ahead log outlives the process that wrote it (LedgerStore.configuration()): closing a
/// ledger neither copies it into the database file nor deletes it, the next open reads the events
/// from it, and after a large transaction it is cut back once SQLite has copied it.
@Suite("The WAL kept between processes")
struct WALTests {
    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? -1
    }

    /// The events a database file holds (none when it does not hold the table yet).
    static func count(_ path: String) throws -> Int {
        try DatabaseQueue(path: path).read { db in
            try db.tableExists("events") ? try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? -1 : 0
        }
    }

    @Test func closingKeepsTheWALAndTheNextOpenReadsIt() throws {
        let temporary = try TemporaryFolder("civic-wal")
        let directory = LedgerDirectory(path: temporary.path("ledger"))
        weak var closed: LedgerStore?
        do {
            let opened = try directory.initialize(identity: LedgerIdentity(city: "springfield", office: "transport"))
            _ = try opened.store.append((0..<10).map { try TestLedger.draft($0) }, signer: opened.signer)
            closed = opened.store
        }
        // The store and its connections are gone, as at the end of a `civic` process.
        #expect(closed == nil)
        let wal = directory.databasePath + "-wal"
        #expect(Self.size(wal) > 0)
        #expect(FileManager.default.fileExists(atPath: directory.databasePath + "-shm"))
        // The database file alone lacks the last commits: they are in the WAL, not copied on close.
        let alone = temporary.path("alone.sqlite")
        try FileManager.default.copyItem(atPath: directory.databasePath, toPath: alone)
        #expect(try Self.count(alone) < 10)

        let reopened = try directory.open()
        #expect(try reopened.store.eventCount() == 10)
        #expect(try reopened.store.verify().eventCount == 10)
        _ = try reopened.store.append([try TestLedger.draft(10)], signer: reopened.signer)
        #expect(try reopened.store.eventCount() == 11)
    }

    @Test func aLargeTransactionsWALIsCutBack() throws {
        let ledger = try TestLedger()
        let wal = ledger.directory.databasePath + "-wal"
        _ = try ledger.store.append((0..<20_000).map { try TestLedger.draft($0) }, signer: ledger.signer)
        let grown = Self.size(wal)
        #expect(grown > LedgerStore.walSizeLimit, "the transaction should write more than the limit; make it larger")
        // SQLite copied the WAL into the database after that commit; the next one starts it again
        // and cuts it back to the limit.
        _ = try ledger.store.append([try TestLedger.draft(20_000)], signer: ledger.signer)
        #expect(Self.size(wal) <= LedgerStore.walSizeLimit)
        #expect(try ledger.store.eventCount() == 20_001)
    }
}
