import CivicDomain
import CivicReports
import CivicTestSupport
import Foundation
import LedgerCore
import LedgerStore

/// A one-office test city ("it" of testville), for small hand-computed reports: every record moves
/// the clock a second on.
final class ReportLedger {
    let city: TestCity
    var opened: LedgerDirectory.Opened { city.ledgers["it"]! }
    var clock: Int64 {
        get { city.clock }
        set { city.clock = newValue }
    }

    init() throws {
        city = try TestCity(city: "testville", offices: ["it"])
        city.clock = LedgerDate("2024-01-01").map(\.unixMilliseconds) ?? 0
    }

    /// Records one event; the clock moves a second on.
    @discardableResult
    func record(_ type: String, _ body: String, on effective: String = "2024-01-01") throws -> Event {
        city.clock += 1000
        return try city.record("it", type, effective, body)
    }

    func district(_ id: String, population: Int, need: Int, priority: Bool = false, geometry: String? = nil) throws {
        let shape = geometry.map { #","geometry":\#($0)"# } ?? ""
        try record(
            "district.defined",
            #"{"district":"\#(id)","name":"\#(id.capitalized)","population":\#(population),"need_index":\#(need),"priority":\#(priority)\#(shape)}"#)
    }

    /// A square about 1 km wide near 44° N, the `column`-th from the west, as a `geometry` member.
    static func square(column: Int) -> String {
        let west = -79_600_000 + column * 13_000, east = west + 13_000, south = 44_200_000, north = 44_209_000
        return #"{"type":"Polygon","coordinates":[[[\#(west),\#(south)],[\#(east),\#(south)],[\#(east),\#(north)],[\#(west),\#(north)],[\#(west),\#(south)]]]}"#
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
