import GRDB
import GRDBSQLite

/// Where an office's event with a given seq is found: `event_runs` holds, for each office, the runs
/// of its events stored at consecutive rowids, in place of a unique index on `events(office, seq)`.
///
/// An office's events held here are always its seqs 1 through its head's size (each range received
/// continues the held chain, each append the office's own), and a transaction stores them at
/// consecutive rowids. So a run is its first seq and first rowid alone: it lasts until the
/// office's next run begins, or through the head's size for its last, and the event at seq `s` of
/// the run that begins at `(first_seq, first_rowid)` is at rowid `first_rowid + s - first_seq`.
/// A transaction writes a run only when an office's events stop following its last one on from
/// where it ended (another office's events were stored in between), so a node that records its own
/// office's events writes none, and a hub writes one per range received.
///
/// Why (migration v19): the unique index was appended to at its end by every transaction, and
/// SQLite rebalances an index page that overflows with its two neighbours, leaving each nearly
/// full, so that the next transaction's entries overflowed it again. A transaction of 100 events
/// wrote 4 – 5 pages of that index, a fifth of all it wrote. The event table's rows are
/// appended at its end, where SQLite only starts a new page.
///
/// Every read through a run checks the row it finds (its office and its seq), so a wrong run can
/// only make events missing — which readers report and `civic verify` names — never give another
/// event. The table is append-only, like the events; nothing else writes it.
package enum EventRuns {
    /// Migration v19: the event table again without `UNIQUE (office, seq)`, its rows copied
    /// unchanged (same rowids and bytes), and the runs of the events held.
    static func migrate(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE event_runs (
                    office TEXT NOT NULL,
                    first_seq INTEGER NOT NULL,
                    first_rowid INTEGER NOT NULL,
                    PRIMARY KEY (office, first_seq)
                ) WITHOUT ROWID;
                CREATE TRIGGER event_runs_append_only_update BEFORE UPDATE ON event_runs
                BEGIN SELECT RAISE(ABORT, 'event runs are append-only: UPDATE refused'); END;
                CREATE TRIGGER event_runs_append_only_delete BEFORE DELETE ON event_runs
                BEGIN SELECT RAISE(ABORT, 'event runs are append-only: DELETE refused'); END;
                """)
        // The runs, from the unique index while it exists: a run begins where an event's rowid
        // does not follow on from its office's event before it.
        let rows = try Row.fetchCursor(db, sql: "SELECT office, seq, rowid FROM events ORDER BY office, seq")
        let insert = try db.makeStatement(sql: "INSERT INTO event_runs(office, first_seq, first_rowid) VALUES (?, ?, ?)")
        var last: (office: String, seq: Int64, rowid: Int64)?
        while let row = try rows.next() {
            let (office, seq, rowid): (String, Int64, Int64) = (row[0], row[1], row[2])
            if let last, last.office == office {
                guard seq == last.seq + 1 else {
                    throw StoreError(.corrupt("the events of \(office) held here skip from seq \(last.seq) to \(seq) (run civic verify)"))
                }
                if rowid != last.rowid + 1 { try insert.execute(arguments: [office, seq, rowid]) }
            } else {
                guard seq == 1 else { throw StoreError(.corrupt("the events of \(office) held here begin at seq \(seq), not 1 (run civic verify)")) }
                try insert.execute(arguments: [office, seq, rowid])
            }
            last = (office, seq, rowid)
        }
        try db.execute(
            sql: """
                DROP TRIGGER events_append_only_update;
                DROP TRIGGER events_append_only_delete;
                CREATE TABLE events_v19 (
                \(LedgerStore.eventColumnsSQL)
                );
                INSERT INTO events_v19(rowid, office, seq, id, id_key, hlc_wall, hlc_logical, type, effective, arrived_ms, canonical)
                SELECT rowid, office, seq, id, id_key, hlc_wall, hlc_logical, type, effective, arrived_ms, canonical FROM events ORDER BY rowid;
                DROP TABLE events;
                ALTER TABLE events_v19 RENAME TO events;
                \(LedgerStore.eventTriggersSQL)
                """)
    }

    /// A `FROM` clause: the runs `r` of office `office` that hold seqs after `after` through
    /// `through`, and their events `e` in seq order (SQL expressions, e.g. `?1`, `?2`, `?3`). Order
    /// by `r.first_seq, e.rowid` for seq order (SQLite reads them in that order: it sorts nothing).
    ///
    /// The caller's `WHERE` continues the one this clause ends with (`AND …`); `joining` names
    /// tables joined to the events, e.g. `CROSS JOIN civic_costs c ON c.event_rowid = e.rowid`.
    /// The row checks are written `+e.office`, `+e.seq` so that SQLite never reads the events by
    /// them: over every office it chose to build an index of the events' offices (all of them)
    /// and sort the rows, rather than read each run's rowids.
    package static func from(
        office: String = "?1", after: String = "?2", through: String = "?3", prefix: String = "", joining: String = ""
    ) -> String {
        // The run's last seq: the one before the office's next run, or its head's size.
        let runEnd = """
            coalesce((SELECT n.first_seq - 1 FROM event_runs n WHERE n.office = r.office AND n.first_seq > r.first_seq \
            ORDER BY n.first_seq LIMIT 1), (SELECT head.size FROM office_heads head WHERE head.office = r.office))
            """
        return """
            \(prefix)event_runs r CROSS JOIN events e
            ON e.rowid BETWEEN r.first_rowid + max(\(after) + 1, r.first_seq) - r.first_seq AND r.first_rowid + min(\(through), \(runEnd)) - r.first_seq
            AND +e.office = r.office AND +e.seq = r.first_seq + e.rowid - r.first_rowid
            \(joining)
            WHERE r.office = \(office) AND r.first_seq <= \(through)
            AND r.first_seq >= coalesce((SELECT max(p.first_seq) FROM event_runs p WHERE p.office = \(office) AND p.first_seq <= \(after) + 1), 0)
            """
    }

    /// A `FROM` clause of every office's events (`h` its head, `r` and `e` as in ``from(office:after:through:prefix:joining:)``),
    /// in (office, seq) order by ``everyOfficeOrder``.
    package static let everyOffice = from(office: "h.office", after: "0", through: "h.size", prefix: "office_heads h CROSS JOIN ")
    package static let everyOfficeOrder = "h.office, r.first_seq, e.rowid"

    /// Events of office `?1` with seq in `(?2, ?3]`, in seq order: `SELECT columns FROM … ORDER BY …`.
    package static func select(_ columns: String) -> String {
        "SELECT \(columns) FROM \(from()) ORDER BY r.first_seq, e.rowid"
    }

    /// Finds single events by office and seq through the office's runs, read once per office (in
    /// one read transaction): for a caller looking up many scattered events (a node's flags),
    /// where each ``select(_:)`` query looks the runs up again and a GRDB row costs more than the
    /// look-up. Like every read through a run, it checks the row it finds, so a wrong run makes an
    /// event missing, never another one.
    package struct Finder {
        private var starts: [String: [(seq: Int64, rowid: Int64)]] = [:]

        package init() {}

        /// Reads the event at `seq` of `office`: `body` gets the statement's handle on its row,
        /// whose columns from 0 are `columns` (of `events`, e.g. `id, type`). Nil when it is not held.
        package mutating func read<T>(
            _ db: Database, office: String, seq: Int64, columns: String, _ body: (OpaquePointer?) throws -> T
        ) throws -> T? {
            let runs: [(seq: Int64, rowid: Int64)]
            if let known = starts[office] {
                runs = known
            } else {
                runs = try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT first_seq, first_rowid FROM event_runs WHERE office = ? ORDER BY first_seq"), arguments: [office]
                ).map { (seq: $0[0], rowid: $0[1]) }
                starts[office] = runs
            }
            // The last run that begins at or before `seq`.
            var (low, high) = (0, runs.count)
            while low < high {
                let middle = (low + high) / 2
                if runs[middle].seq <= seq { low = middle + 1 } else { high = middle }
            }
            guard low > 0 else { return nil }
            let run = runs[low - 1]
            let statement = try db.cachedStatement(sql: "SELECT \(columns), office, seq FROM events WHERE rowid = ?")
            try statement.setArguments([run.rowid + seq - run.seq])
            let handle = statement.sqliteStatement
            defer { sqlite3_reset(handle) }
            let step = sqlite3_step(handle)
            guard step == SQLITE_ROW else {
                if step == SQLITE_DONE { return nil }
                throw DatabaseError(resultCode: ResultCode(rawValue: step), message: "reading \(office)#\(seq)")
            }
            let count = sqlite3_column_count(handle)
            let found = sqlite3_column_text(handle, count - 2).map { String(cString: $0) }
            guard found == office, sqlite3_column_int64(handle, count - 1) == seq else { return nil }
            return try body(handle)
        }
    }

    /// Where a transaction's events of one office go: the seq the next must have and the office's
    /// last run, read once per office and transaction.
    struct Tail {
        var next: Int64
        var run: (seq: Int64, rowid: Int64)?
    }

    /// Keeps the runs as a transaction stores events (``EventInsert``), and refuses an event that
    /// is not its office's next: the check the unique index made, and the one the runs rely on.
    struct Writer {
        /// The office of the last event stored, and where it is: a range or a batch is one office's.
        private var current: (office: String, tail: Tail)?
        private var others: [String: Tail] = [:]

        /// - Parameter known: an office's tail as the last transaction left it, when the caller
        ///   believes nothing has written since (``WriteMemo``). It is taken only if the office's
        ///   head in the ledger still ends where it says (one look-up, through the C API), so a
        ///   memo gone stale still meets the seq check against the ledger itself.
        init(known: (office: String, tail: Tail)? = nil, in db: Database) throws {
            if let known, try Self.size(known.office, in: db) + 1 == known.tail.next { current = known }
        }

        /// The number of `office`'s events held (its head's size), through the C API
        /// (``FastStatement``): the two GRDB fetches of ``read(_:in:)`` were 8.5 % of a one-event
        /// append's samples.
        private static func size(_ office: String, in db: Database) throws -> Int64 {
            let statement = try FastStatement(db, sql: "SELECT size FROM office_heads WHERE office = ?")
            statement.bind(1, office)
            return try statement.int64() ?? 0
        }

        /// `office`'s tail after the events stored so far, if any of its events were.
        func tail(of office: String) -> Tail? {
            current?.office == office ? current?.tail : others[office]
        }

        /// Notes that `office`'s event `seq` is stored at `rowid` in this transaction, starting a run
        /// when it does not follow on from the office's last; refuses it (and writes nothing) when it
        /// is not the office's next, so the caller's transaction rolls back.
        mutating func stored(office: String, seq: Int64, rowid: Int64, in db: Database) throws {
            var tail = try tail(office, in: db)
            guard seq == tail.next else {
                throw StoreError(.internalFault("\(office)#\(seq) is not the next event of \(office) here (that is #\(tail.next)): nothing was stored"))
            }
            if let run = tail.run, run.rowid + (tail.next - run.seq) == rowid {
                // Follows on from the last run: nothing to write.
            } else {
                try db.cachedStatement(sql: "INSERT INTO event_runs(office, first_seq, first_rowid) VALUES (?, ?, ?)")
                    .execute(arguments: [office, tail.next, rowid])
                tail.run = (tail.next, rowid)
            }
            tail.next += 1
            current = (office, tail)
        }

        /// `office`'s tail, made the current one.
        private mutating func tail(_ office: String, in db: Database) throws -> Tail {
            if let current, current.office == office { return current.tail }
            if let current { others[current.office] = current.tail }
            let tail = try others.removeValue(forKey: office) ?? Self.read(office, in: db)
            current = (office, tail)
            return tail
        }

        private static func read(_ office: String, in db: Database) throws -> Tail {
            let size = try Int64.fetchOne(db.cachedStatement(sql: "SELECT size FROM office_heads WHERE office = ?"), arguments: [office]) ?? 0
            let run = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT first_seq, first_rowid FROM event_runs WHERE office = ? ORDER BY first_seq DESC LIMIT 1"),
                arguments: [office])
            return Tail(next: size + 1, run: run.map { ($0[0], $0[1]) })
        }
    }
}
