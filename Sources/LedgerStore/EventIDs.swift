import GRDB

/// Where an event is found by its id: `event_ids`, a table of `(id_key, event_rowid)` in place of an
/// index on `events(id_key)`, holds the events up to a mark; those after it are found in the event
/// table itself, by rowid.
///
/// An id is a hash, so an index on it takes each new event on a random page: on a grown ledger a
/// transaction of 100 events wrote about 100 pages of that index to the WAL (and to the file again
/// at checkpoint), and one of 10,000 nearly all of it. A write transaction that finds
/// ``settleAfter`` events or more after the mark first puts their ids in `event_ids` in one pass in
/// key order, each settled page written once for thousands of events, and moves the mark (a long
/// transaction does so every ``settleWithin`` events). Until then nothing is written for an id: a
/// lookup of an id that is not settled reads the few thousand events after the mark, comparing
/// their `id_key` (about 0.3 ms for 4,096 events on this machine, against 5 µs for a settled
/// one). (A table of the recent ids, keyed by id, cost a page of every transaction, and 15 of the
/// 40 pages a transaction of 100 events wrote; migration v15 drops it.)
///
/// The table is an index of the event table, rebuilt from it at will; the events themselves are
/// never changed.
package enum EventIDs {
    /// A write transaction settles the ids first when this many events were stored after the mark.
    package static let settleAfter: Int64 = 4_096
    /// Within one write transaction, the ids are settled again after this many events.
    package static let settleWithin: Int64 = 32_768

    static let schema = """
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

    /// The rowid of the event whose id is the SQL expression `id`, with `key` its `id_key` (each a
    /// parameter, or a column of the query around it): a subquery for `rowid IN (…)`, NULL when no
    /// event has that id. The settled ids are probed once; the events after the mark are read only
    /// when the probe finds nothing (`coalesce` stops at its first value), so a lookup costs that
    /// scan only for an id after the mark or not held. Both compare the whole id: two ids may share
    /// a key, and one id is one event.
    /// (In a join, `CROSS JOIN` keeps the table that gives `key` outside: the planner cannot drive
    /// the join through a correlated `IN`.)
    package static func rowids(withKey key: String, id: String) -> String {
        """
        SELECT coalesce(
            (SELECT i.event_rowid FROM event_ids i JOIN events s ON s.rowid = i.event_rowid WHERE i.id_key = \(key) AND s.id = \(id)),
            (SELECT rowid FROM events WHERE rowid > (SELECT through FROM event_ids_mark WHERE id = 1) AND id_key = \(key) AND id = \(id)))
        """
    }

    /// The last event the settled table holds.
    static func mark(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT through FROM event_ids_mark WHERE id = 1")) ?? 0
    }

    /// Puts the ids of the events after `mark`, through the event `rowid`, in the settled table (in
    /// key order, so each settled page is written once) and moves the mark there, in the caller's
    /// write transaction. `adding` are the ids of the last of those events, in the order they were
    /// stored (a range received keeps its own in memory): they are not read back from the events.
    static func settle(_ db: Database, after mark: Int64, through rowid: Int64, adding ids: inout [(key: Int64, rowid: Int64)]) throws {
        let stored = min(rowid, (ids.first?.rowid ?? rowid + 1) - 1)
        if stored > mark {
            try db.execute(
                sql: """
                    INSERT INTO event_ids(id_key, event_rowid)
                    SELECT id_key, rowid FROM events WHERE rowid > ? AND rowid <= ? ORDER BY id_key, rowid
                    """, arguments: [mark, stored])
        }
        if !ids.isEmpty {
            ids.sort { ($0.key, $0.rowid) < ($1.key, $1.rowid) }
            let insert = try FastStatement(db, sql: "INSERT INTO event_ids(id_key, event_rowid) VALUES (?, ?)")
            for id in ids {
                insert.bind(1, id.key)
                insert.bind(2, id.rowid)
                try insert.run()
            }
            ids.removeAll(keepingCapacity: true)
        }
        try db.execute(sql: "UPDATE event_ids_mark SET through = ? WHERE id = 1", arguments: [rowid])
    }
}
