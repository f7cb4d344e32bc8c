import CivicDomain
import Foundation
import GRDB
import LedgerCore
import LedgerStore

/// The time-travel benchmark (issue 3): a city-hall node holding `total` events recorded by
/// `offices` offices over ten years, each office's range arriving some days after it was recorded;
/// then `civic state --as-of` and `--known-at` at random dates, and 10,000 late events dated into the past.
///
/// Each office holds 8 districts, 50 systems and 50 deployments, the rest costs; with `heldFacts`,
/// the city holds that many facts (a fifth districts, a fifth systems, the rest deployments).
func runStateBench(total: Int, offices officeCount: Int, heldFacts: Int?, directory: String, keep: Bool) throws {
    try? FileManager.default.removeItem(atPath: directory)
    let start = LedgerDate("2016-01-01")?.unixMilliseconds ?? 0
    let span: Int64 = 10 * 365 * 86_400_000
    let perOffice = total / officeCount
    let hub = try LedgerDirectory(path: directory + "/cityhall").initialize(
        identity: LedgerIdentity(city: "bench", office: "cityhall"), projector: CivicProjector())
    let categories = ["maintenance", "licence", "capital", "professional-services", "hardware-refresh", "energy"]
    let sources = ["general-fund", "bond", "utility-surcharge", "grant", "vendor-subsidy", "fees"]

    func body(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8), profile: .strict) }

    /// How many of an office's first events are districts, systems and facts in all (the rest are costs).
    typealias Layout = (districts: Int, systems: Int, facts: Int)
    let small: Layout = (8, 50, 108)
    let layout: Layout = heldFacts.map { held in
        let facts = max(3, held / officeCount)
        return (facts / 5, facts / 5, facts)
    } ?? small

    /// One office's ledger: districts, systems, deployments, then costs spread over ten years.
    func officeLedger(_ office: String, events: Int, clockStart: Int64, clockSpan: Int64, layout: Layout) throws -> LedgerDirectory.Opened {
        let opened = try LedgerDirectory(path: directory + "/" + office).initialize(
            identity: LedgerIdentity(city: "bench", office: office), projector: CivicProjector())
        var index = 0
        let (districts, systems, setup) = layout
        let total = events
        _ = try opened.store.append(
            signer: opened.signer, now: { clockStart + Int64(index) * clockSpan / Int64(total) }
        ) {
            defer { index += 1 }
            guard index < total else { return nil }
            let date = LedgerDate(unixMilliseconds: clockStart + Int64(index) * clockSpan / Int64(total))
            let effective = date.description
            switch index {
            case 0..<districts:
                return try EventDraft(
                    type: "district.defined", effective: date,
                    body: body(#"{"district":"d\#(index)","name":"District \#(index)","population":\#(10_000 + index * 1_000),"need_index":\#(index * 12 % 101),"priority":\#(index % 2 == 0)}"#))
            case districts..<(districts + systems):
                let system = "\(office)-s\(index - districts)"
                return try EventDraft(
                    type: "system.procured", effective: date,
                    body: body(#"""
                        {"system":"\#(system)","title":"System \#(system)","category":"cameras","vendor":"Vendor \#(index % 7)","method":"open-tender",
                        "contract":{"value":1000000,"currency":"USD","start":"\#(effective)","end":"2030-12-31"},
                        "terms":{"data_portability":false,"open_formats":true,"source_available":false,"exit_clause":true},
                        "funding":[{"source":"general-fund","share_bps":10000}]}
                        """#))
            case (districts + systems)..<setup:
                return try EventDraft(
                    type: "deployment.recorded", effective: date,
                    body: body(#"{"system":"\#(office)-s\#((index - districts - systems) % systems)","district":"d\#(index % districts)","units":\#(1 + index % 9)}"#))
            default:
                return try EventDraft(
                    type: "cost.incurred", effective: date,
                    body: body(#"{"system":"\#(office)-s\#(index % systems)","amount":\#(10_000 + (index * 7919) % 900_000),"currency":"USD","category":"\#(categories[index % 6])","source":"\#(sources[index % 6])"}"#))
            }
        }
        return opened
    }

    func deliver(_ opened: LedgerDirectory.Opened, to target: LedgerStore, arrival: Int64) throws -> Double {
        let office = opened.store.identity.office
        try target.trust(office: office, verifier: opened.signer.verifier)
        var events: [Event] = []
        try opened.store.forEachEvent(office: office) { events.append(try Event(canonical: $0.canonical)); return true }
        guard let note = try opened.store.head(office: office)?.checkpoint else { return 0 }
        return try seconds { try target.receive(events: events, checkpoint: note, now: { arrival }) }
    }

    // Each office records over ten years; its range reaches city hall 7 × (office number) days after the end.
    var receiveSeconds = 0.0
    for number in 0..<officeCount {
        let opened = try officeLedger("office-\(number)", events: perOffice, clockStart: start, clockSpan: span, layout: layout)
        receiveSeconds += try deliver(opened, to: hub.store, arrival: start + span + Int64(number * 7) * 86_400_000)
        FileHandle.standardError.write(Data("office-\(number): \(perOffice) events received\n".utf8))
    }
    let held = try hub.store.eventCount()

    var generator = SystemRandomNumberGenerator()
    func timed(_ filter: TimeFilter) throws -> (Double, Int64) {
        var events: Int64 = 0
        let elapsed = try seconds { events = try CityState.load(from: hub.store, filter: filter).eventCount }
        return (elapsed, events)
    }
    // The snapshots replay starts from, made once (state would make them itself on its first call).
    let snapshotSeconds = try seconds { try CityState.updateSnapshots(hub.store) }
    var asOf: [Double] = []
    var knownAt: [Double] = []
    for _ in 0..<5 {
        let instant = start + Int64.random(in: 0..<span, using: &generator)
        asOf.append(try timed(TimeFilter(asOf: instant)).0)
        knownAt.append(try timed(TimeFilter(knownAt: start + span + Int64.random(in: 0..<(Int64(officeCount) * 7 * 86_400_000), using: &generator))).0)
    }
    let full = try timed(.none).0

    // 10,000 late events: an office that recorded offline years ago and syncs only now.
    let late = try officeLedger("late-office", events: 10_000, clockStart: start + span / 4, clockSpan: 30 * 86_400_000, layout: small)
    let lateSeconds = try deliver(late, to: hub.store, arrival: start + span + 400 * 86_400_000)
    let lateCheck = try CityState.load(from: hub.store, filter: TimeFilter(asOf: start + span / 4 + 31 * 86_400_000))
    precondition(lateCheck.facts.systems["late-office-s0"] != nil, "late events must appear in the past")
    // The late events are read beside the snapshots until they catch up.
    var asOfLate: [Double] = []
    for _ in 0..<5 { asOfLate.append(try timed(TimeFilter(asOf: start + Int64.random(in: 0..<span, using: &generator))).0) }

    func describe(_ values: [Double]) -> String {
        let sorted = values.sorted()
        return String(format: "median %.3f s, max %.3f s", sorted[sorted.count / 2], sorted.last ?? 0)
    }
    let facts = try hub.store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM civic_facts") ?? 0 }
    print("| events held | facts | receive ev/s | snapshots made | state --as-of (5 random dates) | state --known-at (5 random dates) | state (all) | 10,000 late events | --as-of after them |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(String(
        format: "| %d | %d | %.0f | %.2f s | %@ | %@ | %.3f s | %.2f s (%.0f ev/s) | %@ |", held, facts, Double(held) / receiveSeconds, snapshotSeconds,
        describe(asOf), describe(knownAt), full, lateSeconds, 10_000 / lateSeconds, describe(asOfLate)))
    if keep {
        FileHandle.standardError.write(Data("kept the city-hall ledger in \(directory)/cityhall\n".utf8))
    } else {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// State as of five instants across the ledger's recorded times (drawn from a fixed seed, so runs
/// compare) and for all time, in process, on a ledger kept by `--state … --keep` (the snapshots
/// brought up to date first, timed apart). Each is timed three times and the best kept: this
/// machine's noise is larger than most changes measured with it.
func runReplayBench(directory: String) throws {
    let opened = try LedgerDirectory(path: directory).open(projector: CivicProjector())
    // One pass over the events (no index keeps them by time).
    let (first, last) = try opened.store.read { db in
        let row = try Row.fetchOne(db, sql: "SELECT min(hlc_wall), max(hlc_wall) FROM events")
        return (row?[0] as Int64? ?? 0, row?[1] as Int64? ?? 0)
    }
    let snapshots = try seconds { try CityState.updateSnapshots(opened.store) }
    var random = BenchRandom(seed: 12)
    func best(_ filter: TimeFilter) throws -> (seconds: Double, lines: Int) {
        var lines = 0
        let times = try (0..<3).map { _ in try seconds { lines = try CityState.load(from: opened.store, filter: filter).costs.count } }
        return (times.min() ?? 0, lines)
    }
    var times: [String] = []
    for _ in 0..<5 {
        let instant = first + Int64(random.next(below: Int(max(1, last - first))))
        let (elapsed, lines) = try best(TimeFilter(asOf: instant))
        times.append(String(format: "%@ %.3f s (%d lines)", LedgerDate(unixMilliseconds: instant).description, elapsed, lines))
    }
    let all = try best(.none)
    print("snapshots brought up to date: \(String(format: "%.3f", snapshots)) s")
    print("state --as-of (best of 3): " + times.joined(separator: ", "))
    print(String(format: "state (all, best of 3): %.3f s (%d lines)", all.seconds, all.lines))
    let decoding = try CityState.timeSnapshotDecoding(opened.store, times: 10)
    print(String(format: "the newest fold snapshot decoded (best of 10): %.1f ms (%.1f MB)", decoding.seconds * 1000, Double(decoding.bytes) / 1e6))
    let periods = try CityState.timeCostPeriodsSum(opened.store, times: 10)
    print(
        String(
            format: "the cost periods summed for all time (best of 10): %.1f ms (%.1f MB, %d lines)", periods.seconds * 1000,
            Double(periods.bytes) / 1e6, periods.lines))
}
