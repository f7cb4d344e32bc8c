import CivicDomain
import CivicReports
import Foundation
import LedgerCore
import LedgerStore

/// A one-office ledger in a temporary folder, for small hand-computed reports.
final class ReportLedger {
    let folder = NSTemporaryDirectory() + "civic-reports-\(UUID().uuidString)"
    let opened: LedgerDirectory.Opened
    var clock: Int64 = LedgerDate("2024-01-01").map(\.unixMilliseconds) ?? 0

    init() throws {
        opened = try LedgerDirectory(path: folder).initialize(
            identity: LedgerIdentity(city: "testville", office: "it"), projector: CivicProjector())
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// Records one event; the clock moves a second on.
    @discardableResult
    func record(_ type: String, _ body: String, on effective: String = "2024-01-01") throws -> Event {
        clock += 1000
        let draft = try EventDraft(type: type, effective: LedgerDate(effective)!, body: JSONParser.parse(Array(body.utf8), profile: .strict))
        let now = clock
        return try opened.store.append([draft], signer: opened.signer, now: { now }).lastEvent!
    }

    func district(_ id: String, population: Int, need: Int, priority: Bool = false) throws {
        try record("district.defined", #"{"district":"\#(id)","name":"\#(id.capitalized)","population":\#(population),"need_index":\#(need),"priority":\#(priority)}"#)
    }

    func system(
        _ id: String, value: Int = 100_000, category: String = "streetlights", vendor: String = "Acme", currency: String = "USD",
        portable: Bool = true, open: Bool = true, exit: Bool = true
    ) throws {
        try record(
            "system.procured",
            #"""
            {"system":"\#(id)","title":"System \#(id)","category":"\#(category)","vendor":"\#(vendor)","method":"open-tender",
             "contract":{"value":\#(value),"currency":"\#(currency)","start":"2024-01-01","end":"2028-12-31"},
             "terms":{"data_portability":\#(portable),"open_formats":\#(open),"source_available":false,"exit_clause":\#(exit)},
             "funding":[{"source":"general-fund","share_bps":10000}]}
            """#)
    }

    func cost(_ system: String, _ amount: Int, source: String = "general-fund", category: String = "maintenance", on date: String = "2024-06-01", currency: String = "USD") throws {
        try record("cost.incurred", #"{"system":"\#(system)","amount":\#(amount),"currency":"\#(currency)","category":"\#(category)","source":"\#(source)"}"#, on: date)
    }

    func deploy(_ system: String, _ district: String, units: Int) throws {
        try record("deployment.recorded", #"{"system":"\#(system)","district":"\#(district)","units":\#(units)}"#)
    }

    func context(_ filter: TimeFilter = .none, currency: String? = nil) throws -> ReportContext {
        try ReportContext.load(from: opened.store, filter: filter, currency: currency)
    }
}
