import CivicDomain
import Foundation
import GRDB
import LedgerCore
import LedgerStore

/// The time-travel benchmark (issue 3): a city-hall node holding `total` events recorded by
/// `offices` offices over ten years; then `civic state --as-of`, `--known-at` and `--effective-on`
/// at random dates, and 10,000 late events dated into the past.
///
/// Each office holds 8 districts, 50 systems and 50 deployments, the rest costs; with `heldFacts`,
/// the city holds that many facts (a fifth districts, a fifth systems, the rest deployments).
/// By default each office records its facts first and its whole range reaches city hall at once,
/// 7 × (office number) days after the ten years end. `layout` can instead spread the facts over
/// the ten years and have every office sync every few days, city hall bringing its snapshots up
/// to date as `civic state` would between syncs: what a city that records offline produces.
func runStateBench(total: Int, offices officeCount: Int, heldFacts: Int?, layout cityLayout: StateBenchLayout, directory: String, keep: Bool) throws {
    try? FileManager.default.removeItem(atPath: directory)
    let start = LedgerDate("2016-01-01")?.unixMilliseconds ?? 0
    let span: Int64 = 10 * 365 * 86_400_000
    let day: Int64 = 86_400_000
    let perOffice = total / officeCount
    let hub = try LedgerDirectory(path: directory + "/cityhall").initialize(
        identity: LedgerIdentity(city: "bench", office: "cityhall"), projector: CivicProjector())
    let layout: BenchOffice.Layout = heldFacts.map { held in
        let facts = max(3, held / officeCount)
        return (facts / 5, facts / 5, facts)
    } ?? BenchOffice.small

    var receiveSeconds = 0.0
    var upkeep = (calls: 0, seconds: 0.0)
    if let every = cityLayout.syncEveryDays {
        // Every office syncs every `every` days (office n n hours after the round begins), sending what
        // it recorded since; city hall brings its snapshots up to date every fourth round.
        let offices = try (0..<officeCount).map { number in
            try BenchOffice(
                directory: directory, office: "office-\(number)", events: perOffice, clockStart: start, clockSpan: span, layout: layout,
                spread: cityLayout.spreadFacts)
        }
        var round: Int64 = 1
        while offices.contains(where: { !$0.done }) {
            for (number, office) in offices.enumerated() {
                let instant = start + round * Int64(every) * day + Int64(number) * 3_600_000
                try office.record(before: instant)
                receiveSeconds += try office.deliver(to: hub.store, arrival: instant + 60_000)
            }
            if round % 4 == 0 {
                upkeep.seconds += try seconds { try CityState.updateSnapshots(hub.store) }
                upkeep.calls += 1
            }
            if round % 52 == 0 {
                FileHandle.standardError.write(Data("round \(round): \(try hub.store.eventCount()) events received\n".utf8))
            }
            round += 1
        }
    } else {
        // Each office records over ten years; its range reaches city hall 7 × (office number) days after the end.
        for number in 0..<officeCount {
            let office = try BenchOffice(
                directory: directory, office: "office-\(number)", events: perOffice, clockStart: start, clockSpan: span, layout: layout,
                spread: cityLayout.spreadFacts)
            try office.record()
            receiveSeconds += try office.deliver(to: hub.store, arrival: start + span + Int64(number * 7) * day)
            FileHandle.standardError.write(Data("office-\(number): \(perOffice) events received\n".utf8))
        }
    }
    let held = try hub.store.eventCount()
    // The last arrival: known-at instants are drawn up to it.
    let lastArrival = try hub.store.read { db in try Int64.fetchOne(db, sql: "SELECT max(arrived_ms) FROM events") ?? start + span }

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
    var effectiveOn: [Double] = []
    // Known at: over the days the ranges arrived in (after the ten years when they arrive at once,
    // over the ten years when offices sync every few days).
    let firstArrival = cityLayout.syncEveryDays == nil ? start + span : start
    for _ in 0..<5 {
        asOf.append(try timed(TimeFilter(asOf: start + Int64.random(in: 0..<span, using: &generator))).0)
        knownAt.append(try timed(TimeFilter(knownAt: Int64.random(in: firstArrival...lastArrival, using: &generator))).0)
        let date = LedgerDate(unixMilliseconds: start + Int64.random(in: 0..<span, using: &generator))
        effectiveOn.append(try timed(TimeFilter(effectiveOn: date)).0)
    }
    let full = try timed(.none).0

    // 10,000 late events: an office that recorded offline years ago and syncs only now.
    let late = try BenchOffice(
        directory: directory, office: "late-office", events: 10_000, clockStart: start + span / 4, clockSpan: 30 * day, layout: BenchOffice.small,
        spread: false)
    try late.record()
    let lateSeconds = try late.deliver(to: hub.store, arrival: max(lastArrival, start + span) + 400 * day)
    var lateCheck: CityState?
    let catchUpSeconds = try seconds { lateCheck = try CityState.load(from: hub.store, filter: TimeFilter(asOf: start + span / 4 + 31 * day)) }
    precondition(lateCheck?.facts.systems["late-office-s0"] != nil, "late events must appear in the past")
    // The late events are read beside the snapshots until they catch up.
    var asOfLate: [Double] = []
    for _ in 0..<5 { asOfLate.append(try timed(TimeFilter(asOf: start + Int64.random(in: 0..<span, using: &generator))).0) }
    // Known at instants before the late events arrived, after them: each state's facts and costs
    // leave them out, though the snapshots made again hold them.
    var knownAtLate: [Double] = []
    for _ in 0..<5 {
        knownAtLate.append(try timed(TimeFilter(knownAt: Int64.random(in: firstArrival...lastArrival, using: &generator))).0)
    }

    func describe(_ values: [Double]) -> String {
        let sorted = values.sorted()
        return String(format: "median %.3f s, max %.3f s", sorted[sorted.count / 2], sorted.last ?? 0)
    }
    let facts = try hub.store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM civic_facts") ?? 0 }
    if upkeep.calls > 0 {
        print(String(format: "snapshots brought up to date between syncs: %d times, %.2f s in all", upkeep.calls, upkeep.seconds))
    }
    print(String(format: "the first state after the late events (the snapshots catch up first): %.2f s", catchUpSeconds))
    print(
        "| events held | facts | receive ev/s | snapshots made | state --as-of (5 random dates) | state --known-at (5 random dates) "
            + "| state --effective-on (5 random dates) | state (all) | 10,000 late events | --as-of after them | --known-at before them, after them |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print(String(
        format: "| %d | %d | %.0f | %.2f s | %@ | %@ | %@ | %.3f s | %.2f s (%.0f ev/s) | %@ | %@ |", held, facts, Double(held) / receiveSeconds,
        snapshotSeconds, describe(asOf), describe(knownAt), describe(effectiveOn), full, lateSeconds, 10_000 / lateSeconds, describe(asOfLate),
        describe(knownAtLate)))
    if keep {
        FileHandle.standardError.write(Data("kept the city-hall ledger in \(directory)/cityhall\n".utf8))
    } else {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// How the time-travel benchmark's city records and syncs (`--sync-every DAYS`, `--spread-facts`).
struct StateBenchLayout {
    /// Every office syncs every this many days; nil: each office's whole range arrives at once, after the ten years.
    var syncEveryDays: Int?
    /// The facts spread over the ten years among the costs, rather than first.
    var spreadFacts = false
}

/// One office of the time-travel benchmark: its ledger, the events it has recorded, and how many
/// of them city hall has received.
final class BenchOffice {
    /// How many of an office's events are districts, systems and facts in all (the rest are costs).
    typealias Layout = (districts: Int, systems: Int, facts: Int)
    static let small: Layout = (8, 50, 108)
    static let categories = ["maintenance", "licence", "capital", "professional-services", "hardware-refresh", "energy"]
    static let sources = ["general-fund", "bond", "utility-surcharge", "grant", "vendor-subsidy", "fees"]

    let opened: LedgerDirectory.Opened
    let office: String
    let total: Int
    let clockStart: Int64
    let clockSpan: Int64
    let layout: Layout
    let spread: Bool
    /// Events recorded so far (the next one's index).
    private(set) var recorded = 0
    /// Events city hall holds.
    private(set) var delivered = 0

    var done: Bool { recorded == total && delivered == total }

    init(directory: String, office: String, events: Int, clockStart: Int64, clockSpan: Int64, layout: Layout, spread: Bool) throws {
        opened = try LedgerDirectory(path: directory + "/" + office).initialize(
            identity: LedgerIdentity(city: "bench", office: office), projector: CivicProjector())
        self.office = office
        total = events
        self.clockStart = clockStart
        self.clockSpan = clockSpan
        self.layout = layout
        self.spread = spread
    }

    func clock(_ index: Int) -> Int64 { clockStart + Int64(index) * clockSpan / Int64(total) }

    /// Records the events whose clock is before `instant` (all of them by default), in one transaction.
    func record(before instant: Int64 = .max) throws {
        guard recorded < total, clock(recorded) < instant else { return }
        // The clock of the event being drafted: the store reads it after it pulls the draft.
        var stamp = clock(recorded)
        _ = try opened.store.append(signer: opened.signer, now: { stamp }) {
            guard recorded < total, clock(recorded) < instant else { return nil }
            defer { recorded += 1 }
            stamp = clock(recorded)
            return try draft(recorded)
        }
    }

    /// Sends city hall the events recorded since the last delivery, stored there at `arrival`;
    /// returns the seconds city hall took to receive them.
    func deliver(to target: LedgerStore, arrival: Int64) throws -> Double {
        guard delivered < recorded else { return 0 }
        if delivered == 0 { try target.trust(office: office, verifier: opened.signer.verifier) }
        let events = try opened.store.read { db in
            try Data.fetchAll(db, sql: EventRuns.select("e.canonical"), arguments: [office, delivered, recorded]).map {
                try Event(canonical: Array($0))
            }
        }
        guard let note = try opened.store.head(office: office)?.checkpoint else { return 0 }
        let elapsed = try seconds { try target.receive(events: events, checkpoint: note, now: { arrival }) }
        delivered = recorded
        return elapsed
    }

    private func body(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8), profile: .strict) }

    /// The event at `index`: districts, systems and deployments first, then costs spread over ten
    /// years; or, spread, every (total / facts)th event a fact (a system, a district, three
    /// deployments, in turn) and the costs on the systems procured before them.
    private func draft(_ index: Int) throws -> EventDraft {
        let date = LedgerDate(unixMilliseconds: clock(index))
        let (districts, systems, facts) = layout
        enum Kind { case district(Int), system(Int), deployment(system: Int, district: Int, units: Int), cost(system: Int) }
        let kind: Kind
        if spread {
            let stride = max(1, total / facts)
            let fact = index / stride
            if index % stride == 0, fact < facts {
                let round = fact / 5
                switch fact % 5 {
                case 0: kind = .system(round)
                case 1: kind = .district(round)
                default: kind = .deployment(system: (fact * 7) % (round + 1), district: (fact * 3) % (round + 1), units: 1 + fact % 9)
                }
            } else {
                // Systems among the facts recorded before this event.
                kind = .cost(system: index % max(1, (min(fact, facts - 1) + 5) / 5))
            }
        } else {
            switch index {
            case 0..<districts: kind = .district(index)
            case districts..<(districts + systems): kind = .system(index - districts)
            case (districts + systems)..<facts:
                kind = .deployment(system: (index - districts - systems) % systems, district: index % districts, units: 1 + index % 9)
            default: kind = .cost(system: index % systems)
            }
        }
        let effective = date.description
        switch kind {
        case .district(let number):
            return try EventDraft(
                type: "district.defined", effective: date,
                body: body(#"{"district":"d\#(number)","name":"District \#(number)","population":\#(10_000 + number * 1_000),"need_index":\#(number * 12 % 101),"priority":\#(number % 2 == 0)}"#))
        case .system(let number):
            let system = "\(office)-s\(number)"
            return try EventDraft(
                type: "system.procured", effective: date,
                body: body(#"""
                    {"system":"\#(system)","title":"System \#(system)","category":"cameras","vendor":"Vendor \#(index % 7)","method":"open-tender",
                    "contract":{"value":1000000,"currency":"USD","start":"\#(effective)","end":"2030-12-31"},
                    "terms":{"data_portability":false,"open_formats":true,"source_available":false,"exit_clause":true},
                    "funding":[{"source":"general-fund","share_bps":10000}]}
                    """#))
        case .deployment(let system, let district, let units):
            return try EventDraft(
                type: "deployment.recorded", effective: date,
                body: body(#"{"system":"\#(office)-s\#(system)","district":"d\#(district)","units":\#(units)}"#))
        case .cost(let system):
            return try EventDraft(
                type: "cost.incurred", effective: date,
                body: body(#"{"system":"\#(office)-s\#(system)","amount":\#(10_000 + (index * 7919) % 900_000),"currency":"USD","category":"\#(Self.categories[index % 6])","source":"\#(Self.sources[index % 6])"}"#))
        }
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
    let encoding = try CityState.timeSnapshotEncoding(opened.store, times: 10)
    print(String(format: "the newest fold snapshot encoded again (best of 10): %.1f ms (%.1f MB)", encoding.seconds * 1000, Double(encoding.bytes) / 1e6))
    let periods = try CityState.timeCostPeriodsSum(opened.store, times: 10)
    print(
        String(
            format: "the cost periods summed for all time (best of 10): %.1f ms (%.1f MB, %d lines)", periods.seconds * 1000,
            Double(periods.bytes) / 1e6, periods.lines))
}
