import CivicDomain
import Foundation
import LedgerCore
import LedgerStore

/// The time of each write transaction as a ledger grows to `total` events (costs recorded `batch`
/// per transaction on 1,000 systems), then of `singles` transactions of one event: the median, the
/// 99th percentile and the slowest, and where the slowest fell. A transaction's work must not
/// grow with the ledger (issue 12), so the slowest should stay near the median on any size. Last,
/// the mean time of a lookup by id (``LedgerStore/event(id:)``) of 10,000 events spread over the
/// ledger, most of them settled, some after the mark.
func runLatencyBench(total: Int, batch: Int, singles: Int, directory: String) throws {
    let folder = directory + "-latency"
    try? FileManager.default.removeItem(atPath: folder)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let opened = try LedgerDirectory(path: folder).initialize(
        identity: LedgerIdentity(city: "bench", office: "transport"), projector: CivicProjector())
    let effective = LedgerDate("2024-01-01") ?? LedgerDate(unixMilliseconds: 0)
    let systems = 1_000
    _ = try opened.store.append((0..<systems).map { try benchSystem($0, effective: effective) }, signer: opened.signer)
    var random = BenchRandom(seed: 12)
    func cost() throws -> EventDraft { try benchCost(systems: systems, random: &random, effective: effective) }
    func summary(_ times: [(ms: Double, at: Int)]) -> String {
        guard !times.isEmpty else { return "none" }
        let sorted = times.map(\.ms).sorted()
        let slowest = times.sorted { $0.ms > $1.ms }.prefix(3).map { String(format: "%.1f ms after %d", $0.ms, $0.at) }
        return String(
            format: "mean %.2f ms, median %.2f ms, p99 %.2f ms; slowest ", sorted.reduce(0, +) / Double(sorted.count), sorted[sorted.count / 2],
            sorted[sorted.count * 99 / 100])
            + slowest.joined(separator: ", ")
    }
    var held = systems
    var batches: [(ms: Double, at: Int)] = []
    var lastShown = 0
    while held < total {
        let drafts = try (0..<min(max(1, batch), total - held)).map { _ in try cost() }
        let ms = try seconds { _ = try opened.store.append(drafts, signer: opened.signer) } * 1000
        batches.append((ms, held))
        held += drafts.count
        if held - lastShown >= 250_000 {
            lastShown = held
            FileHandle.standardError.write(Data("\(held) events\n".utf8))
        }
    }
    var ones: [(ms: Double, at: Int)] = []
    for _ in 0..<singles {
        let draft = try cost()
        ones.append((try seconds { _ = try opened.store.append([draft], signer: opened.signer) } * 1000, held))
        held += 1
    }
    var ids: [Hash] = []
    let every = max(1, held / 10_000)
    var index = 0
    try opened.store.forEachEvent(office: "transport") { stored in
        if index % every == 0 { ids.append(stored.id) }
        index += 1
        return true
    }
    var found = 0
    let lookups = try seconds {
        for id in ids where try opened.store.event(id: id) != nil { found += 1 }
    }
    guard found == ids.count else { throw BenchError("found \(found) of \(ids.count) events by id") }
    let lookup = String(format: "mean %.1f µs (%d ids)", lookups * 1e6 / Double(max(1, ids.count)), ids.count)
    print("| \(total) | " + summary(batches) + " | " + summary(ones) + " | " + lookup + " |")
}
