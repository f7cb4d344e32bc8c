import Foundation
import GRDB
import GRDBSQLite
import LedgerCore

/// The result of a full verification.
public struct VerificationReport: Sendable {
    public struct OfficeResult: Sendable {
        public let office: String
        public let size: UInt64
        public let root: Hash
        /// The size of the signed checkpoint that was checked, if one is held.
        public let checkpointSize: UInt64?
    }

    public let offices: [OfficeResult]
    public var eventCount: UInt64 { offices.reduce(0) { $0 + $1.size } }
    public var checkpointCount: Int { offices.filter { $0.checkpointSize != nil }.count }
}

/// The first problem verification found, naming the event when there is one.
public struct VerificationFailure: Error, Sendable, CustomStringConvertible {
    public let office: String?
    public let seq: UInt64?
    public let eventID: String?
    public let reason: String

    public var description: String {
        guard let office else { return "verification failed: \(reason)" }
        guard let seq else { return "verification failed for office \(office): \(reason)" }
        let id = eventID.map { " (id \($0))" } ?? ""
        return "verification failed at event \(office)#\(seq)\(id): \(reason)"
    }
}

extension LedgerStore {
    /// Recomputes every leaf hash, chain link and Merkle root, and checks every held checkpoint's
    /// signature against the office's key and its root against the recomputed one.
    ///
    /// - Parameter progress: called with (events checked, events total) every 50,000 events.
    /// - Returns: per office, the verified size and root.
    /// - Throws: ``VerificationFailure`` naming the first bad event, or ``StoreError``.
    public func verify(progress: ((UInt64, UInt64) -> Void)? = nil) throws -> VerificationReport {
        try Self.wrapDatabaseErrors {
            try pool.read { db in
                let keys = try Self.officeKeys(db)
                var heads: [String: OfficeHead] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT * FROM office_heads") {
                    let head = try OfficeHead(row: row)
                    heads[head.office] = head
                }
                let total = UInt64(try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0)
                var checker = ChainChecker(heads: heads, keys: keys)
                let statement = try db.makeStatement(
                    sql: "SELECT office, seq, id, hlc_wall, hlc_logical, type, effective, canonical FROM events ORDER BY office, seq")
                let handle = statement.sqliteStatement
                var checked: UInt64 = 0
                while true {
                    let step = sqlite3_step(handle)
                    if step == SQLITE_DONE { break }
                    guard step == SQLITE_ROW else {
                        throw StoreError(.database(String(cString: sqlite3_errmsg(db.sqliteConnection))))
                    }
                    try checker.check(RawEventRow(handle))
                    checked += 1
                    if checked % 50_000 == 0 { progress?(checked, total) }
                }
                let offices = try checker.finish()
                let triggers = try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'")
                for trigger in Self.appendOnlyTriggers where !triggers.contains(trigger) {
                    throw VerificationFailure(
                        office: nil, seq: nil, eventID: nil,
                        reason: "append-only trigger \(trigger) is missing, so the event table could be rewritten")
                }
                return VerificationReport(offices: offices)
            }
        }
    }
}

/// Column views of one row of the verification query; valid until the next step.
struct RawEventRow {
    let office: UnsafeRawBufferPointer
    let seq: Int64
    let id: UnsafeRawBufferPointer
    let hlcWall: Int64
    let hlcLogical: Int64
    let type: UnsafeRawBufferPointer
    let effective: UnsafeRawBufferPointer
    let canonical: UnsafeRawBufferPointer

    init(_ handle: OpaquePointer?) {
        func bytes(_ column: Int32) -> UnsafeRawBufferPointer {
            let pointer = sqlite3_column_blob(handle, column)
            let count = Int(sqlite3_column_bytes(handle, column))
            return UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count)
        }
        office = bytes(0)
        seq = sqlite3_column_int64(handle, 1)
        id = bytes(2)
        hlcWall = sqlite3_column_int64(handle, 3)
        hlcLogical = sqlite3_column_int64(handle, 4)
        type = bytes(5)
        effective = bytes(6)
        canonical = bytes(7)
    }
}
