import CivicDomain
import LedgerCore

/// Who pays: spending by funding source and year, and the share borne by every resident (general
/// fund, bonds, utility surcharges) against outside money and user charges (grants, vendor subsidy, fees).
public struct FundingReport: Sendable {
    public struct SourceTotal: Sendable, Equatable {
        public let source: FundingSource
        public let amount: Int64
        public let shareBasisPoints: Int64?
    }

    public struct YearTotal: Sendable, Equatable {
        public let year: String
        public let bySource: [FundingSource: Int64]
        public var total: Int64 { Money.sum(bySource.values) }
        public var residents: Int64 { Money.sum(bySource.filter(\.key.isBorneByResidents).values) }
    }

    public let context: ReportContext
    public let total: Int64
    public let residents: Int64
    public let outside: Int64
    /// The residents' share of all spending; nil when nothing was spent.
    public let residentsShareBasisPoints: Int64?
    /// Every funding source, in the vocabulary's order.
    public let bySource: [SourceTotal]
    public let byYear: [YearTotal]
    public let byCategory: [(category: String, amount: Int64)]

    public init(_ context: ReportContext) {
        self.context = context
        // Summed by the fields' numbers (``FewTexts``), then named: half a million lines are added
        // without hashing a text.
        let allSources = FundingSource.allCases
        var (sourceTexts, yearTexts, categoryTexts) = (FewTexts(), FewTexts(), FewTexts())
        var sourceOf: [Int?] = []
        var sourceSums = [Int64?](repeating: nil, count: allSources.count)
        var yearSums: [[Int64?]] = []
        var categorySums: [Int64] = []
        for line in context.costLines {
            let text = sourceTexts.index(line.source)
            if text == sourceOf.count { sourceOf.append(FundingSource(rawValue: line.source).flatMap { allSources.firstIndex(of: $0) }) }
            guard let source = sourceOf[text] else { continue }
            sourceSums[source] = Money.add(sourceSums[source] ?? 0, line.amount)
            let year = yearTexts.index(line.year)
            if year == yearSums.count { yearSums.append([Int64?](repeating: nil, count: allSources.count)) }
            yearSums[year][source] = Money.add(yearSums[year][source] ?? 0, line.amount)
            let category = categoryTexts.index(line.category)
            if category == categorySums.count { categorySums.append(0) }
            categorySums[category] = Money.add(categorySums[category], line.amount)
        }
        func named(_ sums: [Int64?]) -> [FundingSource: Int64] {
            Dictionary(uniqueKeysWithValues: sums.enumerated().compactMap { index, sum in sum.map { (allSources[index], $0) } })
        }
        let sources = named(sourceSums)
        let years = Dictionary(uniqueKeysWithValues: zip(yearTexts.values, yearSums.map(named)))
        let categories = Dictionary(uniqueKeysWithValues: zip(categoryTexts.values, categorySums))
        total = Money.sum(sources.values)
        residents = Money.sum(sources.filter(\.key.isBorneByResidents).values)
        outside = total - residents
        residentsShareBasisPoints = Metrics.basisPoints(residents, of: total)
        let total = self.total
        bySource = FundingSource.allCases.map { source in
            SourceTotal(source: source, amount: sources[source] ?? 0, shareBasisPoints: Metrics.basisPoints(sources[source] ?? 0, of: total))
        }
        byYear = years.keys.sorted().map { YearTotal(year: $0, bySource: years[$0] ?? [:]) }
        byCategory = categories.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) }
    }

    public var json: JSONValue {
        .object(
            context.header("funding") + [
                ("total", .integer(total)), ("residents", .integer(residents)), ("outside", .integer(outside)),
                ("residents_share_bps", residentsShareBasisPoints.json),
                ("by_source", .array(bySource.map { line in
                    .object([
                        ("source", .string(line.source.rawValue)), ("borne_by_residents", .bool(line.source.isBorneByResidents)),
                        ("amount", .integer(line.amount)), ("share_bps", line.shareBasisPoints.json),
                    ])
                })),
                ("by_year", .array(byYear.map { year in
                    .object([
                        ("year", .string(year.year)), ("total", .integer(year.total)), ("residents", .integer(year.residents)),
                        ("by_source", .object(FundingSource.allCases.map { ($0.rawValue, .integer(year.bySource[$0] ?? 0)) })),
                    ])
                })),
                ("by_category", .array(byCategory.map { .object([("category", .string($0.category)), ("amount", .integer($0.amount))]) })),
            ])
    }

    /// One row a year, a column a source (the CSV and the chart's data).
    public var table: ReportTable {
        ReportTable(
            title: "Spending by year and funding source (\(context.currencyCode))",
            columns: ["year"] + FundingSource.allCases.map(\.rawValue) + ["total", "residents_share_bps"],
            rows: byYear.map { year in
                [year.year] + FundingSource.allCases.map { context.money(year.bySource[$0] ?? 0) } + [
                    context.money(year.total), Metrics.basisPoints(year.residents, of: year.total).text,
                ]
            })
    }

    public var tables: [ReportTable] {
        let sources = ReportTable(
            title: "Who pays (\(context.currencyCode))", columns: ["source", "borne_by_residents", "amount", "share"],
            rows: bySource.map { [$0.source.rawValue, $0.source.isBorneByResidents ? "yes" : "no", context.money($0.amount), $0.shareBasisPoints.percent] }
                + [["all residents", "yes", context.money(residents), residentsShareBasisPoints.percent], ["total", "", context.money(total), ""]])
        return [sources, table]
    }
}
