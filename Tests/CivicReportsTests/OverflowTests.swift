import CivicDomain
import CivicReports
import CivicTestSupport
import LedgerCore
import Testing

/// Valid events whose money adds up past 64 bits: every report renders, totals are cut at the
/// largest figure JSON carries exactly, and a finding says so — never a trap.
@Suite("Totals past the safe range")
struct OverflowTests {
    @Test func aThousandLargestCostsRenderEveryReport() throws {
        let ledger = try ReportLedger()
        try ledger.district("north", population: 1000, need: 80, priority: true)
        try ledger.system("lights", value: 9_007_199_254_740_991)
        try ledger.deploy("lights", "north", units: 3)
        let drafts = try (0..<1_030).map { index in
            try TestCity.draft(
                "cost.incurred", "2024-06-01",
                Bodies.cost("lights", 9_007_199_254_740_991, source: index % 2 == 0 ? "general-fund" : "grant"))
        }
        ledger.clock += 1000
        try ledger.city.record("it", drafts)
        try ledger.record("contract.amended", Bodies.amendment("lights", change: 9_007_199_254_740_991), on: "2024-07-01")

        let context = try ledger.context()
        #expect(context.state.totalCost(system: "lights") == Money.limit)
        #expect(context.state.facts.systems["lights"]?.contractValue == Money.limit)
        let finding = try #require(context.state.findings.first { $0.kind == .totalOutOfRange })
        #expect(finding.detail.contains("\"lights\""))
        for kind in ReportKind.allCases {
            _ = kind.json(context)
            _ = kind.tables(context)
            _ = kind.csvTables(context)
            #expect(ReportPage.render(kind, context: context).hasPrefix("<!DOCTYPE html>"))
        }
        #expect(ReportPage.index(context: context).contains("Findings"))
        _ = Headlines(context).json
        let funding = FundingReport(context)
        #expect(funding.total == Money.limit && funding.residents <= funding.total)
        #expect(Metrics.basisPoints(500_000_000_000_000, of: 500_000_000_000_000) == 10_000)
        #expect(Metrics.basisPoints(Money.limit / 3, of: Money.limit) == 3_333)
        #expect(Metrics.perCapita(Money.limit, people: 2) == Money.limit / 2 + 1)
    }

    @Test func sumsSaturateAtTheSafeBound() {
        #expect(Money.add(Money.limit, 1) == Money.limit)
        #expect(Money.add(.max, .max) == Money.limit)
        #expect(Money.add(-Money.limit, -5) == -Money.limit)
        #expect(Money.sum([1, 2, 3]) == 6)
        #expect(Money.exceeds(Money.limit, 1) && !Money.exceeds(Money.limit - 1, 1))
    }
}
