import CivicDomain
import LedgerCore

/// The findings a newcomer reads first, taken from the reports themselves (so they always agree
/// with `civic report … --format json`).
public struct Headlines: Sendable {
    public let funding: FundingReport
    public let equity: EquityReport
    public let surveillance: SurveillanceReport
    public let vendors: VendorReport

    /// Makes the four reports on the machine's cores: who benefits and who is watched in one job
    /// (they share one allocation of spend to districts), who pays in another, vendor capture on
    /// this thread meanwhile.
    public init(_ context: ReportContext) {
        @Sendable func districts() -> (EquityReport, SurveillanceReport) {
            let allocation = DeploymentAllocation(context)
            return (EquityReport(context, allocation: allocation), SurveillanceReport(context, allocation: allocation))
        }
        let (districtJob, fundingJob) = (ParallelChunks<(EquityReport, SurveillanceReport)>(), ParallelChunks<FundingReport>())
        districtJob.run(districts)
        fundingJob.run { FundingReport(context) }
        vendors = VendorReport(context)
        // The jobs cannot throw; one that did not finish is made here instead.
        (equity, surveillance) = (try? districtJob.values().first) ?? districts()
        funding = (try? fundingJob.values().first) ?? FundingReport(context)
    }

    public var json: JSONValue {
        let worst = vendors.worstMultiplier
        let target = equity.targets.first
        return .object([
            ("residents_share_bps", funding.residentsShareBasisPoints.json), ("total_spend", .integer(funding.total)),
            ("concentration_index", equity.concentrationIndex.json), ("priority_share_bps", equity.priorityShareBasisPoints.json),
            ("worst_multiplier_vendor", worst.map { .string($0.vendor) } ?? .null), ("worst_multiplier", worst?.multiplier.json ?? .null),
            ("hhi", vendors.herfindahlHirschman.json), ("most_watched", surveillance.mostWatched.map { .string($0) } ?? .null),
            ("target", target.map { .string($0.target.target) } ?? .null), ("target_verdict", target.map { .string($0.verdict.rawValue) } ?? .null),
            ("target_share_bps", target?.shareBasisPoints.json ?? .null),
        ])
    }

    /// The findings as sentences.
    public var lines: [String] {
        let context = funding.context
        let code = context.currencyCode
        var lines: [String] = []
        lines.append(
            "Who pays: residents bear \(funding.residentsShareBasisPoints.percent) of \(code) \(context.readableMoney(funding.total)) "
                + "(general fund, bonds, surcharges); grants, vendor subsidies and fees the rest.")
        if let richest = equity.districts.filter({ $0.investmentPerCapita != nil }).max(by: { ($0.investmentPerCapita ?? 0) < ($1.investmentPerCapita ?? 0) }) {
            lines.append(
                "Who benefits: concentration index \(equity.concentrationIndex.text) (negative favours the neediest); "
                    + "\(richest.district.name) (need \(richest.district.needIndex)) gets the most per resident, \(code) \(context.readableMoney(richest.investmentPerCapita ?? 0)).")
        } else {
            lines.append("Who benefits: nothing deployed to a district yet.")
        }
        if let worst = vendors.worstMultiplier {
            lines.append(
                "Vendor capture: \(worst.vendor) has cost \(worst.multiplier.text)x its initial contracts "
                    + "(\(code) \(context.readableMoney(worst.lifetimeCost)) against \(context.readableMoney(worst.initialContract))); HHI \(vendors.herfindahlHirschman.text).")
        }
        if let watched = surveillance.mostWatched, let row = surveillance.districts.first(where: { $0.district.district == watched }) {
            lines.append(
                "Most watched: \(row.district.name) (need \(row.district.needIndex)), \(row.systems.count) assessed system\(row.systems.count == 1 ? "" : "s"), "
                    + "\(row.highRisk.count) high-risk, against \(row.benefitShareBasisPoints.percent) of the benefits.")
        }
        for result in equity.targets {
            lines.append(
                "Target \(result.target.target): \(result.verdict.rawValue), priority districts got \(result.shareBasisPoints.percent) "
                    + "against \(result.target.comparison.rawValue) \(Optional(result.target.thresholdBasisPoints).percent).")
        }
        if equity.targets.isEmpty { lines.append("Targets: none declared.") }
        return lines
    }
}
