import Foundation
import GRDB

/// Where an event is found by its id: `event_id_blocks` holds the ids of the events up to a mark in
/// sorted runs, each a sequence of blocks of whole ids and their rowids (``Entry``), in place of an
/// index on `events(id_key)`; those after the mark are found in the event table itself, by rowid.
///
/// An id is a hash, so an index on it takes each new event on a random page: on a grown ledger a
/// transaction of 100 events wrote about 100 pages of that index to the WAL (and to the file again
/// at checkpoint), and one of 10,000 nearly all of it. Nothing is written for an id when its event
/// is stored. A write transaction that finds ``settleAfter`` events or more after the mark first
/// puts their ids in a new run, sorted (a long transaction does so every ``settleWithin`` events),
/// and moves the mark. Until then a lookup of an id that is not settled reads the few thousand
/// events after the mark, comparing their `id_key` (about 0.3 ms for 4,096 events on this machine).
///
/// Runs, not one sorted table: 4,096 ids put in one table of a million land on nearly every page
/// of it, so each settling wrote most of the table (by estimate 2,700 of its 4,600 pages), and the
/// bytes an event cost grew with the ledger. A run's pages are new and written once. A run's level is the
/// base-8 logarithm of its size in settlings (a run of 4,096 ids is level 0, of 32,768 level 1);
/// when ``mergeFanout`` runs share a level they are merged into one, so an id is copied about once
/// per level (three times in a million events) and a lookup probes a few runs per level. A merge
/// is done in steps, a few times as many ids as each settling puts in a run (``merge(_:budget:)``),
/// so no transaction's work grows with the ledger.
///
/// Blocks, not a row per id (migration v18): a row per id cost each one a statement and a
/// descent of the table's tree when it was settled and again each time it was merged, 17 % of
/// a transaction of 10,000 events. A block is one row of 96 ids, written, read and merged in
/// memory, and found by its last id (`UNIQUE (run, last_id)`): a lookup reads one block a run and
/// searches it (``findFunction``).
/// (A table of the recent ids, keyed by id, cost a page of every transaction, and 15 of the 40
/// pages a transaction of 100 events wrote; migration v15 drops it.)
///
/// The tables are an index of the event table, rebuilt from it at will; the events themselves are
/// never changed.
package enum EventIDs {
    /// A write transaction settles the ids first when this many events were stored after the mark.
    package static let settleAfter: Int64 = 4_096
    /// Within one write transaction, the ids are settled again after this many events.
    package static let settleWithin: Int64 = 32_768
    /// Runs of one level merged into one of the next.
    package static let mergeFanout = 8
    /// The most ids one step of a merge copies (and sorts, in memory: 640 KB); a budget larger
    /// than this is spent in several steps.
    static let mostPerStep: Int64 = 16_384

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

    /// Migration v18: the settled ids in blocks. The runs and merges before become one run of every
    /// id up to the mark, read from the events in order.
    static func migrateToBlocks(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE event_id_blocks (
                    block INTEGER PRIMARY KEY,
                    run INTEGER NOT NULL,
                    last_id BLOB NOT NULL,
                    ids BLOB NOT NULL,
                    UNIQUE (run, last_id)
                );
                DROP TABLE event_ids;
                DELETE FROM event_id_merges;
                DELETE FROM event_id_runs;
                """)
        let rows = try Row.fetchCursor(db, sql: "SELECT id, rowid FROM events WHERE rowid <= ? ORDER BY id, rowid", arguments: [try mark(db)])
        var (block, entries) = ([Entry](), Int64(0))
        while let row = try rows.next() {
            block.append(try entry(id: row[0], rowid: row[1]))
            if block.count == Entry.perBlock {
                try write(block[...], to: 1, in: db)
                entries += Int64(block.count)
                block.removeAll(keepingCapacity: true)
            }
        }
        try write(block[...], to: 1, in: db)
        entries += Int64(block.count)
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
    /// event has that id. Each run is probed first, at the one block that may hold the id (the
    /// first whose last id is not below it), searched by ``findFunction``; the events after the
    /// mark are read only when no run holds it (`coalesce` stops at its first value), so a lookup
    /// costs that scan only for an id after the mark or not held. A block holds whole ids, so what
    /// it finds is the event.
    package static func rowids(withKey key: String, id: String) -> String {
        """
        SELECT coalesce(
            (SELECT max(\(findFunction.name)(
                (SELECT b.ids FROM event_id_blocks b WHERE b.run = r.run AND b.last_id >= \(id) ORDER BY b.last_id LIMIT 1), \(id)))
             FROM event_id_runs r),
            (SELECT rowid FROM events WHERE rowid > (SELECT through FROM event_ids_mark WHERE id = 1) AND id_key = \(key) AND id = \(id)))
        """
    }

    /// `civic_event_rowid(ids, id)`: the rowid that a block of settled ids (``Entry``) gives the id,
    /// or NULL (also for a NULL block). Every connection of a store has it (``LedgerStore/configuration()``).
    package static let findFunction = DatabaseFunction("civic_event_rowid", argumentCount: 2, pure: true) { values in
        guard let block = Data.fromDatabaseValue(values[0]), let id = Data.fromDatabaseValue(values[1]), id.count == Entry.idBytes else {
            return nil
        }
        return block.withUnsafeBytes { block in id.withUnsafeBytes { id in Entry.find(Entry.Key(id), in: block) } }
    }

    /// The last event the settled table holds.
    static func mark(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT through FROM event_ids_mark WHERE id = 1")) ?? 0
    }

    /// Puts the ids of the events after `mark`, through the event `rowid`, in a new run (sorted,
    /// in blocks), moves the mark there and merges runs that have come to share a level, in the
    /// caller's write transaction. `adding` are the ids of the last of those events, in the order
    /// they were stored (``EventInsert`` keeps those it stored in memory): they are not read back
    /// from the events, and are emptied.
    static func settle(_ db: Database, after mark: Int64, through rowid: Int64, adding ids: inout [Entry]) throws {
        let stored = min(rowid, (ids.first?.rowid ?? rowid + 1) - 1)
        if stored > mark {
            var read: [Entry] = []
            read.reserveCapacity(Int(stored - mark))
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT id, rowid FROM events WHERE rowid > ? AND rowid <= ?"), arguments: [mark, stored])
            while let row = try rows.next() {
                read.append(try entry(id: row[0], rowid: row[1]))
            }
            ids.insert(contentsOf: read, at: 0)
        }
        // Sorted where they are (a range's are all in memory): `ids` keeps its room for the next.
        defer { ids.removeAll(keepingCapacity: true) }
        if !ids.isEmpty {
            ids.sort()
            let run = try nextRun(db)
            try write(ids[...], to: run, in: db)
            let count = Int64(ids.count)
            try db.execute(sql: "INSERT INTO event_id_runs(run, level, entries) VALUES (?, ?, ?)", arguments: [run, level(count), count])
            try merge(db, budget: mergeBudget(db, settled: count))
        }
        try db.execute(sql: "UPDATE event_ids_mark SET through = ? WHERE id = 1", arguments: [rowid])
    }

    /// The settled id of an event read from the event table.
    private static func entry(id: Data, rowid: Int64) throws -> Entry {
        guard id.count == Entry.idBytes else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "event \(rowid) has an id of \(id.count) bytes")
        }
        return id.withUnsafeBytes { Entry(key: Entry.Key($0), rowid: rowid) }
    }

    /// Appends sorted ids to a run, in blocks of ``Entry/perBlock`` (its ids must all be after
    /// those the run holds).
    private static func write(_ entries: ArraySlice<Entry>, to run: Int64, in db: Database) throws {
        let insert = try FastStatement(db, sql: "INSERT INTO event_id_blocks(run, last_id, ids) VALUES (?, ?, ?)")
        var start = entries.startIndex
        while start < entries.endIndex {
            let end = min(start + Entry.perBlock, entries.endIndex)
            insert.bind(1, run)
            try insert.run(blob: entries[end - 1].key.bytes, at: 2, blob: Entry.block(entries[start..<end]), at: 3)
            start = end
        }
    }

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
    /// most), in order, and returns how many (at least one while a run read holds any).
    ///
    /// The step's bound is the least, over the runs read, of each run's id at its share of the
    /// budget (the budget over the number of runs, eight at least): no run has more than its share
    /// at or below it, and the run that gave it has exactly its share. Each run's blocks up to the
    /// bound are read and removed, and the block the bound falls in is written back with the ids
    /// after it; what was read is sorted and appended to the run written. A run with less than its
    /// share is copied to its end. Every id stays in exactly one run.
    private static func step(_ db: Database, into: Int64, level: Int, budget: Int64) throws -> Int64 {
        let runs = try Int64.fetchAll(db, sql: "SELECT input_run FROM event_id_merges WHERE into_run = ? ORDER BY input_run", arguments: [into])
        guard !runs.isEmpty else { return 0 }
        let share = Int(max(8, budget / Int64(runs.count)))
        let blocks = try db.cachedStatement(sql: "SELECT block, ids FROM event_id_blocks WHERE run = ? ORDER BY last_id")
        // Each run's first blocks, through the one that holds its share.
        var heads: [[(block: Int64, ids: [Entry])]] = []
        var bound: Entry.Key?
        for run in runs {
            var (head, held) = ([(block: Int64, ids: [Entry])](), 0)
            let rows = try Row.fetchCursor(blocks, arguments: [run])
            while held < share, let row = try rows.next() {
                let ids = try Entry.entries(of: row[1])
                head.append((row[0], ids))
                held += ids.count
            }
            if held >= share, let last = head.last {
                let at = last.ids[last.ids.count - 1 - (held - share)].key
                if bound.map({ at < $0 }) ?? true { bound = at }
            }
            heads.append(head)
        }
        var copied: [Entry] = []
        let remove = try db.cachedStatement(sql: "DELETE FROM event_id_blocks WHERE block = ?")
        let rewrite = try FastStatement(db, sql: "UPDATE event_id_blocks SET ids = ? WHERE block = ?")
        var ended = 0
        for (run, head) in zip(runs, heads) {
            var taken = 0
            for (block, ids) in head {
                let cut = bound.map { Entry.count(ids, through: $0) } ?? ids.count
                guard cut > 0 else { break }
                copied += ids[..<cut]
                taken += cut
                if cut == ids.count {
                    try remove.execute(arguments: [block])
                } else {
                    rewrite.bind(2, block)
                    try rewrite.run(blob: Entry.block(ids[cut...]), at: 1)
                    break
                }
            }
            if try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM event_id_blocks WHERE run = ?)"), arguments: [run]) == true {
                try db.execute(sql: "UPDATE event_id_runs SET entries = entries - ? WHERE run = ?", arguments: [taken, run])
            } else {
                try db.execute(sql: "DELETE FROM event_id_runs WHERE run = ?", arguments: [run])
                try db.execute(sql: "DELETE FROM event_id_merges WHERE input_run = ?", arguments: [run])
                ended += 1
            }
        }
        copied.sort()
        try write(copied[...], to: into, in: db)
        try db.execute(sql: "UPDATE event_id_runs SET entries = entries + ? WHERE run = ?", arguments: [copied.count, into])
        if ended == runs.count {
            let entries = try Int64.fetchOne(db, sql: "SELECT entries FROM event_id_runs WHERE run = ?", arguments: [into]) ?? 0
            try db.execute(sql: "UPDATE event_id_runs SET level = ? WHERE run = ?", arguments: [max(level + 1, Self.level(entries)), into])
        }
        return Int64(copied.count)
    }
}
