import CivicTestSupport
import Foundation
import GRDB
import LedgerCore
import LedgerStore
import Testing

/// Events are found by id (EventIDs) through the settled ids up to a mark, and the events after the
/// mark, whose ids are settled once they are many. Every event is found on either side of a
/// settling, in the batch that settles and after it; a ledger from before the table gets it from
/// its events, and one with a table of recent ids loses it.
@Suite("Events found by id")
struct EventIDTests {
    /// Every `stride`th event held (and the last), looked up by its id, is the event stored at its
    /// seq; an id not held is nil.
    static func expectEventsFound(_ store: LedgerStore, office: String = "transport", count: Int, stride: Int = 1) throws {
        var held: [(Hash, UInt64)] = []
        try store.forEachEvent(office: office) { stored in
            held.append((stored.id, stored.seq))
            return true
        }
        #expect(held.count == count)
        for (index, (id, seq)) in held.enumerated() where index % stride == 0 || index == held.count - 1 {
            #expect(try store.event(id: id).map { [$0.office, "\($0.seq)"] } == [office, "\(seq)"], "event \(seq) by its id")
        }
        #expect(try store.event(id: Hash(bytes: [UInt8](repeating: 7, count: 32))) == nil)
    }

    /// How many events are after the mark (recent), how many ids are settled, and the mark; no
    /// table of recent ids is left.
    static func tables(_ ledger: TestLedger) throws -> (recent: Int64, settled: Int64, mark: Int64) {
        try DatabasePool(path: ledger.directory.databasePath).read { db in
            #expect(try !db.tableExists("event_ids_recent"))
            let mark = try Int64.fetchOne(db, sql: "SELECT through FROM event_ids_mark") ?? -1
            return (
                try Int64.fetchOne(db, sql: "SELECT count(*) FROM events WHERE rowid > ?", arguments: [mark]) ?? -1,
                try Int64.fetchOne(db, sql: "SELECT coalesce(sum(length(ids)), 0) / 40 FROM event_id_blocks") ?? -1,
                mark
            )
        }
    }

    /// The settled ids, as (id, rowid), of the run given or of all, each block's in order and the
    /// blocks in the order of their last ids.
    static func settled(_ db: Database, run: Int64? = nil) throws -> [(id: [UInt8], rowid: Int64)] {
        let blocks = try Row.fetchAll(
            db, sql: "SELECT last_id, ids FROM event_id_blocks WHERE ? IS NULL OR run = ? ORDER BY run, last_id", arguments: [run, run])
        return blocks.flatMap { block -> [(id: [UInt8], rowid: Int64)] in
            let ids = [UInt8](block["ids"] as Data)
            return stride(from: 0, to: ids.count, by: 40).map { at in
                (Array(ids[at..<(at + 32)]), ids[(at + 32)..<(at + 40)].reduce(Int64(0)) { $0 << 8 | Int64($1) })
            }
        }
    }

    /// Whether the settled ids are those of the events through `mark`, each once.
    static func settledOnce(_ db: Database, through mark: Int64) throws -> Bool {
        let events = try Row.fetchAll(db, sql: "SELECT id, rowid FROM events WHERE rowid <= ? ORDER BY rowid", arguments: [mark])
            .map { [UInt8]($0["id"] as Data) + [UInt8](String($0["rowid"] as Int64).utf8) }
        let ids = try settled(db).map { $0.id + [UInt8](String($0.rowid).utf8) }
        return events.sorted { $0.lexicographicallyPrecedes($1) } == ids.sorted { $0.lexicographicallyPrecedes($1) }
    }

    @Test func everyEventIsFoundAcrossSettlings() throws {
        let ledger = try TestLedger()
        var next = 0
        func append(_ count: Int) throws -> Int64 {
            _ = try ledger.store.append((next..<(next + count)).map { try TestLedger.draft($0) }, signer: ledger.signer)
            next += count
            return Int64(try ledger.store.eventCount())
        }
        // Two transactions that together pass the threshold: neither began with 4,096 recent ids.
        _ = try append(3_000)
        var held = try append(2_000)
        var tables = try Self.tables(ledger)
        #expect(tables.mark == 0 && tables.settled == 0 && tables.recent == held)
        try Self.expectEventsFound(ledger.store, count: Int(held))
        // The next transaction settles them first, then adds its own.
        let before = held
        held = try append(1)
        tables = try Self.tables(ledger)
        #expect(tables.mark == before && tables.settled == before && tables.recent == 1)
        try Self.expectEventsFound(ledger.store, count: Int(held))
        // A long transaction settles within itself every 32,768 events (here once).
        let start = held
        held = try append(33_000)
        tables = try Self.tables(ledger)
        let mark = start - 1 + 32_768
        #expect(tables.mark == mark && tables.settled == mark && tables.recent == held - mark)
        try Self.expectEventsFound(ledger.store, count: Int(held), stride: 97)
        #expect(try ledger.store.verify().eventCount == Int(held))
    }

    /// A range received keeps its ids in memory and puts them in the settled table in key order,
    /// with the node's recent ids, every 32,768 events and when it ends. A range cut short leaves
    /// the tables as they were, and the next recording settles nothing.
    @Test func aReceivedRangeSettlesItsIDsWhenItEnds() async throws {
        let pair = try PolicePair(events: 33_000)
        // City hall's own events first: their ids are not settled yet.
        _ = try pair.hall.store.append((0..<10).map { try TestLedger.draft($0) }, signer: pair.hall.signer)
        var tables = try Self.tables(pair.hall)
        #expect(tables.recent == 10 && tables.settled == 0 && tables.mark == 0)
        var cut = pair.stream(1...33_000)
        cut.cutAfter = 32_900
        await #expect(throws: StoredEvents.Cut.self) { try await pair.hallReceives(cut) }
        tables = try Self.tables(pair.hall)
        #expect(tables.recent == 10 && tables.settled == 0 && tables.mark == 0)

        #expect(try await pair.hallReceives(pair.stream(1...33_000)).stored == 33_000)
        tables = try Self.tables(pair.hall)
        #expect(tables.recent == 0 && tables.settled == 33_010 && tables.mark == 33_010)
        try Self.expectEventsFound(pair.hall.store, office: "police", count: 33_000, stride: 97)
        try Self.expectEventsFound(pair.hall.store, office: "cityhall", count: 10)
        let keys = try await DatabasePool(path: pair.hall.directory.databasePath).read { db in try Self.settledOnce(db, through: 33_010) }
        #expect(keys, "one settled id per event")

        // The next recording finds nothing to settle; its own id is not settled.
        _ = try pair.hall.store.append([try TestLedger.draft(10)], signer: pair.hall.signer)
        tables = try Self.tables(pair.hall)
        #expect(tables.recent == 1 && tables.settled == 33_010 && tables.mark == 33_010)
        try Self.expectEventsFound(pair.hall.store, office: "cityhall", count: 11)
        #expect(try pair.hall.store.verify().eventCount == 33_011)
    }

    /// A ledger whose recent ids were kept in a table of their own (before migration v15) loses
    /// it when opened, and finds every event after the mark in the event table, and after the
    /// next settling in the settled table, with no id settled twice.
    @Test func aLedgerWithATableOfRecentIDsLosesIt() throws {
        let ledger = try TestLedger()
        _ = try ledger.store.append((0..<5_000).map { try TestLedger.draft($0) }, signer: ledger.signer)
        _ = try ledger.store.append((5_000..<5_300).map { try TestLedger.draft($0) }, signer: ledger.signer)
        let pool = try DatabasePool(path: ledger.directory.databasePath)
        let mark = try pool.write { db in
            let mark = try Int64.fetchOne(db, sql: "SELECT through FROM event_ids_mark") ?? -1
            try db.execute(
                sql: """
                    CREATE TABLE event_ids_recent (
                        id_key INTEGER NOT NULL,
                        event_rowid INTEGER NOT NULL,
                        PRIMARY KEY (id_key, event_rowid)
                    ) WITHOUT ROWID;
                    INSERT INTO event_ids_recent(id_key, event_rowid) SELECT id_key, rowid FROM events WHERE rowid > ?;
                    DELETE FROM grdb_migrations WHERE identifier = 'v15-no-recent-ids';
                    """, arguments: [mark])
            return mark
        }
        try pool.close()
        #expect(mark == 5_000)
        let reopened = try ledger.directory.open()
        var tables = try Self.tables(ledger)
        #expect(tables.recent == 300 && tables.settled == 5_000 && tables.mark == 5_000)
        try Self.expectEventsFound(reopened.store, count: 5_300, stride: 7)
        _ = try reopened.store.append((5_300..<9_500).map { try TestLedger.draft($0) }, signer: reopened.signer)
        _ = try reopened.store.append([try TestLedger.draft(9_500)], signer: reopened.signer)
        tables = try Self.tables(ledger)
        #expect(tables.recent == 1 && tables.settled == 9_500 && tables.mark == 9_500)
        try Self.expectEventsFound(reopened.store, count: 9_501, stride: 13)
        let once = try DatabasePool(path: ledger.directory.databasePath).read { db in try Self.settledOnce(db, through: 9_500) }
        #expect(once, "one settled id per event")
    }

    /// A ledger from before the id tables (they and their migration removed, the old index put
    /// back) gets them from its events when opened, all settled.
    @Test func anOlderLedgerGetsItsIDTablesFromItsEvents() throws {
        let ledger = try TestLedger()
        _ = try ledger.store.append((0..<500).map { try TestLedger.draft($0) }, signer: ledger.signer)
        let held = Int64(try ledger.store.eventCount())
        let pool = try DatabasePool(path: ledger.directory.databasePath)
        try pool.write { db in
            try db.execute(
                sql: """
                    DROP TABLE event_id_blocks; DROP TABLE event_ids_mark; DROP TABLE event_id_runs; DROP TABLE event_id_merges;
                    CREATE INDEX events_by_id_key ON events(id_key);
                    DELETE FROM grdb_migrations
                    WHERE identifier IN ('v13-event-ids', 'v16-event-id-runs', 'v17-event-id-merges-in-steps', 'v18-event-id-blocks');
                    """)
        }
        try pool.close()
        let reopened = try ledger.directory.open()
        let tables = try Self.tables(ledger)
        #expect(tables.settled == held && tables.recent == 0 && tables.mark == held)
        try Self.expectEventsFound(reopened.store, count: Int(held))
        let index = try DatabasePool(path: ledger.directory.databasePath).read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name = 'events_by_id_key'")
        }
        #expect(index == 0, "the old index is dropped")
    }

    /// The runs of settled ids, as (level, entries), in the order made.
    static func runs(_ ledger: TestLedger) throws -> [[Int64]] {
        try DatabasePool(path: ledger.directory.databasePath).read { db in
            try Row.fetchAll(db, sql: "SELECT level, entries FROM event_id_runs ORDER BY run").map { [$0["level"], $0["entries"]] }
        }
    }

    /// Every settled id is in exactly one run, each run's `entries` is what it holds, each block's
    /// ids are in order, after the block before it and through its `last_id`, and every event up to
    /// the mark is settled once; returns how many runs are being read by a merge.
    static func expectRunsWhole(_ ledger: TestLedger) throws -> Int {
        try DatabasePool(path: ledger.directory.databasePath).read { db in
            for row in try Row.fetchAll(db, sql: "SELECT run, entries FROM event_id_runs") {
                let run: Int64 = row["run"]
                let ids = try settled(db, run: run)
                #expect(row["entries"] as Int64 == Int64(ids.count), "run \(run)")
                #expect(zip(ids, ids.dropFirst()).allSatisfy { $0.id.lexicographicallyPrecedes($1.id) }, "run \(run) in order")
                let lasts = try Data.fetchAll(db, sql: "SELECT last_id FROM event_id_blocks WHERE run = ? ORDER BY last_id", arguments: [run])
                let ends = try Row.fetchAll(db, sql: "SELECT ids FROM event_id_blocks WHERE run = ? ORDER BY last_id", arguments: [run])
                    .map { [UInt8](($0["ids"] as Data).suffix(40).prefix(32)) }
                #expect(lasts.map { [UInt8]($0) } == ends, "run \(run): each block found by its last id")
            }
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM event_id_blocks WHERE run NOT IN (SELECT run FROM event_id_runs)") == 0)
            let mark = try Int64.fetchOne(db, sql: "SELECT through FROM event_ids_mark") ?? -1
            #expect(try settledOnce(db, through: mark), "one settled id per event")
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM event_id_merges") ?? -1
        }
    }

    /// Each settling puts its ids in a run of its own; eight runs of one level are merged into one
    /// of the next in steps, each settling copying at most a few times what it settled (its ids
    /// times the levels held, plus one), and nearly that, and removing what it copied from the runs
    /// read. Every event is found through the runs before, during and after the merge, and each is
    /// settled once.
    @Test func settledIDsAreKeptInRunsThatMergeInSteps() throws {
        let ledger = try TestLedger()
        var next = 0
        func append(_ count: Int) throws {
            _ = try ledger.store.append((next..<(next + count)).map { try TestLedger.draft($0) }, signer: ledger.signer)
            next += count
        }
        // Each transaction of 4,096 settles the one before it when it begins.
        for _ in 0..<8 { try append(4_096) }
        #expect(try Self.runs(ledger) == Array(repeating: [0, 4_096], count: 7))
        #expect(try Self.expectRunsWhole(ledger) == 0)
        try Self.expectEventsFound(ledger.store, count: next, stride: 61)
        // The eighth run makes eight of level 0: their merge begins, up to 2 × 4,096 ids (one level
        // held), and steps go on until less than a sixteenth of that is left.
        try append(1)
        var runs = try Self.runs(ledger)
        let read: [[Int64]] = Array(runs.dropLast())
        let first = runs.last?[1] ?? 0
        #expect(runs.count == 9 && runs.last?[0] == 1 && read.allSatisfy { $0[0] == 0 })
        #expect(first <= 8_192 && first > 8_192 - 512, "copied \(first)")
        #expect(read.map { $0[1] }.reduce(0, +) == 8 * 4_096 - first)
        #expect(try Self.expectRunsWhole(ledger) == 8, "eight runs being read")
        var tables = try Self.tables(ledger)
        #expect(tables.settled == 8 * 4_096 && tables.mark == 8 * 4_096 && tables.recent == 1)
        try Self.expectEventsFound(ledger.store, count: next, stride: 61)
        // The next settling adds a run of its own and copies up to 3 × 4,096 (two levels held).
        try append(4_095)
        try append(1)
        runs = try Self.runs(ledger)
        #expect(runs.last == [0, 4_096])
        let second = (runs.first { $0[0] == 1 }?[1] ?? 0) - first
        #expect(second <= 12_288 && second > 12_288 - 768, "copied \(second)")
        #expect(try Self.expectRunsWhole(ledger) > 0, "the merge goes on")
        try Self.expectEventsFound(ledger.store, count: next, stride: 61)
        // The settlings after it finish it (the third copies up to 12,288 of the 12,288 to 13,566
        // left, so one more may be needed): the runs read are gone.
        var settlings = 2
        while try Self.expectRunsWhole(ledger) > 0 {
            try #require(settlings < 4, "the merge is done by the fourth settling")
            try append(4_095)
            try append(1)
            settlings += 1
            try Self.expectEventsFound(ledger.store, count: next, stride: 61)
        }
        #expect(try Self.runs(ledger) == [[1, 8 * 4_096]] + Array(repeating: [0, 4_096], count: settlings - 1))
        tables = try Self.tables(ledger)
        #expect(tables.settled == Int64(7 + settlings) * 4_096 && tables.recent == 1)
        try Self.expectEventsFound(ledger.store, count: next, stride: 61)
        #expect(try ledger.store.verify().eventCount == next)
    }

    /// A node that syncs often receives many small ranges, and each puts its ids in a run of its
    /// own when it ends: the merges keep up with them however few ids each brings (a step takes up
    /// to eight ids of each run even on a budget of a few), so the runs stay few, every id is in
    /// one, and every event is found.
    @Test func smallRangesReceivedOneAfterAnotherDoNotPileUpRuns() async throws {
        let pair = try PolicePair(events: 3)
        var (held, next): (UInt64, Int) = (0, 3)
        for _ in 0..<64 {
            let size = try #require(try pair.police.store.head(office: "police")?.size)
            try await pair.hallReceives(pair.stream((held + 1)...size), after: held)
            held = size
            _ = try pair.police.store.append((next..<(next + 3)).map { try TestLedger.draft($0) }, signer: pair.police.signer)
            next += 3
            _ = try Self.expectRunsWhole(pair.hall)
        }
        let runs = try Self.runs(pair.hall)
        #expect(runs.count < 16, "64 ranges left \(runs.count) runs: \(runs)")
        #expect(try Self.tables(pair.hall).settled == 64 * 3)
        try Self.expectEventsFound(pair.hall.store, office: "police", count: Int(held), stride: 7)
    }

    /// Transactions of random sizes, some long enough to settle within themselves: after each,
    /// every id is in one run, and at the end every event is found by its id.
    @Test func runsStayWholeUnderTransactionsOfAnySize() throws {
        let ledger = try TestLedger()
        var random = SeededGenerator(seed: 16)
        var next = 0
        while next < 90_000 {
            let count = [1, 300, 2_000, 4_100, 4_100, 4_100, 9_000, 40_000][Int(random.next() % 8)]
            _ = try ledger.store.append((next..<(next + count)).map { try TestLedger.draft($0) }, signer: ledger.signer)
            next += count
            _ = try Self.expectRunsWhole(ledger)
        }
        try Self.expectEventsFound(ledger.store, count: next, stride: 97)
    }

    /// A ledger whose settled ids were one sorted table (before migration v16) gets them as one run
    /// when opened, at the level its size gives, and goes on settling in runs.
    @Test func aLedgerWithOneTableOfSettledIDsGetsItAsARun() throws {
        let ledger = try TestLedger()
        _ = try ledger.store.append((0..<5_000).map { try TestLedger.draft($0) }, signer: ledger.signer)
        _ = try ledger.store.append([try TestLedger.draft(5_000)], signer: ledger.signer)
        let pool = try DatabasePool(path: ledger.directory.databasePath)
        try pool.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE event_ids (
                        id_key INTEGER NOT NULL,
                        event_rowid INTEGER NOT NULL,
                        PRIMARY KEY (id_key, event_rowid)
                    ) WITHOUT ROWID;
                    INSERT INTO event_ids SELECT id_key, rowid FROM events WHERE rowid <= (SELECT through FROM event_ids_mark);
                    DROP TABLE event_id_blocks; DROP TABLE event_id_runs; DROP TABLE event_id_merges;
                    DELETE FROM grdb_migrations WHERE identifier IN ('v16-event-id-runs', 'v17-event-id-merges-in-steps', 'v18-event-id-blocks');
                    """)
        }
        try pool.close()
        let reopened = try ledger.directory.open()
        #expect(try Self.runs(ledger) == [[0, 5_000]])
        try Self.expectEventsFound(reopened.store, count: 5_001, stride: 7)
        _ = try reopened.store.append((5_001..<9_200).map { try TestLedger.draft($0) }, signer: reopened.signer)
        _ = try reopened.store.append([try TestLedger.draft(9_200)], signer: reopened.signer)
        #expect(try Self.runs(ledger) == [[0, 5_000], [0, 4_200]])
        try Self.expectEventsFound(reopened.store, count: 9_201, stride: 13)
    }

    /// A ledger whose settled ids were rows of runs (before migration v18), with a merge under way,
    /// gets them as one run of blocks when opened, the merge's bookkeeping gone, and goes on
    /// settling in blocks; every event is found before and after.
    @Test func aLedgerWithRowsOfRunsGetsThemAsBlocks() throws {
        let ledger = try TestLedger()
        var next = 0
        for _ in 0..<9 {
            _ = try ledger.store.append((next..<(next + 4_096)).map { try TestLedger.draft($0) }, signer: ledger.signer)
            next += 4_096
        }
        #expect(try Self.expectRunsWhole(ledger) == 8, "a merge under way")
        let pool = try DatabasePool(path: ledger.directory.databasePath)
        try pool.write { db in
            let rows = try Self.settled(db)
            let runs = try Row.fetchAll(db, sql: "SELECT run, last_id FROM event_id_blocks")
            try db.execute(
                sql: """
                    CREATE TABLE event_ids (
                        run INTEGER NOT NULL,
                        id_key INTEGER NOT NULL,
                        event_rowid INTEGER NOT NULL,
                        PRIMARY KEY (run, id_key, event_rowid)
                    ) WITHOUT ROWID;
                    """)
            // Each id in the run of the block that holds it (the blocks' last ids bound them).
            let bounds = runs.map { (run: $0["run"] as Int64, last: [UInt8]($0["last_id"] as Data)) }
            for row in rows {
                let run = bounds.filter { !$0.last.lexicographicallyPrecedes(row.id) }.min { $0.last.lexicographicallyPrecedes($1.last) }
                try db.execute(
                    sql: "INSERT INTO event_ids(run, id_key, event_rowid) SELECT ?, id_key, rowid FROM events WHERE rowid = ?",
                    arguments: [run?.run, row.rowid])
            }
            try db.execute(sql: "DROP TABLE event_id_blocks; DELETE FROM grdb_migrations WHERE identifier = 'v18-event-id-blocks'")
        }
        try pool.close()
        let reopened = try ledger.directory.open()
        #expect(try Self.runs(ledger) == [[1, 8 * 4_096]])
        #expect(try Self.expectRunsWhole(ledger) == 0, "no merge left")
        try Self.expectEventsFound(reopened.store, count: next, stride: 61)
        _ = try reopened.store.append((next..<(next + 4_100)).map { try TestLedger.draft($0) }, signer: reopened.signer)
        _ = try reopened.store.append([try TestLedger.draft(next + 4_100)], signer: reopened.signer)
        next += 4_101
        #expect(try Self.runs(ledger) == [[1, 8 * 4_096], [0, 4_096], [0, 4_100]])
        #expect(try Self.expectRunsWhole(ledger) == 0)
        try Self.expectEventsFound(reopened.store, count: next, stride: 61)
    }

    /// A block's bytes give back its entries, and a search finds each id's rowid and nothing for
    /// an id it does not hold; bytes that are not whole entries are refused, and found in nothing.
    @Test func aBlockOfIDsIsSearchedByID() throws {
        func id(_ seed: Int) -> Hash { Hash.leaf(Array("event \(seed)".utf8)) }
        let entries = (0..<96).map { EventIDs.Entry(id: id($0), rowid: Int64($0) * 1_000_003) }.sorted()
        let block = EventIDs.Entry.block(entries)
        #expect(block.count == 96 * 40)
        #expect(try EventIDs.Entry.entries(of: Data(block)) == entries)
        block.withUnsafeBytes { bytes in
            for seed in 0..<96 {
                let key = id(seed).bytes.withUnsafeBytes { EventIDs.Entry.Key($0) }
                #expect(EventIDs.Entry.find(key, in: bytes) == Int64(seed) * 1_000_003)
            }
            let absent = id(96).bytes.withUnsafeBytes { EventIDs.Entry.Key($0) }
            #expect(EventIDs.Entry.find(absent, in: bytes) == nil)
            #expect(EventIDs.Entry.find(absent, in: UnsafeRawBufferPointer(rebasing: bytes[0..<39])) == nil)
        }
        #expect(throws: EventIDs.Entry.Damaged.self) { try EventIDs.Entry.entries(of: Data(block.dropLast())) }
    }
}
