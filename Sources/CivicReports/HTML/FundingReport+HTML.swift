import CivicDomain

/// Who pays, as a page: key figures, spend per year stacked by funding source, and one bar split
/// between what residents pay and outside money.
extension FundingReport {
    var htmlSections: [HTML] {
        let code = context.currencyCode
        let figures: [HTML.Figure] = [
            HTML.Figure(context.readableMoney(total), "spent to date (\(code))"),
            HTML.Figure(
                residentsShareBasisPoints.shown, "borne by every resident",
                note: "general fund, bonds, utility surcharges: \(context.readableMoney(residents))"),
            HTML.Figure(
                outsideShareBasisPoints.shown, "from outside money and fees",
                note: "grants, vendor subsidy, fees: \(context.readableMoney(outside))"),
        ]
        return [
            HTML.figures(figures),
            HTML.section(
                "Spending per year by funding source", id: "by-year",
                [
                    HTML.chart(
                        yearChart,
                        caption: "Blues are paid by every resident (general fund, bonds, utility surcharges); green and sand are "
                            + "grants, vendor subsidy and fees. Amounts in \(code).", empty: "No data yet: no spending recorded.")
                ]),
            HTML.section(
                "Residents' share against outside money", id: "share",
                [
                    HTML.chart(
                        shareChart, caption: "All spending to date, split by who bears it; the dashed line marks half.",
                        empty: "No data yet: no spending recorded.")
                ]),
        ]
    }

    private var outsideShareBasisPoints: Int64? { Metrics.basisPoints(outside, of: total) }

    static func colour(_ source: FundingSource) -> String {
        switch source {
        case .generalFund: return "#2f5d8a"
        case .bond: return "#5b8cbf"
        case .utilitySurcharge: return "#9bbfe0"
        case .grant: return "#5a8f6b"
        case .vendorSubsidy: return "#c98b3c"
        case .fees: return "#cdb98f"
        }
    }

    /// Stacked bars, a bar a year: positive amounts stack up from zero, negative ones (corrections) down.
    /// Stacked bars, a bar a year; narrow, the legend's groups put their headings above their swatches.
    private func yearChart(width: Double) -> SVGChart? {
        guard !byYear.isEmpty else { return nil }
        let sources = FundingSource.allCases
        var chart = SVGChart(label: "Spending per year by funding source, in \(context.currencyCode)", width: width)
        let narrow = chart.isNarrow
        let left = narrow ? 40.0 : 64.0, right = narrow ? 4.0 : 12.0
        var legendBottom = 6.0
        for (heading, residents) in [("paid by residents", true), ("outside money and fees", false)] {
            chart.text(heading, x: narrow ? 4 : left, y: legendBottom + 12.5, style: .smallHeading)
            if narrow { legendBottom += 18 }
            let group = sources.filter { $0.isBorneByResidents == residents }
            let indent = narrow ? 4 : left + 168
            legendBottom +=
                chart.legend(
                    group.map { ($0.rawValue.replacingHyphens, Self.colour($0)) }, x: indent, y: legendBottom,
                    width: chart.width - indent - right) + 4
        }
        let top = legendBottom + 22, bottom = top + (narrow ? 180 : 220)
        chart.height = bottom + 30
        let ups = byYear.map { year in sources.reduce(0.0) { $0 + max(0, context.major(year.bySource[$1] ?? 0)) } }
        let downs = byYear.map { year in sources.reduce(0.0) { $0 + min(0, context.major(year.bySource[$1] ?? 0)) } }
        let scale = LinearScale(values: ups + downs, from: bottom, to: top)
        for tick in scale.ticks {
            chart.line(x1: left, y1: scale(tick), x2: chart.width - right, y2: scale(tick), style: tick == 0 ? "axis" : "grid")
            chart.text(ChartNumber.compact(tick), x: left - 6, y: scale(tick) + 4, anchor: .end, style: .axis)
        }
        chart.text(context.currencyCode, x: left - 6, y: top - 14, anchor: .end, style: .axis)
        let band = (chart.width - left - right) / Double(byYear.count)
        let barWidth = min(band * 0.62, 64)
        let labelEvery = max(1, Int(((narrow ? 44 : 38) / band).rounded(.up)))
        for (index, year) in byYear.enumerated() {
            let x = left + band * Double(index) + (band - barWidth) / 2
            var up = 0.0, down = 0.0
            for source in sources {
                let amount = year.bySource[source] ?? 0
                guard amount != 0 else { continue }
                let value = context.major(amount)
                let from = value > 0 ? up : down
                let to = from + value
                if value > 0 { up = to } else { down = to }
                chart.rect(
                    x: x, y: min(scale(from), scale(to)), width: barWidth, height: abs(scale(to) - scale(from)), fill: Self.colour(source),
                    tip: "\(year.year), \(source.rawValue.replacingHyphens): \(context.money(amount)) \(context.currencyCode)")
            }
            if band >= (narrow ? 44 : 30) || index % labelEvery == 0 {
                chart.text(ChartNumber.compact(context.major(year.total)), x: x + barWidth / 2, y: scale(up) - 6, anchor: .middle, style: .value)
            }
            if index % labelEvery == 0 { chart.text(year.year, x: x + barWidth / 2, y: bottom + 20, anchor: .middle) }
        }
        return chart
    }

    /// One bar, 100 % wide: residents' share on the left, outside money on the right.
    /// Narrow, the two headings take a line each.
    private func shareChart(width chartWidth: Double) -> SVGChart? {
        guard let share = residentsShareBasisPoints else { return nil }
        var chart = SVGChart(label: "Residents bear \(Optional(share).percent) of spending; outside money and fees the rest", width: chartWidth)
        let shift = chart.isNarrow ? 18.0 : 0
        chart.height = 104 + shift
        let left = 4.0, width = chart.width - 8
        let split = left + width * Double(min(max(share, 0), 10_000)) / 10_000
        chart.text("Residents \(Optional(share).percent)", x: left, y: 18, style: .heading)
        chart.text("Outside money and fees \(outsideShareBasisPoints.percent)", x: left + width, y: 18 + shift, anchor: .end, style: .heading)
        chart.rect(x: left, y: 28 + shift, width: split - left, height: 34, fill: Self.colour(.generalFund), tip: "residents: \(context.money(residents))")
        chart.rect(
            x: split, y: 28 + shift, width: left + width - split, height: 34, fill: Self.colour(.grant),
            tip: "outside money and fees: \(context.money(outside))")
        chart.line(x1: left + width / 2, y1: 24 + shift, x2: left + width / 2, y2: 66 + shift, style: "reference")
        chart.text("general fund, bonds, surcharges: \(context.readableMoney(residents)) \(context.currencyCode)", x: left, y: 82 + shift, style: .small)
        chart.text(
            "grants, vendor subsidy, fees: \(context.readableMoney(outside)) \(context.currencyCode)", x: left + width, y: 98 + shift, anchor: .end,
            style: .small)
        return chart
    }
}

extension String {
    /// `utility-surcharge` → `utility surcharge`.
    var replacingHyphens: String { String(map { $0 == "-" ? " " : $0 }) }
}
