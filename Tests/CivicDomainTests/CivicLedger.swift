import CivicDomain
import Foundation
import LedgerCore
import LedgerStore

/// A test city: ledgers of several offices in temporary folders, with the civic projector and a
/// controllable clock (Unix ms), and helpers to record events and hand ranges between offices.
final class TestCity {
    let folder = NSTemporaryDirectory() + "civic-domain-\(UUID().uuidString)"
    var ledgers: [String: LedgerDirectory.Opened] = [:]
    var clock: Int64 = LedgerDate("2026-01-01").map(\.unixMilliseconds) ?? 0

    init(offices: [String]) throws {
        for office in offices {
            ledgers[office] = try LedgerDirectory(path: folder + "/" + office).initialize(
                identity: LedgerIdentity(city: "springfield", office: office), projector: CivicProjector())
        }
        for (office, opened) in ledgers {
            for (other, peer) in ledgers where other != office { try opened.store.trust(office: other, verifier: peer.signer.verifier) }
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func store(_ office: String) -> LedgerStore { ledgers[office]!.store }

    /// Sets the clock to noon UTC of `date`.
    func at(_ date: String) {
        clock = (LedgerDate(date)?.unixMilliseconds ?? 0) + 43_200_000
    }

    /// Records one event at `office` with the current clock; returns it.
    @discardableResult
    func record(_ office: String, _ type: String, _ effective: String, _ body: String) throws -> Event {
        let opened = ledgers[office]!
        let draft = try EventDraft(
            type: type, effective: LedgerDate(effective)!, body: JSONParser.parse(Array(body.utf8), profile: .strict))
        let now = clock
        let summary = try opened.store.append([draft], signer: opened.signer, now: { now }, validate: { try EventTypeRegistry.version1.validate($0) })
        return summary.lastEvent!
    }

    /// Hands all of `from`'s own events to `to`, as a sync would, arriving at the current clock.
    func deliver(from: String, to: String) throws {
        var events: [Event] = []
        try store(from).forEachEvent(office: from) { events.append(try Event(canonical: $0.canonical)); return true }
        guard let note = try store(from).head(office: from)?.checkpoint, !events.isEmpty else { return }
        let now = clock
        try store(to).receive(events: events, checkpoint: note, now: { now })
    }

    static func district(_ id: String, population: Int, need: Int, priority: Bool) -> String {
        #"{"district":"\#(id)","name":"\#(id.capitalized)","population":\#(population),"need_index":\#(need),"priority":\#(priority)}"#
    }

    static func system(_ id: String, value: Int = 10_000_000, category: String = "cameras", vendor: String = "Acme") -> String {
        #"""
        {"system":"\#(id)","title":"System \#(id)","category":"\#(category)","vendor":"\#(vendor)","method":"open-tender",
         "contract":{"value":\#(value),"currency":"USD","start":"2024-01-01","end":"2028-12-31"},
         "terms":{"data_portability":true,"open_formats":true,"source_available":false,"exit_clause":true},
         "funding":[{"source":"general-fund","share_bps":7000},{"source":"grant","share_bps":3000}]}
        """#
    }

    static func cost(_ system: String, _ amount: Int, source: String = "general-fund", category: String = "maintenance") -> String {
        #"{"system":"\#(system)","amount":\#(amount),"currency":"USD","category":"\#(category)","source":"\#(source)"}"#
    }
}
