import GRDB
import GRDBSQLite

/// Where an event is found by its id: `event_ids`, a table of `(run, id_key, event_rowid)` in place
/// of an index on `events(id_key)`, holds the events up to a mark in sorted runs; those after it are
/// found in the event table itself, by rowid.
///
/// An id is a hash, so an index on it takes each new event on a random page: on a grown ledger a
/// transaction of 100 events wrote about 100 pages of that index to the WAL (and to the file again
/// at checkpoint), and one of 10,000 nearly all of it. Nothing is written for an id when its event
/// is stored. A write transaction that finds ``settleAfter`` events or more after the mark first
/// puts their ids in a new run, in key order at the end of the table (a long transaction does so
/// every ``settleWithin`` events), and moves the mark. Until then a lookup of an id that is not
/// settled reads the few thousand events after the mark, comparing their `id_key` (about 0.3 ms
/// for 4,096 events on this machine).
///
/// Runs, not one sorted table: 4,096 ids put in one table of a million land on nearly every page
/// of it, so each settling wrote most of the table (by estimate 2,700 of its 4,600 pages), and the
/// bytes an event cost grew with the ledger. A run's pages are new and written once. A run's level is the
/// base-8 logarithm of its size in settlings (a run of 4,096 ids is level 0, of 32,768 level 1);
/// when ``mergeFanout`` runs share a level they are merged into one, so an id is copied about once
/// per level (three times in a million events) and a lookup probes at most seven runs per level.
/// (A table of the recent ids, keyed by id, cost a page of every transaction, and 15 of the 40
/// pages a transaction of 100 events wrote; migration v15 drops it.)
///
/// The table is an index of the event table, rebuilt from it at will; the events themselves are
/// never changed.
package enum EventIDs {
    /// A write transaction settles the ids first when this many events were stored after the mark.
    package static let settleAfter: Int64 = 4_096
    /// Within one write transaction, the ids are settled again after this many events.
    package static let settleWithin: Int64 = 32_768
    /// Runs of one level merged into one of the next.
    package static let mergeFanout = 8

    /// The tables as migration v13 made them (one sorted table); v16 puts its ids in a run.
    static let schemaV13 = """
        CREATE TABLE event_ids (
            id_key INTEGER NOT NULL,
            event_rowid INTEGER NOT NULL,
            PRIMARY KEY (id_key, event_rowid)
        ) WITHOUT ROWID;
        CREATE TABLE event_ids_mark (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            through INTEGER NOT NULL
        );
        INSERT INTO event_ids_mark(id, through) VALUES (1, 0);
        """

    /// Migration v16: the settled ids in runs. The ids settled before become the first run.
    static func migrateToRuns(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE event_id_runs (
                    run INTEGER PRIMARY KEY,
                    level INTEGER NOT NULL,
                    entries INTEGER NOT NULL
                );
                CREATE TABLE event_ids_in_runs (
                    run INTEGER NOT NULL,
                    id_key INTEGER NOT NULL,
                    event_rowid INTEGER NOT NULL,
                    PRIMARY KEY (run, id_key, event_rowid)
                ) WITHOUT ROWID;
                INSERT INTO event_ids_in_runs(run, id_key, event_rowid) SELECT 1, id_key, event_rowid FROM event_ids ORDER BY id_key, event_rowid;
                DROP TABLE event_ids;
                ALTER TABLE event_ids_in_runs RENAME TO event_ids;
                """)
        let entries = try Int64.fetchOne(db, sql: "SELECT count(*) FROM event_ids") ?? 0
        if entries > 0 {
            try db.execute(sql: "INSERT INTO event_id_runs(run, level, entries) VALUES (1, ?, ?)", arguments: [level(entries), entries])
        }
    }

    /// The level of a run of `entries` ids: the base-8 logarithm of its size in settlings.
    static func level(_ entries: Int64) -> Int {
        var (level, size) = (0, settleAfter * Int64(mergeFanout))
        while entries >= size {
            level += 1
            size *= Int64(mergeFanout)
        }
        return level
    }

    /// The rowid of the event whose id is the SQL expression `id`, with `key` its `id_key` (each a
    /// parameter, or a column of the query around it): a subquery for `rowid IN (…)`, NULL when no
    /// event has that id. The runs of settled ids are probed first, each by `(run, key)`; the
    /// events after the mark are read only when they find nothing (`coalesce` stops at its first
    /// value), so a lookup costs that scan only for an id after the mark or not held. Both compare
    /// the whole id: two ids may share a key, and one id is one event.
    /// (In a join, `CROSS JOIN` keeps the table that gives `key` outside: the planner cannot drive
    /// the join through a correlated `IN`. Here it keeps the runs outside their ids.)
    package static func rowids(withKey key: String, id: String) -> String {
        """
        SELECT coalesce(
            (SELECT i.event_rowid FROM event_id_runs r CROSS JOIN event_ids i CROSS JOIN events s
             WHERE i.run = r.run AND i.id_key = \(key) AND s.rowid = i.event_rowid AND s.id = \(id)),
            (SELECT rowid FROM events WHERE rowid > (SELECT through FROM event_ids_mark WHERE id = 1) AND id_key = \(key) AND id = \(id)))
        """
    }

    /// The last event the settled table holds.
    static func mark(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT through FROM event_ids_mark WHERE id = 1")) ?? 0
    }

    /// Puts the ids of the events after `mark`, through the event `rowid`, in a new run (in key
    /// order, so each of its pages is written once), moves the mark there and merges runs that have
    /// come to share a level, in the caller's write transaction. `adding` are the ids of the last
    /// of those events, in the order they were stored (a range received keeps its own in memory):
    /// they are not read back from the events.
    static func settle(_ db: Database, after mark: Int64, through rowid: Int64, adding ids: inout [(key: Int64, rowid: Int64)]) throws {
        let stored = min(rowid, (ids.first?.rowid ?? rowid + 1) - 1)
        let run = try nextRun(db)
        var entries: Int64 = 0
        if stored > mark {
            try db.execute(
                sql: """
                    INSERT INTO event_ids(run, id_key, event_rowid)
                    SELECT ?, id_key, rowid FROM events WHERE rowid > ? AND rowid <= ? ORDER BY id_key, rowid
                    """, arguments: [run, mark, stored])
            entries += Int64(db.changesCount)
        }
        if !ids.isEmpty {
            ids.sort { ($0.key, $0.rowid) < ($1.key, $1.rowid) }
            let insert = try FastStatement(db, sql: insertOne)
            for id in ids {
                insert.bind(1, run)
                insert.bind(2, id.key)
                insert.bind(3, id.rowid)
                try insert.run()
            }
            entries += Int64(ids.count)
            ids.removeAll(keepingCapacity: true)
        }
        if entries > 0 {
            try db.execute(sql: "INSERT INTO event_id_runs(run, level, entries) VALUES (?, ?, ?)", arguments: [run, level(entries), entries])
            try merge(db)
        }
        try db.execute(sql: "UPDATE event_ids_mark SET through = ? WHERE id = 1", arguments: [rowid])
    }

    /// One id into a run (bound: run, id_key, event_rowid).
    private static let insertOne = "INSERT INTO event_ids(run, id_key, event_rowid) VALUES (?, ?, ?)"

    private static func nextRun(_ db: Database) throws -> Int64 {
        try (Int64.fetchOne(db, sql: "SELECT max(run) FROM event_id_runs") ?? 0) + 1
    }

    /// Merges ``mergeFanout`` runs of the lowest level that has as many into one, until no level
    /// has: their ids are copied in key order to a new run and removed from the old ones.
    static func merge(_ db: Database) throws {
        while let level = try Int.fetchOne(
            db, sql: "SELECT level FROM event_id_runs GROUP BY level HAVING count(*) >= ? ORDER BY level LIMIT 1", arguments: [mergeFanout])
        {
            let runs = try Int64.fetchAll(db, sql: "SELECT run FROM event_id_runs WHERE level = ? ORDER BY run LIMIT ?", arguments: [level, mergeFanout])
            let merged = try nextRun(db)
            let entries = try copyInKeyOrder(db, runs: runs, to: merged)
            let list = runs.map(String.init).joined(separator: ", ")
            try db.execute(sql: "DELETE FROM event_ids WHERE run IN (\(list))")
            try db.execute(sql: "DELETE FROM event_id_runs WHERE run IN (\(list))")
            try db.execute(
                sql: "INSERT INTO event_id_runs(run, level, entries) VALUES (?, ?, ?)", arguments: [merged, max(level + 1, Self.level(entries)), entries])
        }
    }

    /// Copies the ids of `runs`, each read in key order, to the run `merged` in key order, and
    /// returns how many: a merge of one cursor per run, holding one row of each. (`INSERT … SELECT
    /// … ORDER BY` sorts them instead, in up to the page cache's size of memory: 64 MB for the
    /// writer, at a merge of two million ids.) The rows written are in a run after every run read.
    private static func copyInKeyOrder(_ db: Database, runs: [Int64], to merged: Int64) throws -> Int64 {
        let readers = try runs.map { run in
            let reader = try db.makeStatement(sql: "SELECT id_key, event_rowid FROM event_ids WHERE run = ? ORDER BY id_key, event_rowid")
            try reader.setArguments([run])
            return reader
        }
        // The statements, not their handles, are what the steps use: a handle is finalized with its statement.
        defer { readers.forEach { sqlite3_reset($0.sqliteStatement) } }
        func next(_ reader: Statement) throws -> (key: Int64, rowid: Int64)? {
            let handle = reader.sqliteStatement
            switch sqlite3_step(handle) {
            case SQLITE_ROW: return (sqlite3_column_int64(handle, 0), sqlite3_column_int64(handle, 1))
            case SQLITE_DONE: return nil
            case let code: throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }
        var heads = try readers.map(next)
        let insert = try FastStatement(db, sql: insertOne)
        var copied: Int64 = 0
        while true {
            var least: Int?
            for (index, head) in heads.enumerated() {
                guard let head else { continue }
                if let current = least, let other = heads[current], (other.key, other.rowid) <= (head.key, head.rowid) { continue }
                least = index
            }
            guard let least, let head = heads[least] else { return copied }
            insert.bind(1, merged)
            insert.bind(2, head.key)
            insert.bind(3, head.rowid)
            try insert.run()
            copied += 1
            heads[least] = try next(readers[least])
        }
    }
}
