import CivicDomain

/// Who benefits, as a page: the concentration index and the targets' verdicts first, then a row a
/// district, neediest first, with investment per resident beside the need index.
extension EquityReport {
    var htmlSections: [HTML] {
        let figures: [HTML.Figure] = [
            HTML.Figure(
                concentrationIndex.map { ChartNumber.decimal($0, places: 4) } ?? "n/a", "concentration index", note: concentrationReading),
            HTML.Figure(priorityShareBasisPoints.shown, "of investment in priority districts"),
            HTML.Figure(
                context.readableMoney(allocated), "allocated to districts (\(context.currencyCode))",
                note: "not allocated (no deployment): \(context.readableMoney(unallocated))"),
        ]
        var chartContent: [HTML] = [
            HTML.chart(
                districtChart,
                caption: "Neediest first. Thick bars: investment per resident, as a share of the highest"
                    + (maximumPerCapita.map { " (\(context.money($0)) \(context.currencyCode) = full width)" } ?? "")
                    + "; thin bars: the need index, 0–100. A purple edge marks a priority district.",
                empty: "No data yet: no districts defined.")
        ]
        if !undefinedDistricts.isEmpty {
            chartContent.append(
                HTML.note("Units or investment in districts this ledger does not define: \(undefinedDistricts.joined(separator: ", "))."))
        }
        var sections = [
            HTML.figures(figures),
            HTML.section(
                "Declared targets", id: "targets", [targets.isEmpty ? HTML.note("No targets declared.") : HTML.figures(targets.map(targetFigure))]),
            HTML.section("Investment per resident against need", id: "districts", chartContent),
        ]
        let maps = SVGMap.pair(
            [
                SVGMap(
                    label: "Investment per resident (\(context.currencyCode))", districts: districts.map(\.district),
                    values: Dictionary(uniqueKeysWithValues: districts.compactMap { row in row.investmentPerCapita.map { (row.district.district, context.major($0)) } }),
                    ramp: SVGMap.blues, format: ChartNumber.compact),
                SVGMap(
                    label: "Need index (0–100)", districts: districts.map(\.district),
                    values: Dictionary(uniqueKeysWithValues: districts.map { ($0.district.district, Double($0.district.needIndex)) }),
                    ramp: SVGMap.oranges, format: { ChartNumber.decimal($0, places: 0) }),
            ],
            caption: "Darker is more. Where the two maps differ, spending does not follow need. Grey: no residents recorded.")
        if maps.markup != "" { sections.append(HTML.section("Maps", id: "maps", [maps])) }
        return sections
    }

    private var concentrationReading: String {
        guard let index = concentrationIndex else { return "no investment in a populated district yet" }
        if index < 0 { return "negative: spending favours the neediest" }
        if index > 0 { return "positive: spending favours the better-off" }
        return "zero: spending is even across need"
    }

    private func targetFigure(_ result: TargetResult) -> HTML.Figure {
        let comparison = result.target.comparison == .atLeast ? "at least" : "at most"
        let categories = result.target.categories.map { " (" + $0.map(\.rawValue).joined(separator: ", ") + ")" } ?? " (all systems)"
        return HTML.Figure(
            result.shareBasisPoints.shown, result.target.title,
            note:
                "target \(result.target.target): \(comparison) \(Optional(result.target.thresholdBasisPoints).percent) "
                + "in priority districts\(categories)",
            badge: result.verdict.rawValue)
    }

    private var maximumPerCapita: Int64? {
        districts.compactMap(\.investmentPerCapita).filter { $0 > 0 }.max()
    }

    /// Wide: a row a district, its name beside two bars. Narrow: its name above them.
    private func districtChart(width: Double) -> SVGChart? {
        guard !districts.isEmpty else { return nil }
        var chart = SVGChart(label: "Investment per resident and need index by district, neediest first", width: width)
        let narrow = chart.isNarrow
        let plotLeft = narrow ? 12.0 : 168.0, plotWidth = narrow ? width - 12 - 64 : 392.0, rowHeight = narrow ? 60.0 : 46.0
        let barTop = narrow ? 20.0 : 0.0
        let legendHeight = chart.legend(
            [("investment per resident", Palette.investment), ("need index (0–100)", Palette.need), ("priority district", Palette.priority)],
            x: 4, y: 6, width: chart.width - 8)
        let top = 6 + legendHeight + 12
        let bottom = top + rowHeight * Double(districts.count)
        chart.height = bottom + 24
        for step in 0...4 {
            let x = plotLeft + plotWidth * Double(step) / 4
            chart.line(x1: x, y1: top - 4, x2: x, y2: bottom, style: step == 0 ? "axis" : "grid")
            chart.text(String(step * 25), x: x, y: bottom + 16, anchor: .middle, style: .axis)
        }
        let highest = Double(maximumPerCapita ?? 0)
        for (index, row) in districts.enumerated() {
            let y = top + rowHeight * Double(index)
            let district = row.district
            if district.priority { chart.rect(x: 0, y: y + 3, width: 5, height: rowHeight - 8, fill: Palette.priority, tip: "priority district") }
            if narrow {
                chart.text(district.name + " · need \(district.needIndex)" + (district.priority ? " · priority" : ""), x: 12, y: y + 15, style: .small, limit: 48)
            } else {
                chart.text(district.name, x: 12, y: y + 17, limit: 20)
                chart.text("need \(district.needIndex)" + (district.priority ? " · priority" : ""), x: 12, y: y + 33, style: .small)
            }
            let bars = y + barTop
            let money = "\(context.money(row.investmentPerCapita)) \(context.currencyCode)"
            if let perCapita = row.investmentPerCapita {
                let width = highest > 0 && perCapita > 0 ? plotWidth * Double(perCapita) / highest : 0
                chart.rect(
                    x: plotLeft, y: bars + 5, width: width, height: 17, fill: Palette.investment,
                    tip: "\(district.name): \(money) per resident, \(context.money(row.investment)) in all")
                chart.text(context.money(perCapita), x: plotLeft + width + 6, y: bars + 18, style: .value)
            } else {
                chart.text("no residents recorded", x: plotLeft + 6, y: bars + 18, style: .muted)
            }
            let needWidth = plotWidth * Double(min(max(district.needIndex, 0), 100)) / 100
            chart.rect(
                x: plotLeft, y: bars + 27, width: needWidth, height: 7, fill: Palette.need, tip: "\(district.name): need index \(district.needIndex)")
            chart.text(String(district.needIndex), x: plotLeft + needWidth + 6, y: bars + 34, style: .small)
        }
        return chart
    }
}
