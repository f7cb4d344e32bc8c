import CivicTestSupport
import GRDB
import LedgerStore

extension TestCity {
    /// A copy of the city after `sql` ran on `office`'s ledger file around the store (undoing a
    /// migration, say, to make a ledger as an older build left it): the copy's ledgers are opened
    /// again, so what opening a ledger does runs on it.
    func copy(afterRunning sql: String, on office: String) throws -> TestCity {
        let pool = try DatabasePool(path: LedgerDirectory(path: folder.path(office)).databasePath)
        try pool.write { db in try db.execute(sql: sql) }
        try pool.close()
        return try copy()
    }
}
