import CivicDomain
import Foundation
import LedgerCore
import LedgerStore

/// The recording benchmark (issue 12): a ledger holding `facts` facts (districts, systems and
/// deployments, as a city's are: each deployment names one of the systems and districts), then
/// costs recorded one per durable transaction, 100 and 10,000 per transaction; `civic record`
/// whole processes on that ledger when `civic` is given; pyeventsourcing at the same batch sizes
/// when `peer` (its benchmark script) is given, run here so the ratios come from one run.
///
/// Each batch size runs `repeats` times, alternating with the peer's run at that size (peer,
/// then this project), so that a machine whose speed drifts within minutes slows both alike; a
/// cell gives the medians, the range of the paired ratios, and this process's CPU time per event
/// (user and system, every thread: the writer, the append producer and the checkpointer).
func runFactsBench(
    sizes: [Int], directory: String, civic: String?, peer: String?, singles: Int, batches: [Int], repeats: Int = 1, keep: Bool = false
) throws {
    // Events per run at each batch size: `singles` one by one, then 200 transactions (at least 20,000 events).
    let runs = batches.map { batch in (count: batch == 1 ? singles : max(20_000, batch * 10), batch: batch) }
    let columns = batches.map { $0 == 1 ? "1 event/txn ev/s" : "\($0) events/txn ev/s" }
    print("| facts held | `civic record` median (p90) | " + columns.joined(separator: " | ") + " | state --as-of, 5 dates (median, max) | receive all, then the first record |")
    print("|---|---|" + String(repeating: "---|", count: columns.count) + "---|---|")
    for facts in sizes {
        let folder = directory + "-facts/\(facts)"
        try? FileManager.default.removeItem(atPath: folder)
        let opened = try LedgerDirectory(path: folder).initialize(
            identity: LedgerIdentity(city: "bench", office: "transport"), projector: CivicProjector())
        let (districts, systems) = (max(1, facts / 5), max(1, facts / 5))
        var random = BenchRandom(seed: UInt64(facts))
        var index = 0
        let effective = LedgerDate("2024-01-01") ?? LedgerDate(unixMilliseconds: 0)
        func body(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8), profile: .strict) }
        let begun = LedgerStore.systemMilliseconds()
        // The facts, in transactions of 10,000 (not timed).
        while index < facts {
            let end = min(facts, index + 10_000)
            _ = try opened.store.append(signer: opened.signer) {
                guard index < end else { return nil }
                defer { index += 1 }
                if index < districts {
                    return try EventDraft(
                        type: "district.defined", effective: effective,
                        body: body(#"{"district":"d\#(index)","name":"District \#(index)","population":\#(1_000 + index % 9_000),"need_index":\#(index % 100),"priority":false}"#))
                }
                if index < districts + systems {
                    return try benchSystem(index - districts, effective: effective)
                }
                return try EventDraft(
                    type: "deployment.recorded", effective: effective,
                    body: body(#"{"system":"s\#(random.next(below: systems))","district":"d\#(random.next(below: districts))","units":\#(1 + index % 9)}"#))
            }
        }
        func cost() throws -> EventDraft { try benchCost(systems: systems, random: &random, effective: effective) }

        // Whole `civic record` processes on the ledger of facts.
        var record = "—"
        if let civic {
            let bodyFile = folder + "/cost.json"
            try Data(#"{"system":"s0","amount":120000,"currency":"USD","category":"licence","source":"bond"}"#.utf8).write(to: URL(fileURLWithPath: bodyFile))
            var times: [Double] = []
            // posix_spawn rather than Foundation's Process, whose own start-up costs tens of milliseconds here.
            let arguments = [civic, "--data", folder, "record", "cost.incurred", "--json", bodyFile, "--effective", "2024-06-01"]
            for _ in 0..<60 {
                var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
                posix_spawn_file_actions_init(&actions)
                posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
                defer { posix_spawn_file_actions_destroy(&actions) }
                var argv = arguments.map { strdup($0) } + [nil]
                defer { argv.forEach { free($0) } }
                var pid: pid_t = 0
                let start = DispatchTime.now().uptimeNanoseconds
                guard posix_spawn(&pid, civic, &actions, nil, &argv, environ) == 0 else { throw BenchError("cannot start \(civic)") }
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                guard status == 0 else { throw BenchError("civic record failed (wait status \(status))") }
            }
            times.sort()
            record = String(format: "%.1f ms (%.1f ms)", times[times.count / 2], times[times.count * 9 / 10])
        }

        // One event per durable transaction, then 100 and 10,000, each beside the peer's run.
        var cells: [String] = []
        for (count, batch) in runs {
            var measured: [Run] = []
            var peers: [(rate: Double, written: Double)] = []
            for _ in 0..<max(1, repeats) {
                if let peer { peers.append(try peerRate(script: peer, events: count, batch: batch)) }
                var drafts: [EventDraft] = []
                var done = 0
                // What was written before (the facts, the processes' records, the run before) reaches
                // the disk first, so that the kernel's writing it back does not slow this run's commits
                // (the peer's script starts on a fresh file, with nothing of it to write back).
                sync()
                let before = ProcessUsage()
                let elapsed = try seconds {
                    while done < count {
                        drafts.removeAll(keepingCapacity: true)
                        for _ in 0..<min(batch, count - done) { drafts.append(try cost()) }
                        _ = try opened.store.append(drafts, signer: opened.signer)
                        done += drafts.count
                    }
                }
                let after = ProcessUsage()
                measured.append(
                    Run(
                        rate: Double(count) / elapsed, written: Double(after.writtenBlocks - before.writtenBlocks) * 512 / Double(count),
                        cpuMicroseconds: (after.cpuSeconds - before.cpuSeconds) * 1e6 / Double(count)))
            }
            cells.append(Run.cell(measured, peers: peers.isEmpty ? nil : peers))
        }
        // State as of five instants across the ledger's recording, the last after everything,
        // from the snapshots (made first, timed apart: state would make them on its first call).
        let snapshotSeconds = try seconds { try CityState.updateSnapshots(opened.store) }
        FileHandle.standardError.write(Data(String(format: "%d facts: snapshots made in %.2f s\n", facts, snapshotSeconds).utf8))
        var stateTimes: [Double] = []
        let end = LedgerStore.systemMilliseconds()
        for step in 1...5 {
            let asOf = begun + (end - begun) * Int64(step) / 5
            stateTimes.append(try seconds { _ = try CityState.load(from: opened.store, filter: TimeFilter(asOf: asOf)) } * 1000)
        }
        stateTimes.sort()
        // Another node receives the whole log in one range, then records one event: that first
        // recording indexes the received facts' keys.
        let hub = try LedgerDirectory(path: folder + "-hub").initialize(
            identity: LedgerIdentity(city: "bench", office: "cityhall"), projector: CivicProjector())
        try hub.store.trust(office: "transport", verifier: opened.signer.verifier)
        var received: [Event] = []
        try opened.store.forEachEvent(office: "transport") { received.append(try Event(canonical: $0.canonical)); return true }
        let note = try opened.store.head(office: "transport")?.checkpoint ?? ""
        let receiveSeconds = try seconds { _ = try hub.store.receive(events: received, checkpoint: note) }
        received = []
        let firstRecord = try seconds {
            _ = try hub.store.append(
                [try EventDraft(type: "district.defined", effective: effective, body: body(#"{"district":"hub","name":"Hub","population":1,"need_index":1,"priority":false}"#))],
                signer: hub.signer)
        }
        try? FileManager.default.removeItem(atPath: folder + "-hub")
        let timings = String(format: "%.0f ms, %.0f ms | %.1f s, then %.0f ms", stateTimes[2], stateTimes[4], receiveSeconds, firstRecord * 1000)

        print("| \(facts) | \(record) | " + cells.joined(separator: " | ") + " | \(timings) |")
        if keep { print("kept \(folder)") } else { try? FileManager.default.removeItem(atPath: folder) }
    }
    // The folder of the ledgers, empty unless they were kept.
    if !keep { try? FileManager.default.removeItem(atPath: directory + "-facts") }
}

/// pyeventsourcing's append rate (events/s) at `batch` events per transaction, from its benchmark
/// script, and the bytes its process wrote per event (its replays that follow only read).
private func peerRate(script: String, events: Int, batch: Int) throws -> (rate: Double, written: Double) {
    let before = ProcessUsage(children: true)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script, String(events), String(batch)]
    var environment = ProcessInfo.processInfo.environment
    environment["BENCH_DIR"] = environment["BENCH_DIR"] ?? NSTemporaryDirectory()
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last(where: { $0.hasPrefix("{") }),
        let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let rate = (json["append_per_s"] as? NSNumber)?.doubleValue
    else {
        throw BenchError("the peer benchmark \(script) failed (is PEERS set to where eventsourcing 9.5.6 is installed?)")
    }
    return (rate, Double(ProcessUsage(children: true).writtenBlocks - before.writtenBlocks) * 512 / Double(events))
}

/// One recording run of this project's: its rate (events/s), the bytes it wrote per event and
/// the CPU time it took per event.
private struct Run {
    let rate: Double
    let written: Double
    let cpuMicroseconds: Double

    /// A table cell: the medians of `runs`, and beside `peers` (run alternately with them) the
    /// peer's median rate, the ratio of the medians and the range of the paired ratios.
    static func cell(_ runs: [Run], peers: [(rate: Double, written: Double)]?) -> String {
        let rate = median(runs.map(\.rate))
        let written = median(runs.map(\.written))
        let cpu = median(runs.map(\.cpuMicroseconds))
        guard let peers else { return String(format: "%.0f (%.0f B/ev, CPU %.1f µs/ev)", rate, written, cpu) }
        let peerRate = median(peers.map(\.rate))
        let ratios = zip(runs, peers).map { $0.rate / $1.rate }
        let spread = ratios.count > 1 ? String(format: " (pairs %.2f – %.2f)", ratios.min() ?? 0, ratios.max() ?? 0) : ""
        return String(
            format: "%.0f (peer %.0f, %.2f×%@; %.0f B/ev, peer %.0f; CPU %.1f µs/ev)", rate, peerRate, rate / peerRate, spread, written,
            median(peers.map(\.written)), cpu)
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

/// This process's or its ended children's use so far: the 512-byte blocks written (the kernel
/// counts a file's page as it is dirtied, so a page written twice, the WAL and then the database
/// file at checkpoint, counts twice) and the CPU time, user and system, of all their threads.
private struct ProcessUsage {
    let writtenBlocks: Int
    let cpuSeconds: Double

    init(children: Bool = false) {
        var usage = rusage()
        getrusage(children ? RUSAGE_CHILDREN.rawValue : RUSAGE_SELF.rawValue, &usage)
        writtenBlocks = usage.ru_oublock
        cpuSeconds =
            Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}

/// The system `s<number>` procured (the facts the recording benchmarks' costs name).
func benchSystem(_ number: Int, effective: LedgerDate) throws -> EventDraft {
    try EventDraft(
        type: "system.procured", effective: effective,
        body: JSONParser.parse(
            Array(
                #"""
                {"system":"s\#(number)","title":"System \#(number)","category":"cameras","vendor":"Vendor \#(number % 40)","method":"open-tender",
                "contract":{"value":1000000,"currency":"USD","start":"2024-01-01","end":"2030-12-31"},
                "terms":{"data_portability":false,"open_formats":true,"source_available":false,"exit_clause":true},
                "funding":[{"source":"general-fund","share_bps":10000}]}
                """#.utf8), profile: .strict))
}

/// A cost on one of `systems` systems, chosen at random, of a random amount.
func benchCost(systems: Int, random: inout BenchRandom, effective: LedgerDate) throws -> EventDraft {
    try EventDraft(
        type: "cost.incurred", effective: effective,
        body: JSONParser.parse(
            Array(
                #"{"system":"s\#(random.next(below: systems))","amount":\#(10_000 + random.next(below: 900_000)),"currency":"USD","category":"maintenance","source":"general-fund"}"#
                    .utf8), profile: .strict))
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A small deterministic generator (SplitMix64), so every run builds the same ledger.
struct BenchRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(bound))
    }
}
