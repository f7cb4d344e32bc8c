import GRDB

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

                    -- One row per event: the exact canonical bytes, their leaf hash (the id), the
                    -- columns queries need, and this node's arrival time (the arrival log).
                    CREATE TABLE events (
                        rowid INTEGER PRIMARY KEY,
                        office TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        id BLOB NOT NULL,
                        hlc_wall INTEGER NOT NULL,
                        hlc_logical INTEGER NOT NULL,
                        type TEXT NOT NULL,
                        effective TEXT NOT NULL,
                        arrived_ms INTEGER NOT NULL,
                        canonical BLOB NOT NULL,
                        UNIQUE (office, seq)
                    );
                    CREATE UNIQUE INDEX events_by_id ON events(id);
                    CREATE INDEX events_in_city_order ON events(hlc_wall, hlc_logical, office, seq);

                    CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
                    CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;

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
        return migrator
    }

    /// Names of the triggers that make the event table append-only; verification checks they exist.
    static let appendOnlyTriggers = ["events_append_only_update", "events_append_only_delete"]
}
