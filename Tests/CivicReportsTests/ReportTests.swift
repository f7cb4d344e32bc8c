import CivicDomain
import CivicReports
import LedgerCore
import Testing

@Suite("Reports over small ledgers")
struct ReportTests {
    @Test func fundingSharesSplitResidentsFromOutsideMoney() throws {
        let ledger = try ReportLedger()
        try ledger.system("lights")
        try ledger.cost("lights", 600, source: "general-fund", on: "2024-02-01")
        try ledger.cost("lights", 200, source: "bond", on: "2024-03-01")
        try ledger.cost("lights", 100, source: "utility-surcharge", on: "2025-03-01")
        try ledger.cost("lights", 300, source: "vendor-subsidy", on: "2025-04-01")
        try ledger.cost("lights", 800, source: "grant", on: "2025-05-01")
        let report = FundingReport(try ledger.context())
        #expect(report.total == 2000)
        #expect(report.residents == 900)
        #expect(report.outside == 1100)
        #expect(report.residentsShareBasisPoints == 4500)
        #expect(report.bySource.map(\.source) == FundingSource.allCases)
        #expect(report.bySource.first { $0.source == .grant }?.shareBasisPoints == 4000)
        #expect(report.bySource.first { $0.source == .fees }?.shareBasisPoints == 0)
        #expect(report.byYear.map(\.year) == ["2024", "2025"])
        #expect(report.byYear.map(\.residents) == [800, 100])
        #expect(report.table.csv.hasPrefix("year,general-fund,bond,utility-surcharge,grant,vendor-subsidy,fees,total,residents_share_bps\r\n2024,6.00,2.00,"))

        // --as-of: the ledger as it stood after the first two costs were recorded.
        let early = FundingReport(try ledger.context(TimeFilter(asOf: ledger.clock - 3000)))
        #expect(early.total == 800)
        #expect(early.residentsShareBasisPoints == 10_000)
    }

    @Test func emptyLedgerHasNoSharesRatherThanZeroes() throws {
        let ledger = try ReportLedger()
        let context = try ledger.context()
        #expect(context.currency == nil)
        let funding = FundingReport(context)
        #expect(funding.total == 0)
        #expect(funding.residentsShareBasisPoints == nil)
        let equity = EquityReport(context)
        #expect(equity.concentrationIndex == nil)
        #expect(equity.targets.isEmpty)
        #expect(VendorReport(context).herfindahlHirschman == nil)
        #expect(SurveillanceReport(context).mostWatched == nil)
        #expect(funding.json["residents_share_bps"] == .null)
    }

    @Test func equityAllocatesByUnitsAndJudgesTheTarget() throws {
        let ledger = try ReportLedger()
        try ledger.district("north", population: 1000, need: 80, priority: true)
        try ledger.district("south", population: 3000, need: 20)
        try ledger.district("port", population: 0, need: 50)
        try ledger.system("lights")
        try ledger.system("app", category: "app")
        try ledger.deploy("lights", "north", units: 1)
        try ledger.deploy("lights", "south", units: 3)
        try ledger.deploy("lights", "port", units: 4)
        try ledger.cost("lights", 8000)
        try ledger.cost("app", 500)
        let context = try ledger.context()
        var report = EquityReport(context)
        #expect(report.targets.isEmpty)
        #expect(report.allocated == 8000)
        #expect(report.unallocated == 500)
        #expect(report.unallocatedSystems == ["app"])
        #expect(report.districts.map(\.district.district) == ["north", "port", "south"])  // neediest first
        let north = try #require(report.districts.first)
        #expect(north.investment == 1000)
        #expect(north.investmentPerCapita == 1)
        #expect(north.shareBasisPoints == 1250)
        let port = report.districts[1]
        #expect(port.investment == 4000)
        #expect(port.investmentPerCapita == nil)  // nobody lives there
        // Port left out; north rank 0.125 with 1000/4000, south rank 0.625 with 3000/4000: 2·(0.03125 + 0.46875) − 1 = 0.
        #expect(report.concentrationIndex == 0)
        #expect(report.priorityShareBasisPoints == 1250)

        try ledger.record(
            "policy.target-declared",
            #"{"target":"fair-lights","title":"A third to priority districts","metric":"priority-district-share","comparison":"at-least","threshold_bps":3333,"categories":["streetlights"]}"#)
        try ledger.record(
            "policy.target-declared",
            #"{"target":"fair-cameras","title":"Cameras","metric":"priority-district-share","comparison":"at-most","threshold_bps":5000,"categories":["cameras"]}"#)
        try ledger.record(
            "policy.target-declared",
            #"{"target":"overall","title":"Overall","metric":"priority-district-share","comparison":"at-most","threshold_bps":2000}"#)
        report = EquityReport(try ledger.context())
        #expect(report.targets.map(\.target.target) == ["fair-cameras", "fair-lights", "overall"])
        #expect(report.targets.map(\.verdict) == [.noData, .missed, .met])
        #expect(report.targets.map(\.shareBasisPoints) == [nil, 1250, 1250])
    }

    @Test func severalCurrenciesNeedAChoice() throws {
        let ledger = try ReportLedger()
        try ledger.system("lights")
        try ledger.system("tram", currency: "EUR")
        try ledger.cost("lights", 100)
        try ledger.cost("tram", 900, currency: "EUR")
        #expect(throws: ReportError.self) { try ledger.context() }
        #expect(throws: ReportError.self) { try ledger.context(currency: "XYZ") }
        let euros = try ledger.context(currency: "EUR")
        #expect(euros.otherCurrencySystems == ["lights"])
        #expect(FundingReport(euros).total == 900)
        #expect(VendorReport(euros).totalSpend == 900)
    }

    @Test func vendorMultipliersLockInAndConcentration() throws {
        let ledger = try ReportLedger()
        try ledger.system("cams", value: 1000, category: "cameras", vendor: "Vigil", portable: false, open: false, exit: false)
        try ledger.system("lpr", value: 0, category: "licence-plate-readers", vendor: "Gratis", exit: false)
        try ledger.system("lights", value: 5000, vendor: "Lumen")
        try ledger.cost("cams", 1000, category: "capital")
        try ledger.cost("cams", 4000, category: "professional-services")
        try ledger.cost("cams", 1000, category: "hardware-refresh")
        try ledger.cost("lpr", 2000, category: "licence")
        try ledger.cost("lights", 2000, category: "capital")
        let report = VendorReport(try ledger.context())
        #expect(report.vendors.map(\.vendor) == ["Vigil", "Gratis", "Lumen"])  // by lifetime cost, then name
        let vigil = report.vendors[0]
        #expect(vigil.multiplier == 6)
        #expect(vigil.professionalServicesShareBasisPoints == 6667)
        #expect(vigil.hardwareRefreshShareBasisPoints == 1667)
        #expect(vigil.lockIn == [.noDataPortability, .closedFormats, .noExitClause])
        #expect(report.vendors[1].multiplier == nil)  // no initial contract: no multiplier
        #expect(report.vendors[1].lockIn == [.noExitClause])
        #expect(report.vendors[2].multiplier == 0.4)
        #expect(report.vendors[2].lockIn.isEmpty)
        // Shares 60 %, 20 %, 20 %: 3600 + 400 + 400.
        #expect(report.herfindahlHirschman == 4400)
        #expect(report.worstMultiplier?.vendor == "Vigil")
        #expect(report.json["worst_multiplier"]?["multiplier"] == .number(6))
    }

    @Test func surveillanceWatchesNamedAndDeployedDistricts() throws {
        let ledger = try ReportLedger()
        try ledger.district("north", population: 1000, need: 80, priority: true)
        try ledger.district("south", population: 1000, need: 20)
        try ledger.system("cams", category: "cameras")
        try ledger.system("lpr", category: "licence-plate-readers")
        try ledger.system("lights")
        try ledger.deploy("cams", "north", units: 5)
        try ledger.deploy("lights", "south", units: 1)
        try ledger.cost("lights", 1000)
        try ledger.cost("cams", 9000)
        try ledger.record(
            "surveillance.assessed",
            #"{"system":"cams","data_types":["video","biometrics"],"retention_days":90,"sharing":["police"],"automated_decisions":false,"districts":[],"risk":"high"}"#)
        let report = SurveillanceReport(try ledger.context())
        #expect(report.mostWatched == "north")
        #expect(report.unassessed == ["lpr"])
        let north = try #require(report.districts.first)
        #expect(north.systems == ["cams"])
        #expect(north.highRisk == ["cams"])
        #expect(north.dataTypes == [.video, .biometrics])
        #expect(north.longestRetentionDays == 90)
        #expect(north.watchingUnits == 5)
        // Camera money is not a benefit: all the benefit (the lights) went south.
        #expect(north.benefitShareBasisPoints == 0)
        #expect(report.districts[1].benefitShareBasisPoints == 10_000)
        #expect(report.districts[1].systems.isEmpty)
        #expect(report.register.map(\.districts) == [["north"]])

        try ledger.record("system.retired", #"{"system":"cams","reason":"Council vote"}"#)
        let after = SurveillanceReport(try ledger.context())
        #expect(after.mostWatched == nil)
        #expect(after.register.first?.record.retiredOn != nil)  // still in the register
    }

    @Test func algorithmRegisterFollowsUpdatesAndRetirement() throws {
        let ledger = try ReportLedger()
        try ledger.system("lpr", category: "licence-plate-readers", vendor: "Vigil")
        try ledger.record(
            "algorithm.registered",
            #"""
            {"algorithm":"hotlist","system":"lpr","name":"Hotlist matching","purpose":"Match plates, against a hotlist","decision_process":"Alerts to officers",
             "human_oversight":"An officer confirms","data_sources":["plates","hotlist"],"risks":"False matches","risk_category":"high","status":"pilot","contact":"it@testville.gov"}
            """#, on: "2024-02-01")
        try ledger.record("algorithm.updated", #"{"algorithm":"hotlist","status":"in-use"}"#, on: "2024-03-01")
        var register = AlgorithmRegister(try ledger.context())
        #expect(register.entries.count == 1)
        #expect(register.entries[0].status == "in-use")
        #expect(register.entries[0].department == "it")
        #expect(register.entries[0].beginDate == "2024-02-01")
        #expect(register.entries[0].vendor == "Vigil")
        #expect(register.table.columns == AlgorithmRegister.columns)
        #expect(register.table.csv.contains(#""Match plates, against a hotlist""#))
        #expect(register.table.csv.contains("plates; hotlist"))
        try ledger.record("algorithm.retired", #"{"algorithm":"hotlist","reason":"Suspended by council"}"#, on: "2024-09-01")
        register = AlgorithmRegister(try ledger.context())
        #expect(register.entries[0].status == "retired")
        #expect(register.entries[0].endDate == "2024-09-01")
    }
}
