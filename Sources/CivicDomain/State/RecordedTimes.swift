import GRDB

/// A projection table's rows up to a mark, by the instant they were recorded at: `(hlc_wall,
/// event_rowid)` in a table of their own, filled in key order as the mark moves (each page written
/// once for many rows), so that nothing indexes an event's time while it is stored. The rows after
/// the mark, a few thousand at most, are read by rowid.
struct RecordedTimes {
    /// The table of times, and the projection table whose rows it indexes.
    let table: String
    let rows: String

    var schema: String {
        """
        CREATE TABLE \(table) (
            hlc_wall INTEGER NOT NULL,
            event_rowid INTEGER NOT NULL,
            PRIMARY KEY (hlc_wall, event_rowid)
        ) WITHOUT ROWID;
        """
    }

    /// Adds the times of the rows stored after row `after` and up to row `through`, in key order.
    func index(_ db: Database, after: Int64, through: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO \(table)(hlc_wall, event_rowid)
                SELECT hlc_wall, event_rowid FROM \(rows) WHERE event_rowid > ? AND event_rowid <= ? ORDER BY hlc_wall, event_rowid
                """, arguments: [after, through])
    }
}
