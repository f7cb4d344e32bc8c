import Foundation
import GRDB
import GRDBSQLite
import LedgerStore
import Testing

@Suite("Statements bound through the C API")
struct FastStatementTests {
    /// Texts are read in place from the statement's arena until it runs; what does not fit is
    /// copied by SQLite; either way the row holds exactly the text bound, row after row.
    @Test func textsSurviveUntilTheStatementRuns() throws {
        let queue = try DatabaseQueue()
        let long = String(repeating: "é", count: 3000)  // 6,000 bytes: more than the arena holds
        let rows: [(String?, String?, String?)] = [
            ("riverside", "", nil), (long, "ß", "日本"), ("a", long, long), ("d", "b", "c"), ("last", "row", "here"),
        ]
        let stored = try queue.write { db in
            try db.execute(sql: "CREATE TABLE t(n INTEGER, a TEXT, b TEXT, c TEXT)")
            let insert = try FastStatement(db, sql: "INSERT INTO t(n, a, b, c) VALUES (?, ?, ?, ?)")
            for (number, row) in rows.enumerated() {
                insert.bind(1, Int64(number))
                insert.bind(2, row.0)
                insert.bind(3, row.1)
                insert.bind(4, row.2)
                try insert.run()
            }
            return try Row.fetchAll(db, sql: "SELECT a, b, c, typeof(b) AS kind FROM t ORDER BY n")
        }
        #expect(stored.map { $0["a"] as String? } == rows.map(\.0))
        #expect(stored.map { $0["b"] as String? } == rows.map(\.1))
        #expect(stored.map { $0["c"] as String? } == rows.map(\.2))
        #expect(stored.first?["kind"] as String? == "text")  // "" is an empty text, not NULL
    }

    /// A blob is stored as bound, and no bytes are an empty blob, not NULL (SQLite takes a blob
    /// without an address for NULL, and an empty array may have none): an office head with no
    /// events saves an empty Merkle frontier in a column that refuses NULL.
    @Test func noBytesAreAnEmptyBlob() throws {
        let queue = try DatabaseQueue()
        let rows = try queue.write { db in
            try db.execute(sql: "CREATE TABLE t(n INTEGER, b BLOB NOT NULL)")
            let insert = try FastStatement(db, sql: "INSERT INTO t(n, b) VALUES (?, ?)")
            for (number, bytes) in [[UInt8](), [1, 2, 3], []].enumerated() {
                insert.bind(1, Int64(number))
                try bytes.withUnsafeBytes { buffer in
                    insert.bind(2, blob: buffer)
                    try insert.run()
                }
            }
            try insert.run(blob: [], at: 2)
            insert.bind(1, 4)
            insert.bind(2, blob: UnsafeRawBufferPointer(start: nil, count: 0))
            try insert.run()
            return try Row.fetchAll(db, sql: "SELECT typeof(b) AS kind, b FROM t ORDER BY rowid")
        }
        #expect(rows.map { $0["kind"] as String } == ["blob", "blob", "blob", "blob", "blob"])
        #expect(rows.map { [UInt8]($0["b"] as Data) } == [[], [1, 2, 3], [], [], []])
    }

    @Test func aFailedStepIsADatabaseError() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t(a TEXT NOT NULL UNIQUE)")
            let insert = try FastStatement(db, sql: "INSERT INTO t(a) VALUES (?)")
            insert.bind(1, "once")
            try insert.run()
            insert.bind(1, "once")
            #expect(throws: DatabaseError.self) { try insert.run() }
            insert.bind(1, nil)
            #expect(throws: DatabaseError.self) { try insert.run() }
            insert.bind(1, "twice")
            try insert.run()
            #expect(try String.fetchAll(db, sql: "SELECT a FROM t ORDER BY a") == ["once", "twice"])
        }
    }

    /// A look-up of one integer: the row's first column, nil when no row, bindings cleared and
    /// checked as a row's are (a refused one throws before anything is stepped).
    @Test func anIntegerIsReadFromTheRowFound() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t(a TEXT, b INTEGER); INSERT INTO t VALUES ('riverside', 7), ('north', 0)")
            let sql = "SELECT b FROM t WHERE a = ?"
            let select = try FastStatement(db, sql: sql)
            select.bind(1, "riverside")
            #expect(try select.int64() == 7)
            select.bind(1, "north")
            #expect(try select.int64() == 0)
            select.bind(1, "south")
            #expect(try select.int64() == nil)
            #expect(try Self.boundSQL(db, sql) == "SELECT b FROM t WHERE a = NULL")
            select.bind(2, "east")  // no such parameter
            #expect(throws: DatabaseError.self) { try select.int64() }
            #expect(try FastStatement(db, sql: "PRAGMA data_version").int64() != nil)
        }
    }

    /// The text of GRDB's cached statement for `sql` with its bindings as they stand (NULL where
    /// none is left).
    static func boundSQL(_ db: Database, _ sql: String) throws -> String {
        let expanded = try #require(sqlite3_expanded_sql(try db.cachedStatement(sql: sql).sqliteStatement))
        defer { sqlite3_free(expanded) }
        return String(cString: expanded)
    }

    /// The statement goes back to GRDB's cache with no binding left (none points into the arena),
    /// and a binding SQLite refuses makes the row fail before anything is stepped.
    @Test func bindingsAreClearedAndCheckedEveryRow() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t(a TEXT, b INTEGER)")
            let sql = "INSERT INTO t(a, b) VALUES (?, ?)"
            let insert = try FastStatement(db, sql: sql)
            insert.bind(1, "riverside")
            insert.bind(2, 7)
            try insert.run()
            #expect(try Self.boundSQL(db, sql) == "INSERT INTO t(a, b) VALUES (NULL, NULL)")
            insert.bind(1, "north")
            insert.bind(3, 1)  // no such parameter
            let error = #expect(throws: DatabaseError.self) { try insert.run() }
            #expect(error?.message?.contains("parameter 3") == true, "\(String(describing: error))")
            insert.bind(1, "south")
            insert.bind(2, 8)
            try insert.run()
            #expect(try String.fetchAll(db, sql: "SELECT a FROM t ORDER BY b") == ["riverside", "south"])
        }
    }
}
