import CivicDomain
import CivicTestSupport
import Foundation
import GRDB
import GRDBSQLite
import LedgerCore
@testable import LedgerStore
import Testing

/// An office's events are found by seq through the runs of rowids they were stored at
/// (`event_runs`), not a unique index on (office, seq).
@Suite("Events found by seq through their runs")
struct EventRunsTests {
    /// A hub that records its own events between ranges received from two offices (one received
    /// again, overlapping what it holds), some appends many events to a statement: every office's
    /// events are in several runs.
    static func interleavedHub() throws -> TestCity {
        let city = try TestCity(offices: ["transport", "police", "parks"])
        city.at("2026-03-01")
        var district = 0
        func body() -> String {
            district += 1
            return Bodies.district("d\(district)")
        }
        func record(_ office: String, _ count: Int) throws {
            _ = try city.record(office, try (0..<count).map { _ in try TestCity.draft("district.defined", "2026-03-01", body()) })
        }
        try record("transport", 3)
        try record("police", 2)
        try city.deliver(from: "police", to: "transport")
        try record("transport", 2)
        try record("police", 3)
        // Police's whole log again: its first two events are held and looked up by seq.
        #expect(try city.deliver(from: "police", to: "transport")?.alreadyHeld == 2)
        try record("parks", 1)
        try city.deliver(from: "parks", to: "transport")
        try record("transport", 40)
        try record("police", 1)
        try city.deliver(from: "police", to: "transport")
        return city
    }

    /// The runs as the events' rowids make them, derived here apart from the store's own code.
    static func runsFromRows(_ db: Database) throws -> [String] {
        var runs: [String] = []
        var last: [String: (seq: Int64, rowid: Int64)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT office, seq, rowid FROM events ORDER BY rowid") {
            let (office, seq, rowid): (String, Int64, Int64) = (row[0], row[1], row[2])
            if let before = last[office], before.seq + 1 == seq, before.rowid + 1 == rowid {
            } else {
                runs.append("\(office) \(seq) \(rowid)")
            }
            last[office] = (seq, rowid)
        }
        return runs.sorted()
    }

    static func storedRuns(_ db: Database) throws -> [String] {
        try Row.fetchAll(db, sql: "SELECT office, first_seq, first_rowid FROM event_runs")
            .map { "\($0[0] as String) \($0[1] as Int64) \($0[2] as Int64)" }.sorted()
    }

    @Test func everyEventIsFoundBySeqAcrossRuns() async throws {
        let city = try Self.interleavedHub()
        let hub = city.store("transport")
        let (runs, expected) = try hub.read { db in (try Self.storedRuns(db), try Self.runsFromRows(db)) }
        #expect(runs == expected)
        // A run begins only where an office's events stop following on: transport 3, police 2,
        // transport 2, police 3, parks 1, transport 40, police 1 (each office's first included).
        #expect(runs.count == 7, "\(runs)")
        var total = 0
        var finder = EventRuns.Finder()
        for office in ["transport", "police", "parks"] {
            let size = try #require(try hub.head(office: office)).size
            for seq in 1...size {
                let event = try #require(try hub.event(office: office, seq: seq))
                #expect(event.office == office && event.seq == seq)
                // The finder (runs read once per office) finds the same event.
                let found = try hub.read { db in
                    try finder.read(db, office: office, seq: Int64(seq), columns: "id") { handle in
                        Array(UnsafeRawBufferPointer(start: sqlite3_column_blob(handle, 0), count: Int(sqlite3_column_bytes(handle, 0))))
                    }
                }
                #expect(found == event.id.bytes, "\(office) \(seq)")
            }
            #expect(try hub.event(office: office, seq: size + 1) == nil)
            #expect(try hub.event(office: office, seq: 0) == nil)
            for seq in [0, Int64(size) + 1] {
                #expect(try hub.read { db in try finder.read(db, office: office, seq: seq, columns: "seq") { sqlite3_column_int64($0, 0) } } == nil, "\(office) \(seq)")
            }
            var seqs: [UInt64] = []
            try hub.forEachEvent(office: office) { seqs.append($0.seq); return true }
            #expect(seqs == Array(1...size))
            total += Int(size)
        }
        var order: [String] = []
        try hub.forEachEvent { order.append("\($0.office) \(String(format: "%03d", $0.seq))"); return true }
        #expect(order.count == total && order == order.sorted())
        // A range read across police's runs (2 | 3 4 5 | 6) comes back whole and in order.
        let bytes = try await hub.readCanonical(office: "police", seqs: 2...6, into: [UInt8]()) { $0 += Array($1) + [0x0A] }
        var expectedBytes: [UInt8] = []
        for seq in UInt64(2)...6 { expectedBytes += try #require(try hub.event(office: "police", seq: seq)).canonical + [0x0A] }
        #expect(bytes == expectedBytes)
        await #expect(throws: StoreError.self) {
            _ = try await hub.readCanonical(office: "police", seqs: 5...7, into: [UInt8]()) { $0 += Array($1) }
        }
        _ = try hub.inclusionProof(office: "police", seq: 4)
        #expect(try hub.verify().eventCount == UInt64(total))
    }

    /// SQLite reads each run's rowids, for one office and for all: it neither builds an index of
    /// the events' offices nor sorts the rows.
    @Test func eachRunIsReadByItsRowids() throws {
        let city = try Self.interleavedHub()
        let plans = try city.store("transport").read { db in
            try [
                EventRuns.select("e.canonical"),
                "SELECT e.* FROM \(EventRuns.everyOffice) ORDER BY \(EventRuns.everyOfficeOrder)",
            ].map { sql in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: sql.contains("?1") ? ["police", 0, 10] : [])
                    .map { $0["detail"] as String? ?? "" }.joined(separator: "; ")
            }
        }
        for plan in plans {
            #expect(plan.contains("SEARCH e USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"), "\(plan)")
            #expect(!plan.contains("TEMP B-TREE") && !plan.contains("AUTOMATIC") && !plan.contains("SCAN e"), "\(plan)")
        }
    }

    /// A recording node that receives nothing writes one run for its office, ever.
    @Test func aNodeThatOnlyRecordsWritesOneRun() throws {
        let ledger = try TestLedger()
        for batch in [1, 1, 40, 3] {
            _ = try ledger.store.append((0..<batch).map { try TestLedger.draft($0) }, signer: ledger.signer)
        }
        #expect(try ledger.store.read { db in try Self.storedRuns(db) } == ["transport 1 1"])
    }

    /// An event that is not its office's next is refused, with no run written (the check the
    /// unique index made): neither a seq held nor one past the next.
    @Test func onlyAnOfficesNextEventIsStored() throws {
        let ledger = try TestLedger()
        _ = try ledger.store.append((0..<3).map { try TestLedger.draft($0) }, signer: ledger.signer)
        try ledger.store.pool.write { db in
            for seq: Int64 in [3, 5] {
                var runs = try EventRuns.Writer(in: db)
                let error = #expect(throws: StoreError.self) { try runs.stored(office: "transport", seq: seq, rowid: 9, in: db) }
                #expect(error?.description.contains("that is #4") == true, "\(String(describing: error))")
                #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM event_runs") == 1)
            }
            var runs = try EventRuns.Writer(in: db)
            try runs.stored(office: "transport", seq: 4, rowid: 4, in: db)
            #expect(throws: StoreError.self) { try runs.stored(office: "transport", seq: 4, rowid: 5, in: db) }
            try runs.stored(office: "police", seq: 1, rowid: 5, in: db)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM event_runs") == 2)
        }
    }

    /// A run tail handed over from the last append (``WriteMemo``) is taken only while the
    /// office's head still ends where it says: a stale one is dropped, and the seq check reads the
    /// ledger, refusing the event a stale memo would have numbered.
    @Test func aStaleRunTailIsNotTaken() throws {
        let ledger = try TestLedger()
        _ = try ledger.store.append((0..<3).map { try TestLedger.draft($0) }, signer: ledger.signer)
        try ledger.store.pool.write { db in
            // As if left before the third event: the head says 3 events, the tail 2.
            var stale = try EventRuns.Writer(known: ("transport", EventRuns.Tail(next: 3, run: (seq: 1, rowid: 1))), in: db)
            #expect(throws: StoreError.self) { try stale.stored(office: "transport", seq: 3, rowid: 4, in: db) }
            // The tail the last append left: the next event follows on, and no run is written.
            var current = try EventRuns.Writer(known: ("transport", EventRuns.Tail(next: 4, run: (seq: 1, rowid: 1))), in: db)
            try current.stored(office: "transport", seq: 4, rowid: 4, in: db)
            #expect(current.tail(of: "transport")?.next == 5)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM event_runs") == 1)
        }
    }

    /// A run added around the store (the table takes inserts) can only make events missing, never
    /// give another event for them: the rows found are checked, and `civic verify` says so.
    @Test func aWrongRunMakesEventsMissingNotOthers() throws {
        let city = try Self.interleavedHub()
        let hub = city.store("transport")
        let transportRowid = try #require(try hub.read { db in try Int64.fetchOne(db, sql: "SELECT min(rowid) FROM events WHERE office = 'transport'") })
        let pool = try DatabasePool(path: LedgerDirectory(path: city.folder.path("transport")).databasePath)
        try pool.write { db in
            try db.execute(sql: "INSERT INTO event_runs(office, first_seq, first_rowid) VALUES ('police', 4, ?)", arguments: [transportRowid])
        }
        #expect(try hub.event(office: "police", seq: 4) == nil)
        #expect(try hub.event(office: "police", seq: 3)?.seq == 3)
        var finder = EventRuns.Finder()
        #expect(try hub.read { db in try finder.read(db, office: "police", seq: 4, columns: "seq") { sqlite3_column_int64($0, 0) } } == nil)
        #expect(try hub.read { db in try finder.read(db, office: "police", seq: 3, columns: "seq") { sqlite3_column_int64($0, 0) } } == 3)
        #expect(throws: VerificationFailure.self) { try hub.verify() }
    }

    /// A row put in the event table around the store, beyond what its office's log holds, is
    /// reached by no run: `civic verify` counts the rows and says so.
    @Test func verifyFindsARowNoLogReaches() throws {
        let ledger = try TestLedger()
        _ = try ledger.store.append((0..<3).map { try TestLedger.draft($0) }, signer: ledger.signer)
        let pool = try DatabasePool(path: ledger.directory.databasePath)
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO events(office, seq, id, id_key, hlc_wall, hlc_logical, type, effective, arrived_ms, canonical)
                    SELECT office, 4, id, id_key, hlc_wall, hlc_logical, type, effective, arrived_ms, canonical FROM events WHERE seq = 3
                    """)
        }
        let failure = #expect(throws: VerificationFailure.self) { try ledger.store.verify() }
        #expect(failure?.description.contains("reach 3") == true, "\(String(describing: failure))")
    }

    /// A ledger made before migration v19 (the unique index, no runs) gets its runs from its
    /// events, its events copied unchanged.
    @Test func anOlderLedgerGetsItsRunsFromItsEvents() throws {
        let city = try Self.interleavedHub()
        let folder = city.folder.path("transport")
        let path = LedgerDirectory(path: folder).databasePath
        let (runs, rows) = try city.store("transport").read { db in
            (try Self.storedRuns(db), try Row.fetchAll(db, sql: "SELECT * FROM events ORDER BY rowid"))
        }
        // Back to the schema of v18.
        let pool = try DatabasePool(path: path)
        try pool.write { db in
            try db.execute(
                sql: """
                    DROP TRIGGER event_runs_append_only_update;
                    DROP TRIGGER event_runs_append_only_delete;
                    DROP TABLE event_runs;
                    DROP TRIGGER events_append_only_update;
                    DROP TRIGGER events_append_only_delete;
                    ALTER TABLE events RENAME TO events_v19;
                    \(LedgerStore.eventTableSQL)
                    DROP INDEX events_by_id_key;
                    DROP INDEX events_in_city_order;
                    INSERT INTO events SELECT * FROM events_v19 ORDER BY rowid;
                    DROP TABLE events_v19;
                    CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
                    CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;
                    DELETE FROM grdb_migrations WHERE identifier = 'v19-event-runs';
                    """)
            #expect(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE tbl_name = 'events' AND type = 'index'") == ["sqlite_autoindex_events_1"])
        }
        try pool.close()
        let reopened = try LedgerDirectory(path: folder).open(projector: CivicProjector())
        let (runsAfter, rowsAfter, indexes) = try reopened.store.read { db in
            (
                try Self.storedRuns(db), try Row.fetchAll(db, sql: "SELECT * FROM events ORDER BY rowid"),
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE tbl_name = 'events' AND type = 'index'")
            )
        }
        #expect(runsAfter == runs)
        #expect(rowsAfter == rows)
        #expect(indexes.isEmpty)
        #expect(try reopened.store.verify().eventCount == UInt64(rows.count))
        // And it records on: police's events were the last stored, so its next event begins a run,
        // and the one after follows on from it.
        for district in ["d98", "d99"] {
            _ = try reopened.store.append([try TestCity.draft("district.defined", "2026-03-01", Bodies.district(district))], signer: reopened.signer)
        }
        #expect(try reopened.store.event(office: "transport", seq: 47)?.seq == 47)
        #expect(try reopened.store.read { db in try Self.storedRuns(db) } == (runs + ["transport 46 \(rows.count + 1)"]).sorted())
    }
}
