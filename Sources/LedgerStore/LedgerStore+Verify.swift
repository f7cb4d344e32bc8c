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
    /// Fork proofs held here, each checked again from what is stored (two signed checkpoints and a
    /// consistency proof); the held logs themselves verified.
    public var forks: [ForkRecord] = []
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
                let keys = try Self.keyHistories(db)
                var heads: [String: OfficeHead] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT * FROM office_heads") {
                    let head = try OfficeHead(row: row)
                    heads[head.office] = head
                }
                let total = UInt64(try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0)
                let offices = try Self.checkChains(db, checker: ChainChecker(heads: heads, keys: keys, nodes: try Self.storedNodes(db))) { checked in
                    if checked % 50_000 == 0 { progress?(checked, total) }
                }
                // Each office's events are read through its runs (EventRuns): a row none of them
                // reaches was added to the table around the store, or a run is wrong.
                let reached = offices.reduce(UInt64(0)) { $0 + $1.size }
                guard reached == total else {
                    throw VerificationFailure(
                        office: nil, seq: nil, eventID: nil,
                        reason: "the event table holds \(total) events but the offices' logs reach \(reached): rows were added around the store, or a run of event_runs is wrong")
                }
                let triggers = try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'")
                for trigger in Self.appendOnlyTriggers where !triggers.contains(trigger) {
                    throw VerificationFailure(
                        office: nil, seq: nil, eventID: nil,
                        reason: "append-only trigger \(trigger) is missing, so the event table could be rewritten")
                }
                // Each fork proof is checked again from storage alone: a stored row that no longer proves a
                // fork was altered.
                for held in try Self.forkProofs(db) {
                    do {
                        _ = try Self.verify(held.proof, office: held.office, in: db)
                    } catch {
                        throw VerificationFailure(office: held.office, seq: nil, eventID: nil, reason: "a stored fork proof does not verify: \(error)")
                    }
                }
                return VerificationReport(offices: offices, forks: try Self.forks(db))
            }
        }
    }
}

extension LedgerStore {
    /// Streams every event in (office, seq) order through `checker`: this thread reads rows from
    /// SQLite into chunks while a second thread hashes and checks them, in order.
    static func checkChains(
        _ db: Database, checker: ChainChecker, progress: (UInt64) -> Void
    ) throws -> [VerificationReport.OfficeResult] {
        let channel = BoundedChannel<VerifyChunk>(capacity: 4)
        let checkerThread = JoinableThread<Result<[VerificationReport.OfficeResult], any Error>>(name: "civic-verify") {
            var checker = checker
            do {
                while let chunk = channel.pop() {
                    try chunk.bytes.withUnsafeBytes { base in
                        for row in chunk.rows { try checker.check(RawEventRow(base, row)) }
                    }
                }
                return .success(try checker.finish())
            } catch {
                channel.cancel()
                return .failure(error)
            }
        }
        do {
            let statement = try db.makeStatement(
                sql: """
                    SELECT e.office, e.seq, e.id, e.hlc_wall, e.hlc_logical, e.type, e.effective, e.canonical
                    FROM \(EventRuns.everyOffice) ORDER BY \(EventRuns.everyOfficeOrder)
                    """)
            let handle = statement.sqliteStatement
            var chunk = VerifyChunk()
            var read: UInt64 = 0
            while true {
                let step = sqlite3_step(handle)
                if step == SQLITE_DONE { break }
                guard step == SQLITE_ROW else {
                    throw StoreError(.database(String(cString: sqlite3_errmsg(db.sqliteConnection)), code: sqlite3_errcode(db.sqliteConnection) & 0xFF))
                }
                chunk.append(handle)
                read += 1
                progress(read)
                if chunk.rows.count == VerifyChunk.rowsPerChunk {
                    try channel.push(chunk)
                    chunk = VerifyChunk()
                }
            }
            if !chunk.rows.isEmpty { try channel.push(chunk) }
            channel.close()
        } catch is CancellationError {
            // The checker stopped at a bad event; its failure is the answer.
        } catch {
            channel.cancel()
            _ = checkerThread.join()
            throw error
        }
        guard let outcome = checkerThread.join() else { throw StoreError(.internalFault("verification ended without a result")) }
        return try outcome.get()
    }
}

/// Rows of the verification query copied out of SQLite: one byte buffer, per-row ranges into it.
struct VerifyChunk: Sendable {
    static let rowsPerChunk = 2048

    struct Row: Sendable {
        var office: Range<Int>
        var seq: Int64
        var id: Range<Int>
        var hlcWall: Int64
        var hlcLogical: Int64
        var type: Range<Int>
        var effective: Range<Int>
        var canonical: Range<Int>
        /// SHA-256(0x00 ‖ canonical), computed by the reading thread.
        var leaf: Range<Int>
    }

    var bytes: [UInt8] = []
    var rows: [Row] = []

    init() {
        bytes.reserveCapacity(Self.rowsPerChunk * 512)
        rows.reserveCapacity(Self.rowsPerChunk)
    }

    mutating func append(_ handle: OpaquePointer?) {
        func copy(_ column: Int32) -> Range<Int> {
            let start = bytes.count
            if let pointer = sqlite3_column_blob(handle, column) {
                let count = Int(sqlite3_column_bytes(handle, column))
                bytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: count))
            }
            return start..<bytes.count
        }
        let office = copy(0)
        let id = copy(2)
        let type = copy(5)
        let effective = copy(6)
        var canonical = 0..<0
        var leafBytes: [UInt8] = []
        if let pointer = sqlite3_column_blob(handle, 7) {
            let blob = UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, 7)))
            leafBytes = Hash.leaf(buffer: blob).bytes
            canonical = bytes.count..<(bytes.count + blob.count)
            bytes.append(contentsOf: blob)
        } else {
            leafBytes = Hash.leaf([UInt8]()).bytes
        }
        let leaf = bytes.count..<(bytes.count + leafBytes.count)
        bytes.append(contentsOf: leafBytes)
        rows.append(Row(
            office: office, seq: sqlite3_column_int64(handle, 1), id: id, hlcWall: sqlite3_column_int64(handle, 3),
            hlcLogical: sqlite3_column_int64(handle, 4), type: type, effective: effective, canonical: canonical, leaf: leaf))
    }
}

/// Views of one event row, valid while its chunk's bytes are.
struct RawEventRow {
    let office: UnsafeRawBufferPointer
    let seq: Int64
    let id: UnsafeRawBufferPointer
    let hlcWall: Int64
    let hlcLogical: Int64
    let type: UnsafeRawBufferPointer
    let effective: UnsafeRawBufferPointer
    let canonical: UnsafeRawBufferPointer
    let leaf: UnsafeRawBufferPointer

    init(_ base: UnsafeRawBufferPointer, _ row: VerifyChunk.Row) {
        office = UnsafeRawBufferPointer(rebasing: base[row.office])
        seq = row.seq
        id = UnsafeRawBufferPointer(rebasing: base[row.id])
        hlcWall = row.hlcWall
        hlcLogical = row.hlcLogical
        type = UnsafeRawBufferPointer(rebasing: base[row.type])
        effective = UnsafeRawBufferPointer(rebasing: base[row.effective])
        canonical = UnsafeRawBufferPointer(rebasing: base[row.canonical])
        leaf = UnsafeRawBufferPointer(rebasing: base[row.leaf])
    }
}
