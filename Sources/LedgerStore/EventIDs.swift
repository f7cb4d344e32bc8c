import GRDB

/// Where an event is found by its id: two tables of `(id_key, event_rowid)` in place of an index on
/// `events(id_key)`.
///
/// An id is a hash, so an index on it takes each new event on a random page: on a grown ledger a
/// transaction of 100 events wrote about 100 pages of that index to the WAL (and to the file again
/// at checkpoint), and one of 10,000 nearly all of it. New ids go to `event_ids_recent`, which holds
/// the events after a mark and stays small, so a transaction dirties only its few pages. A write
/// transaction that finds it holding ``settleAfter`` entries or more first moves them to
/// `event_ids` in one pass in key order, each settled page written once for thousands of events
/// (and a long transaction does so every ``settleWithin`` events). A lookup probes both.
///
/// Both are an index of the event table, rebuilt from it at will; the events themselves are never
/// changed.
package enum EventIDs {
    /// A write transaction settles the recent ids first when this many events were stored after the mark.
    package static let settleAfter: Int64 = 4_096
    /// Within one write transaction, the recent ids are settled again after this many events.
    package static let settleWithin: Int64 = 32_768

    static let schema = """
        CREATE TABLE event_ids (
            id_key INTEGER NOT NULL,
            event_rowid INTEGER NOT NULL,
            PRIMARY KEY (id_key, event_rowid)
        ) WITHOUT ROWID;
        CREATE TABLE event_ids_recent (
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

    /// The rowids of the events whose `id_key` is the SQL expression `key` (a parameter, or a column
    /// of the query around it): a subquery for `rowid IN (…)`, to be checked against the full id.
    /// (In a join, `CROSS JOIN` keeps the table that gives `key` outside: the planner cannot drive
    /// the join through a correlated `IN`.)
    package static func rowids(withKey key: String) -> String {
        "SELECT event_rowid FROM event_ids WHERE id_key = \(key) UNION ALL SELECT event_rowid FROM event_ids_recent WHERE id_key = \(key)"
    }

    /// The last event the settled table holds.
    static func mark(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT through FROM event_ids_mark WHERE id = 1")) ?? 0
    }

    /// Moves every recent id to the settled table (in key order, so each settled page is written
    /// once), through the event `rowid`, in the caller's write transaction; `adding` are ids not in
    /// the recent table (a range received keeps its own in memory), put there in key order too.
    static func settle(_ db: Database, through rowid: Int64, adding ids: inout [(key: Int64, rowid: Int64)]) throws {
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
        try db.execute(
            sql: """
                INSERT INTO event_ids(id_key, event_rowid) SELECT id_key, event_rowid FROM event_ids_recent ORDER BY id_key, event_rowid;
                DELETE FROM event_ids_recent;
                UPDATE event_ids_mark SET through = ? WHERE id = 1;
                """, arguments: [rowid])
    }
}
