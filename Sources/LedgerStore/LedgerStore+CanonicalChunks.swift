import Foundation
import GRDB
import GRDBSQLite
import LedgerCore

extension LedgerStore {
    /// Hands the exact canonical bytes of an office's events with seq in `seqs`, in seq order, to
    /// `append`, in one read transaction, without parsing or copying them first (for sending: the
    /// receiver checks them). A sender reads a long range as several such chunks; events never
    /// change once stored, so the chunks need not share a transaction.
    ///
    /// ```swift
    /// let lines = try await store.readCanonical(office: "police", seqs: 1...4096, into: [UInt8]()) { lines, event in
    ///     lines.append(contentsOf: event)
    ///     lines.append(0x0A)
    /// }
    /// ```
    /// - Parameters:
    ///   - sink: the value `append` fills, returned at the end.
    ///   - append: called once per event; the bytes are valid only during the call.
    /// - Returns: `sink` after every event was appended.
    /// - Throws: ``StoreError`` when an event of the range is not held here.
    public func readCanonical<Sink: Sendable>(
        office: String, seqs: ClosedRange<UInt64>, into sink: Sink, _ append: @escaping @Sendable (inout Sink, UnsafeRawBufferPointer) -> Void
    ) async throws -> Sink {
        do {
            return try await pool.read { db in
                var sink = sink
                let statement = try db.cachedStatement(sql: EventRuns.select("e.canonical"))
                try statement.setArguments([office, Int64(seqs.lowerBound) - 1, Int64(seqs.upperBound)])
                let handle = statement.sqliteStatement
                defer { sqlite3_reset(handle) }
                var rows = 0
                while true {
                    let step = sqlite3_step(handle)
                    if step == SQLITE_DONE { break }
                    guard step == SQLITE_ROW else {
                        throw StoreError(.database("reading \(office)'s events: \(String(cString: sqlite3_errmsg(db.sqliteConnection)))", code: sqlite3_errcode(db.sqliteConnection) & 0xFF))
                    }
                    append(&sink, UnsafeRawBufferPointer(start: sqlite3_column_blob(handle, 0), count: Int(sqlite3_column_bytes(handle, 0))))
                    rows += 1
                }
                guard rows == seqs.count else {
                    throw StoreError(.notFound("office \(office) has no events \(seqs.lowerBound)…\(seqs.upperBound) here"))
                }
                return sink
            }
        } catch let error as DatabaseError {
            throw StoreError.database(error)
        }
    }
}
