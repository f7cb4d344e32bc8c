import Foundation
import GRDB
@testable import LedgerStore
import Testing

/// Appends and ranges received in one call run in `DatabaseWriter.writeTransaction(_:)` (LedgerStore): an immediate
/// transaction begun and committed by cached statements, rolled back on any error.
@Suite("Write transactions on cached statements")
struct WriteTransactionTests {
    struct Refused: Error {}

    @Test func anErrorRollsBackAndTheNextTransactionCommits() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in try db.execute(sql: "CREATE TABLE t(a INTEGER NOT NULL)") }
        #expect(throws: Refused.self) {
            try queue.writeTransaction { db in
                try db.execute(sql: "INSERT INTO t(a) VALUES (1)")
                #expect(db.isInsideTransaction)
                throw Refused()
            }
        }
        // A statement SQLite refuses inside the transaction rolls it back just the same.
        #expect(throws: DatabaseError.self) {
            try queue.writeTransaction { db in
                try db.execute(sql: "INSERT INTO t(a) VALUES (2)")
                try db.execute(sql: "INSERT INTO t(a) VALUES (NULL)")
            }
        }
        let stored = try queue.writeTransaction { db in
            try db.execute(sql: "INSERT INTO t(a) VALUES (3)")
            return try Int.fetchAll(db, sql: "SELECT a FROM t")
        }
        #expect(stored == [3])
        try queue.writeWithoutTransaction { db in #expect(!db.isInsideTransaction) }
        #expect(try queue.read { db in try Int.fetchAll(db, sql: "SELECT a FROM t") } == [3])
    }
}
