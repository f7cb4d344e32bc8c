import CivicDomain
import Foundation
import LedgerCore
import LedgerStore

/// What a receiver does first with each event of a range: `Event(canonical:)` checks the bytes are
/// canonical JSON and a well-formed envelope, and hashes them. `count` events of a real ledger (a
/// procurement per system, then costs, as `--events` records them), parsed in process, each checked
/// against the id it is stored under, best of 5. Then what recording does with each event:
/// `Event(envelope:)` writes the canonical bytes and hashes them, here with each body's members in
/// reverse (as a body typed by hand may stand, so they are put in order).
func runParseBench(count: Int, directory: String) throws {
    try? FileManager.default.removeItem(atPath: directory)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let opened = try LedgerDirectory(path: directory).initialize(
        identity: LedgerIdentity(city: "bench", office: "transport"), projector: CivicProjector())
    let fallback = LedgerDate("2025-01-01") ?? LedgerDate(unixMilliseconds: 0)
    // The 500 systems first, then costs charged to them, as `--events` records them.
    var index = -1
    _ = try opened.store.append(signer: opened.signer) {
        index += 1
        guard index < count else { return nil }
        return try EventDraft(jsonLine: index < 500 ? procurement(index) : line(index), defaultEffective: fallback)
    }
    var stored: [(canonical: [UInt8], id: Hash)] = []
    try opened.store.forEachEvent(office: "transport") { event in
        stored.append((Array(event.canonical), event.id))
        return true
    }
    let times = try (0..<5).map { _ in
        try seconds {
            for (bytes, id) in stored {
                guard try Event(canonical: bytes).leafHash == id else { throw BenchError("an event parsed to another id than it is stored under") }
            }
        }
    }
    let best = times.min() ?? 0
    print(String(format: "Event(canonical:) on %d events (%.0f bytes each): %.0f events/s, %.2f µs each (best of 5)",
        stored.count, Double(stored.reduce(0) { $0 + $1.canonical.count }) / Double(max(1, stored.count)), Double(stored.count) / best,
        best / Double(max(1, stored.count)) * 1e6))
    var envelopes: [EventEnvelope] = []
    for (bytes, _) in stored {
        let envelope = try Event(canonical: bytes).envelope
        let body: JSONValue = envelope.body.objectValue.map { .object($0.reversed()) } ?? envelope.body
        envelopes.append(
            try EventEnvelope(
                office: envelope.office, seq: envelope.seq, prev: envelope.prev, hlc: envelope.hlc, type: envelope.type,
                effective: envelope.effective, author: envelope.author, body: body))
    }
    let writes = try (0..<5).map { _ in
        try seconds {
            for (envelope, (_, id)) in zip(envelopes, stored) {
                guard try Event(envelope: envelope).leafHash == id else { throw BenchError("an envelope wrote other bytes than those stored") }
            }
        }
    }
    let bestWrite = writes.min() ?? 0
    print(String(format: "Event(envelope:) on the same events, body members reversed: %.0f events/s, %.2f µs each (best of 5)",
        Double(envelopes.count) / bestWrite, bestWrite / Double(max(1, envelopes.count)) * 1e6))
}
