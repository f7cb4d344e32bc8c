import GRDB

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
/// per level (three times in a million events) and a lookup probes a few runs per level. A merge
/// is done in steps, a few times as many ids as each settling puts in a run (``merge(_:budget:)``),
/// so no transaction's work grows with the ledger.
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
    /// The most ids one step of a merge copies (and sorts, in memory: about 2 MB); a budget larger
    /// than this is spent in several steps.
    static let mostPerStep: Int64 = 32_768

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
            try merge(db, budget: mergeBudget(db, settled: entries))
        }
        try db.execute(sql: "UPDATE event_ids_mark SET through = ? WHERE id = 1", arguments: [rowid])
    }

    /// One id into a run (bound: run, id_key, event_rowid).
    private static let insertOne = "INSERT INTO event_ids(run, id_key, event_rowid) VALUES (?, ?, ?)"

    private static func nextRun(_ db: Database) throws -> Int64 {
        try (Int64.fetchOne(db, sql: "SELECT max(run) FROM event_id_runs") ?? 0) + 1
    }

    /// Migration v17: merges in steps. `event_id_merges` names each run being merged and the run
    /// it is merged into; a run in neither column is whole.
    static let mergesSchema = """
        CREATE TABLE event_id_merges (
            input_run INTEGER PRIMARY KEY,
            into_run INTEGER NOT NULL
        );
        """

    /// Merge work a settling of `entries` ids does: that many ids copied for each level the runs
    /// have, and once more. An id is copied once per level it passes, so the merges keep up with
    /// the settlings, and no transaction copies more than a few times what it settles, however
    /// large the runs being merged (a merge of eight runs of 80,000 ids in one transaction took
    /// 1.2 s, and each level up is eight times as many).
    static func mergeBudget(_ db: Database, settled entries: Int64) throws -> Int64 {
        let levels = try Int64.fetchOne(db, sql: "SELECT count(DISTINCT level) FROM event_id_runs") ?? 0
        return entries * (levels + 1)
    }

    /// Runs that are whole: neither read by a merge nor written by one.
    private static let wholeRuns = """
        run NOT IN (SELECT input_run FROM event_id_merges) AND run NOT IN (SELECT into_run FROM event_id_merges)
        """

    /// Copies up to `budget` ids for merges: the merge of the lowest level first, started when
    /// ``mergeFanout`` whole runs share a level, each step taking the least ids of its runs in key
    /// order to the run it writes and removing them from the runs read. A merge spans as many
    /// transactions as its budget needs; meanwhile every id is in exactly one run (a run read or the
    /// run written), so lookups are unchanged. A run read to its end is removed; when the last is,
    /// the run written is whole, at the level its size gives (at least the next). A settling takes
    /// one step at least, and steps go on until less than a sixteenth of the budget is left: a step
    /// copies at least its runs' shares of what is left, and on ids (hashes) usually nearly all of
    /// it. (A range received puts its ids in a run of its own when it ends, however few: a budget
    /// of a few ids still merges.)
    static func merge(_ db: Database, budget: Int64) throws {
        var budget = budget
        let enough = budget / 16
        while budget > 0, budget >= enough {
            let going = try Row.fetchOne(
                db,
                sql: """
                    SELECT m.into_run, min(r.level) AS level FROM event_id_merges m JOIN event_id_runs r ON r.run = m.input_run
                    GROUP BY m.into_run ORDER BY level, m.into_run LIMIT 1
                    """)
            let ready = try Int.fetchOne(
                db, sql: "SELECT level FROM event_id_runs WHERE \(wholeRuns) GROUP BY level HAVING count(*) >= ? ORDER BY level LIMIT 1",
                arguments: [mergeFanout])
            let into: Int64
            let level: Int
            if let going, let goingLevel: Int = going["level"], ready.map({ goingLevel <= $0 }) ?? true {
                (into, level) = (going["into_run"], goingLevel)
            } else if let ready {
                (into, level) = (try nextRun(db), ready)
                let runs = try Int64.fetchAll(
                    db, sql: "SELECT run FROM event_id_runs WHERE level = ? AND \(wholeRuns) ORDER BY run LIMIT ?", arguments: [level, mergeFanout])
                try db.execute(sql: "INSERT INTO event_id_runs(run, level, entries) VALUES (?, ?, 0)", arguments: [into, level + 1])
                for run in runs {
                    try db.execute(sql: "INSERT INTO event_id_merges(input_run, into_run) VALUES (?, ?)", arguments: [run, into])
                }
            } else {
                return
            }
            let copied = try step(db, into: into, level: level, budget: min(budget, mostPerStep))
            guard copied > 0 else { return }
            budget -= copied
        }
    }

    /// One step of the merge into the run `into`: copies at most `budget` of the least ids of its
    /// runs (``mostPerStep`` at most; with a budget under eight ids a run, eight ids a run at
    /// most), in key order, and returns how many (at least one while a run read holds any).
    ///
    /// The step's bound is the least, over the runs read, of each run's id at its share of the
    /// budget (the budget over the number of runs, eight at least): no run has more than its share
    /// at or below it, and the run that gave it has exactly its share. The ids at or below the bound are copied in
    /// one statement, which reads each run's range and sorts what it read (at most the budget),
    /// then removed from the runs read. A run with less than its share is copied to its end.
    /// (Before, a merge read one cursor per run and wrote each id by a statement of its own; SQLite
    /// saves every cursor on a table it writes, so each read re-sought its run from the root.)
    private static func step(_ db: Database, into: Int64, level: Int, budget: Int64) throws -> Int64 {
        let runs = try Int64.fetchAll(db, sql: "SELECT input_run FROM event_id_merges WHERE into_run = ? ORDER BY input_run", arguments: [into])
        guard !runs.isEmpty else { return 0 }
        let share = max(8, budget / Int64(runs.count))
        var bound: (key: Int64, rowid: Int64) = (.max, .max)
        let nth = try db.cachedStatement(
            sql: "SELECT id_key, event_rowid FROM event_ids WHERE run = ? ORDER BY id_key, event_rowid LIMIT 1 OFFSET ?")
        for run in runs {
            guard let row = try Row.fetchOne(nth, arguments: [run, share - 1]) else { continue }
            let id: (key: Int64, rowid: Int64) = (row[0], row[1])
            if id < bound { bound = id }
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO event_ids(run, id_key, event_rowid)
                SELECT ?, id_key, event_rowid FROM event_ids
                WHERE run IN (SELECT input_run FROM event_id_merges WHERE into_run = ?) AND (id_key, event_rowid) <= (?, ?)
                ORDER BY id_key, event_rowid
                """
        ).execute(arguments: [into, into, bound.key, bound.rowid])
        let copied = Int64(db.changesCount)
        let remove = try db.cachedStatement(sql: "DELETE FROM event_ids WHERE run = ? AND (id_key, event_rowid) <= (?, ?)")
        let left = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM event_ids WHERE run = ?)")
        var ended = 0
        for run in runs {
            try remove.execute(arguments: [run, bound.key, bound.rowid])
            let removed = Int64(db.changesCount)
            if try Bool.fetchOne(left, arguments: [run]) == true {
                try db.execute(sql: "UPDATE event_id_runs SET entries = entries - ? WHERE run = ?", arguments: [removed, run])
            } else {
                try db.execute(sql: "DELETE FROM event_id_runs WHERE run = ?", arguments: [run])
                try db.execute(sql: "DELETE FROM event_id_merges WHERE input_run = ?", arguments: [run])
                ended += 1
            }
        }
        try db.execute(sql: "UPDATE event_id_runs SET entries = entries + ? WHERE run = ?", arguments: [copied, into])
        if ended == runs.count {
            let entries = try Int64.fetchOne(db, sql: "SELECT entries FROM event_id_runs WHERE run = ?", arguments: [into]) ?? 0
            try db.execute(sql: "UPDATE event_id_runs SET level = ? WHERE run = ?", arguments: [max(level + 1, Self.level(entries)), into])
        }
        return copied
    }
}
