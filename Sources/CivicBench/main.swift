// civic-bench: measures the offline ledger (issue 2). Build and run in release:
//   Tools/bench (or: swift build -c release --product civic-bench && .build/release/civic-bench --events 100000)
//   civic-bench --state 1000000 [--offices 10] [--held-facts 100000] [--keep]   time travel (issues 3 and 12)
//               [--sync-every 7] [--spread-facts]   offices syncing every 7 days; facts over the ten years, not first
//   civic-bench --replay DIR      state as of 5 random instants and for all time, in process, on a kept ledger
//                                 (then the newest fold snapshot decoded alone and encoded again, and the cost periods summed alone)
//   civic-bench --facts 1000,100000 [--civic PATH] [--peer SCRIPT] [--batches 1,100,10000] [--repeat 3] [--keep]   recording on a grown ledger (issue 12)
//   civic-bench --latency 2200000 [--singles 20000] [--batch 10000]   each write transaction's time as a ledger grows (issue 12)
//   civic-bench --parse 100000    checking received canonical events (Event(canonical:)), in process
// Prints one markdown table row per size. Not part of the test suite or CI.
import CivicDomain
import Foundation
import GRDB
import GRDBSQLite
import LedgerCore
import LedgerStore

struct Options {
    var sizes = [100_000, 1_000_000]
    var directory = NSTemporaryDirectory() + "civic-bench-\(getpid())"
    var batch = 10_000
    var singles = 2_000
    var stateEvents: Int?
    var offices = 10
    var keep = false
    var bare = false
    var facts: [Int]?
    var civic: String?
    var peer: String?
    var heldFacts: Int?
    var stateLayout = StateBenchLayout()
    var replay: String?
    var parse: Int?
    var latency: Int?
    /// The recording benchmark's batch sizes (events per transaction).
    var batches = [1, 100, 10_000]
    /// How many times the recording benchmark runs each batch size (alternating with the peer's).
    var repeats = 1

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--events": sizes = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--dir": directory = iterator.next() ?? directory
            case "--batch": batch = Int(iterator.next() ?? "") ?? batch
            case "--singles": singles = Int(iterator.next() ?? "") ?? singles
            case "--state": stateEvents = Int(iterator.next() ?? "")
            case "--offices": offices = Int(iterator.next() ?? "") ?? offices
            case "--keep": keep = true
            case "--bare": bare = true
            case "--facts": facts = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--civic": civic = iterator.next()
            case "--peer": peer = iterator.next()
            case "--held-facts": heldFacts = Int(iterator.next() ?? "")
            case "--sync-every": stateLayout.syncEveryDays = Int(iterator.next() ?? "").map { max(1, $0) }
            case "--spread-facts": stateLayout.spreadFacts = true
            case "--replay": replay = iterator.next()
            case "--parse": parse = Int(iterator.next() ?? "")
            case "--latency": latency = Int(iterator.next() ?? "")
            case "--repeat": repeats = max(1, Int(iterator.next() ?? "") ?? repeats)
            case "--batches": batches = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// A realistic `cost.incurred` import line (about 230 bytes).
func line(_ index: Int) -> [UInt8] {
    let categories = ["maintenance", "licence", "capital", "professional-services", "hardware-refresh", "energy"]
    let sources = ["general-fund", "bond", "utility-surcharge", "grant", "vendor-subsidy", "fees"]
    let month = index % 12 + 1
    let text = """
        {"type":"cost.incurred","effective":"2025-\(month < 10 ? "0" : "")\(month)-15","body":{"system":"sys-\(index % 500)",\
        "amount":\(10_000 + (index * 7919) % 9_000_000),"currency":"USD","category":"\(categories[index % categories.count])",\
        "source":"\(sources[index % sources.count])","payee":"Vendor \(index % 40) Inc.","note":"invoice \(index)"}}
        """
    return Array(text.utf8)
}

/// A `system.procured` import line for `sys-N`.
func procurement(_ index: Int) -> [UInt8] {
    let text = """
        {"type":"system.procured","effective":"2024-01-01","body":{"system":"sys-\(index)","title":"System \(index)",\
        "category":"sensors","vendor":"Vendor \(index % 40) Inc.","method":"open-tender",\
        "contract":{"value":100000000,"currency":"USD","start":"2024-01-01","end":"2030-12-31"},\
        "terms":{"data_portability":true,"open_formats":true,"source_available":false,"exit_clause":true},\
        "funding":[{"source":"general-fund","share_bps":10000}]}}
        """
    return Array(text.utf8)
}

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
}

func run(size: Int, options: Options) throws -> String {
    let folder = options.directory + "/\(size)"
    try? FileManager.default.removeItem(atPath: folder)
    let directory = LedgerDirectory(path: folder)
    // --bare: the event store alone, without the vocabulary's ledger checks and projections.
    let opened = try directory.initialize(
        identity: LedgerIdentity(city: "bench", office: "transport"), projector: options.bare ? nil : CivicProjector())
    // The civic projector checks bodies itself; the bare store gets the registry's structural check.
    let registry = EventTypeRegistry.version1
    let validate: (EventDraft) throws -> Void = options.bare ? { try registry.validate($0) } : { _ in }
    let fallback = LedgerDate("2025-01-01") ?? LedgerDate(unixMilliseconds: 0)

    // The 500 systems the costs are charged to (not timed).
    var systemIndex = 0
    _ = try opened.store.append(signer: opened.signer, validate: validate) {
        guard systemIndex < 500 else { return nil }
        defer { systemIndex += 1 }
        return try EventDraft(jsonLine: procurement(systemIndex), defaultEffective: fallback)
    }

    // Batched append: the import path (parse line, validate, canonicalize, hash, insert, sign per batch).
    var appended = 0
    let appendSeconds = try seconds {
        while appended < size {
            let end = min(size, appended + options.batch)
            var index = appended
            _ = try opened.store.append(signer: opened.signer, validate: validate) {
                guard index < end else { return nil }
                defer { index += 1 }
                return try EventDraft(jsonLine: line(index), defaultEffective: fallback)
            }
            appended = end
        }
    }

    // The same rows through a plain prepared INSERT into an identical table, same batches, same pragmas.
    let plainPath = folder + "/plain.sqlite"
    let plain = try DatabasePool(path: plainPath)
    try plain.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA synchronous = FULL")
        try db.execute(sql: "PRAGMA cache_size = -65536")
    }
    try plain.write { db in
        try db.execute(sql: LedgerStore.eventTableSQL)
    }
    var rows: [StoredEvent] = []
    rows.reserveCapacity(size)
    try opened.store.forEachEvent { rows.append($0); return true }
    let plainSeconds = try seconds {
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + options.batch)
            try plain.write { db in
                let insert = try db.cachedStatement(
                    sql: "INSERT INTO events(office, seq, id, hlc_wall, hlc_logical, type, effective, arrived_ms, canonical, id_key) VALUES (?,?,?,?,?,?,?,?,?,?)")
                let handle = insert.sqliteStatement
                let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
                for row in rows[start..<end] {
                    sqlite3_bind_text(handle, 1, row.office, -1, transient)
                    sqlite3_bind_int64(handle, 2, Int64(row.seq))
                    sqlite3_bind_int64(handle, 4, row.hlc.wall)
                    sqlite3_bind_int64(handle, 5, row.hlc.logical)
                    sqlite3_bind_text(handle, 6, row.type, -1, transient)
                    sqlite3_bind_text(handle, 7, row.effective, -1, transient)
                    sqlite3_bind_int64(handle, 8, row.arrivedMilliseconds)
                    sqlite3_bind_int64(handle, 10, row.id.bytes.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) })
                    let code = row.id.bytes.withUnsafeBytes { id in
                        row.canonical.withUnsafeBytes { canonical in
                            sqlite3_bind_blob(handle, 3, id.baseAddress, Int32(id.count), nil)
                            sqlite3_bind_blob(handle, 9, canonical.baseAddress, Int32(canonical.count), nil)
                            defer { sqlite3_reset(handle) }
                            return sqlite3_step(handle)
                        }
                    }
                    guard code == SQLITE_DONE else { throw CocoaError(.fileWriteUnknown) }
                }
            }
            start = end
        }
    }
    let canonicalBytes = rows.reduce(0) { $0 + $1.canonical.count }
    let plainRows = rows.count
    rows = []

    // Verify.
    var verified: UInt64 = 0
    let verifySeconds = try seconds { verified = try opened.store.verify().eventCount }
    precondition(verified == UInt64(size + 500), "verify saw \(verified) events")

    // Single-event appends, each its own durable transaction and signed checkpoint.
    var single = 0
    let singleSeconds = try seconds {
        for index in 0..<options.singles {
            _ = try opened.store.append([try EventDraft(jsonLine: line(size + index), defaultEffective: fallback)], signer: opened.signer)
            single += 1
        }
    }

    try DatabasePool(path: directory.databasePath).writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
    }
    try plain.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    let total = size + 500 + single
    let bytesPerEvent = Double(fileSize(directory.databasePath)) / Double(total)
    let plainBytes = Double(fileSize(plainPath)) / Double(plainRows)
    let appendRate = Double(size) / appendSeconds
    let plainRate = Double(plainRows) / plainSeconds
    try? FileManager.default.removeItem(atPath: folder)
    return String(
        format: "| %d | %.0f | %.0f | %.2f | %.0f | %.0f | %.0f (plain %.0f; canonical %.0f) |",
        size, appendRate, plainRate, appendRate / plainRate, Double(single) / singleSeconds,
        Double(verified) / verifySeconds, bytesPerEvent, plainBytes, Double(canonicalBytes) / Double(plainRows))
}

let options = Options(CommandLine.arguments)

/// Runs one of the benchmarks, then exits: 0, or 1 with its error on one line.
func runAlone(_ body: () throws -> Void) -> Never {
    do {
        try body()
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("civic-bench: \(error)\n".utf8))
        exit(1)
    }
}
if let facts = options.facts {
    runAlone {
        try runFactsBench(
            sizes: facts, directory: options.directory, civic: options.civic, peer: options.peer, singles: options.singles, batches: options.batches,
            repeats: options.repeats, keep: options.keep)
    }
}
if let replay = options.replay { runAlone { try runReplayBench(directory: replay) } }
if let total = options.latency {
    runAlone {
        print("| events | \(options.batch) events/txn | 1 event/txn | lookup by id |")
        print("|---|---|---|---|")
        try runLatencyBench(total: total, batch: options.batch, singles: options.singles, directory: options.directory)
    }
}
if let count = options.parse { runAlone { try runParseBench(count: count, directory: options.directory + "-parse") } }
if let total = options.stateEvents {
    runAlone {
        try runStateBench(total: total, offices: options.offices, heldFacts: options.heldFacts, layout: options.stateLayout,
            directory: options.directory + "-state", keep: options.keep)
    }
}
print("| events | batched append ev/s | plain SQLite insert ev/s | ratio | single append ev/s (in-process) | verify ev/s | bytes/event on disk |")
print("|---|---|---|---|---|---|---|")
for size in options.sizes {
    do {
        print(try run(size: size, options: options))
    } catch {
        FileHandle.standardError.write(Data("civic-bench: \(error)\n".utf8))
        exit(1)
    }
}
