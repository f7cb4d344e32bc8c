import GRDB
import LedgerCore

extension LedgerStore {
    /// The schema, as GRDB migrations. Event tables are append-only: triggers abort UPDATE and DELETE.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-event-log") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ledger_meta (
                        key TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL
                    ) WITHOUT ROWID;

                    -- Office keys this node trusts (its own at init; registrations later).
                    CREATE TABLE office_keys (
                        office TEXT PRIMARY KEY NOT NULL,
                        vkey TEXT NOT NULL
                    ) WITHOUT ROWID;

                    \(eventTableSQL)

                    \(eventTriggersSQL)

                    -- Per office: log size, last leaf hash, Merkle frontier, last HLC, latest signed checkpoint.
                    CREATE TABLE office_heads (
                        office TEXT PRIMARY KEY NOT NULL,
                        size INTEGER NOT NULL,
                        last_hash BLOB,
                        frontier BLOB NOT NULL,
                        hlc_wall INTEGER NOT NULL,
                        hlc_logical INTEGER NOT NULL,
                        checkpoint TEXT
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2-fork-evidence") { db in
            try db.execute(
                sql: """
                    -- Evidence that an office's log forked: a different event at a held (office, seq), or two
                    -- signed checkpoints of the same size with different roots. Kept, never applied.
                    CREATE TABLE forks (
                        rowid INTEGER PRIMARY KEY,
                        office TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        held_id BLOB,
                        other_canonical BLOB,
                        held_checkpoint TEXT,
                        other_checkpoint TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        detected_ms INTEGER NOT NULL
                    );
                    CREATE TRIGGER forks_append_only_update BEFORE UPDATE ON forks
                    BEGIN SELECT RAISE(ABORT, 'fork evidence is append-only'); END;
                    CREATE TRIGGER forks_append_only_delete BEFORE DELETE ON forks
                    BEGIN SELECT RAISE(ABORT, 'fork evidence is append-only'); END;
                    """)
        }
        migrator.registerMigration("v3-clock-flags") { db in
            try db.execute(
                sql: """
                    -- Ranges whose events carried clocks more than the skew bound ahead of this node's.
                    CREATE TABLE clock_flags (
                        rowid INTEGER PRIMARY KEY,
                        office TEXT NOT NULL,
                        events INTEGER NOT NULL,
                        ahead_ms INTEGER NOT NULL,
                        size INTEGER NOT NULL,
                        detected_ms INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v4-quarantine") { db in
            try db.execute(
                sql: """
                    -- Ranges of offices this node does not trust yet, held until the registrar's
                    -- office.registered arrives; then applied (or dropped if refused) and removed.
                    -- A waiting room, not the ledger: rows leave it, events never do.
                    CREATE TABLE quarantine (
                        rowid INTEGER PRIMARY KEY,
                        office TEXT NOT NULL,
                        after INTEGER NOT NULL,
                        checkpoint TEXT NOT NULL,
                        canonical BLOB NOT NULL,
                        events INTEGER NOT NULL,
                        received_ms INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v5-node-clock") { db in
            try db.execute(
                sql: """
                    -- This node's hybrid logical clock: the latest timestamp it has recorded, or stored from
                    -- another office within the clock bound. A clock further ahead never moves it.
                    CREATE TABLE node_clock (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        wall INTEGER NOT NULL,
                        logical INTEGER NOT NULL
                    );
                    INSERT INTO node_clock(id, wall, logical)
                        SELECT 1, hlc_wall, hlc_logical FROM events
                        WHERE office = (SELECT value FROM ledger_meta WHERE key = 'office') OR hlc_wall <= arrived_ms + \(clockSkewBound)
                        ORDER BY hlc_wall DESC, hlc_logical DESC LIMIT 1;
                    """)
        }
        migrator.registerMigration("v6-arrival-flags") { db in
            try db.execute(
                sql: """
                    -- What this node saw of other offices' clocks when their events arrived, per range:
                    -- 'ahead' (clocks ahead of this node's wall clock by more than the bound) or 'late'
                    -- (recorded further behind this node's clock than the late bound). extreme_ms is the
                    -- largest lead or lag; first_seq and last_seq the first and last flagged events.
                    CREATE TABLE arrival_flags (
                        rowid INTEGER PRIMARY KEY,
                        office TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        events INTEGER NOT NULL,
                        first_seq INTEGER,
                        last_seq INTEGER,
                        extreme_ms INTEGER NOT NULL,
                        size INTEGER NOT NULL,
                        detected_ms INTEGER NOT NULL
                    );
                    -- Flags of the earlier version name their range, not its events.
                    INSERT INTO arrival_flags(office, kind, events, extreme_ms, size, detected_ms)
                        SELECT office, 'ahead', events, ahead_ms, size, detected_ms FROM clock_flags ORDER BY rowid;
                    DROP TABLE clock_flags;
                    """)
        }
        migrator.registerMigration("v7-fork-proofs") { db in
            try db.execute(
                sql: """
                    -- Evidence that an office signed two histories, kept only once it verified: two checkpoints
                    -- the office signed (the smaller size first) and a consistency proof in the second's tree
                    -- showing another root at the first's size. Append-only, one row per pair of notes.
                    -- (The table `forks` of earlier versions held unsigned "evidence" too; it is no longer read.)
                    CREATE TABLE fork_proofs (
                        rowid INTEGER PRIMARY KEY,
                        office TEXT NOT NULL,
                        digest BLOB NOT NULL UNIQUE,
                        first_note TEXT NOT NULL,
                        second_note TEXT NOT NULL,
                        first_size INTEGER NOT NULL,
                        second_size INTEGER NOT NULL,
                        second_root_at_first BLOB NOT NULL,
                        proof BLOB NOT NULL,
                        detected_ms INTEGER NOT NULL
                    );
                    CREATE TRIGGER fork_proofs_append_only_update BEFORE UPDATE ON fork_proofs
                    BEGIN SELECT RAISE(ABORT, 'fork proofs are append-only'); END;
                    CREATE TRIGGER fork_proofs_append_only_delete BEFORE DELETE ON fork_proofs
                    BEGIN SELECT RAISE(ABORT, 'fork proofs are append-only'); END;
                    """)
        }
        migrator.registerMigration("v8-quarantine-digest") { db in
            // A quarantined range is identified by its bytes too, so a junk range under a genuine
            // checkpoint cannot shadow the genuine one.
            try db.execute(sql: "ALTER TABLE quarantine ADD COLUMN digest BLOB")
        }
        migrator.registerMigration("v9-key-history") { db in
            try db.execute(
                sql: """
                    -- Every office's keys (DESIGN §3): the key that signs its checkpoints from from_size on
                    -- (until the next key's), and, once the registrar revoked it, none beyond revoked_after.
                    -- Written from the registrar's office.registered, office.key-rotated and office.key-revoked.
                    CREATE TABLE key_history (
                        office TEXT NOT NULL,
                        from_size INTEGER NOT NULL,
                        vkey TEXT NOT NULL,
                        revoked_after INTEGER,
                        PRIMARY KEY (office, from_size)
                    ) WITHOUT ROWID;
                    INSERT INTO key_history(office, from_size, vkey) SELECT office, 1, vkey FROM office_keys;
                    DROP TABLE office_keys;
                    -- The checkpoints at which an office's key changes (its last under the old key), kept
                    -- so a range can be sent in parts that each verify under the key a receiver knows.
                    CREATE TABLE boundary_checkpoints (
                        office TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        note TEXT NOT NULL,
                        PRIMARY KEY (office, size)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v10-merkle-nodes") { db in
            try db.execute(
                sql: """
                    -- The roots of each office log's perfect subtrees at heights 8, 16, 24, ... (the
                    -- index-th subtree of that height): with the leaves, any root or proof is O(log n) reads.
                    CREATE TABLE merkle_nodes (
                        office TEXT NOT NULL,
                        level INTEGER NOT NULL,
                        idx INTEGER NOT NULL,
                        hash BLOB NOT NULL,
                        PRIMARY KEY (office, level, idx)
                    ) WITHOUT ROWID;
                    CREATE TRIGGER merkle_nodes_append_only_update BEFORE UPDATE ON merkle_nodes
                    BEGIN SELECT RAISE(ABORT, 'Merkle nodes are append-only'); END;
                    CREATE TRIGGER merkle_nodes_append_only_delete BEFORE DELETE ON merkle_nodes
                    BEGIN SELECT RAISE(ABORT, 'Merkle nodes are append-only'); END;
                    """)
            try LedgerStore.backfillNodes(db)
        }
        migrator.registerMigration("v11-sync-rounds") { db in
            // The last sync round this node started with each peer (LedgerStore+SyncRounds): node
            // bookkeeping for the health page, replaced each round; not part of the ledger.
            try db.execute(
                sql: """
                    CREATE TABLE sync_rounds (
                        peer TEXT PRIMARY KEY,
                        at_ms INTEGER NOT NULL,
                        ok INTEGER NOT NULL,
                        pulled INTEGER NOT NULL,
                        pushed INTEGER NOT NULL,
                        detail TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v12-cosignatures") { db in
            try db.execute(
                sql: """
                    -- Witnesses' cosignatures (C2SP tlog-cosignature) of offices' signed checkpoints
                    -- (Protocol/PUBLISH.md §3): made here of other offices' logs, or received and checked.
                    CREATE TABLE cosignatures (
                        office TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        root BLOB NOT NULL,
                        witness TEXT NOT NULL,
                        timestamp INTEGER NOT NULL,
                        line TEXT NOT NULL,
                        PRIMARY KEY (office, size, witness)
                    ) WITHOUT ROWID;
                    CREATE TRIGGER cosignatures_append_only_update BEFORE UPDATE ON cosignatures
                    BEGIN SELECT RAISE(ABORT, 'cosignatures are append-only'); END;
                    CREATE TRIGGER cosignatures_append_only_delete BEFORE DELETE ON cosignatures
                    BEGIN SELECT RAISE(ABORT, 'cosignatures are append-only'); END;
                    """)
        }
        migrator.registerMigration("v13-event-ids") { db in
            // Lookups by id (EventIDs): a settled table and one of the events since its mark, in
            // place of an index on `events(id_key)`, whose every insert landed on a random page.
            try db.execute(sql: EventIDs.schemaV13)
            try db.execute(sql: "INSERT INTO event_ids(id_key, event_rowid) SELECT id_key, rowid FROM events ORDER BY id_key, rowid")
            try db.execute(sql: "UPDATE event_ids_mark SET through = (SELECT coalesce(max(rowid), 0) FROM events) WHERE id = 1")
            try db.execute(sql: "DROP INDEX events_by_id_key")
        }
        migrator.registerMigration("v14-no-city-order-index") { db in
            // Nothing the store does reads events by their time: a projector that needs them in
            // citywide order indexes its own rows (the civic projection indexes its costs' times as
            // its snapshots catch up), so no append or received event writes an index of its time.
            try db.execute(sql: "DROP INDEX events_in_city_order")
        }
        migrator.registerMigration("v15-no-recent-ids") { db in
            // The events after the id mark are found in the event table itself (EventIDs): no
            // transaction writes a table of their ids any more. (A ledger made since this version
            // never had one: v13 makes the settled table alone.)
            try db.execute(sql: "DROP TABLE IF EXISTS event_ids_recent")
        }
        migrator.registerMigration("v16-event-id-runs") { db in
            // The settled ids in sorted runs (EventIDs): a settling writes new pages only, not most
            // of one table that grows with the ledger.
            try EventIDs.migrateToRuns(db)
        }
        migrator.registerMigration("v17-event-id-merges-in-steps") { db in
            // Merges of runs spread over the settlings that follow: no transaction copies a run
            // whose size grows with the ledger.
            try db.execute(sql: EventIDs.mergesSchema)
        }
        migrator.registerMigration("v18-event-id-blocks") { db in
            // The settled ids in blocks of whole ids, each a row: settling and merging them is
            // done in memory, not a statement and a descent of the table's tree per id.
            try EventIDs.migrateToBlocks(db)
        }
        migrator.registerMigration("v19-event-runs") { db in
            // An office's events found by seq through the runs of rowids they were stored at
            // (EventRuns), in place of the unique index on (office, seq), which a transaction of
            // 100 events wrote 4 – 5 pages of: the event table is copied without it.
            try EventRuns.migrate(db)
        }
        return migrator
    }

    /// The event table and its indexes as migration v1 made them (without the append-only
    /// triggers); the benchmark's plain insert baseline uses the same definition.
    ///
    /// One row per event: the exact canonical bytes, their leaf hash (the id), the columns queries
    /// need, and this node's arrival time (the arrival log). Lookups by id go through `id_key`, the
    /// id's first 8 bytes as an integer: a small index where a 32-byte one would not stay in cache.
    /// Ids need no unique index of their own: `(office, seq)` is unique and both are in the hashed bytes.
    /// (Migration v13 replaces the index on `id_key` by ``EventIDs``, v14 drops the one in citywide
    /// order and v19 copies the table without `UNIQUE (office, seq)`, found by ``EventRuns`` instead;
    /// the benchmark's baseline keeps all three.)
    public static let eventTableSQL = """
        CREATE TABLE events (
        \(eventColumnsSQL),
            UNIQUE (office, seq)
        );
        CREATE INDEX events_by_id_key ON events(id_key);
        CREATE INDEX events_in_city_order ON events(hlc_wall, hlc_logical, office, seq);
        """

    /// The event table's columns (migration v1, and v19's copy of the table).
    static let eventColumnsSQL = """
            rowid INTEGER PRIMARY KEY,
            office TEXT NOT NULL,
            seq INTEGER NOT NULL,
            id BLOB NOT NULL,
            id_key INTEGER NOT NULL,
            hlc_wall INTEGER NOT NULL,
            hlc_logical INTEGER NOT NULL,
            type TEXT NOT NULL,
            effective TEXT NOT NULL,
            arrived_ms INTEGER NOT NULL,
            canonical BLOB NOT NULL
        """

    /// The triggers that make the event table append-only (migration v1, and v19 again on the
    /// table it copies).
    static let eventTriggersSQL = """
        CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
        CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;
        """

    /// The 8-byte lookup key of an id.
    public static func idKey(_ id: Hash) -> Int64 {
        id.bytes.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }

    /// Names of the triggers that make the event table and the fork proofs append-only; verification checks they exist.
    static let appendOnlyTriggers = [
        "events_append_only_update", "events_append_only_delete", "fork_proofs_append_only_update", "fork_proofs_append_only_delete",
        "merkle_nodes_append_only_update", "merkle_nodes_append_only_delete", "event_runs_append_only_update",
        "event_runs_append_only_delete",
    ]
}
