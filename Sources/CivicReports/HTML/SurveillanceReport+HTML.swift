import CivicDomain

/// Who is watched, as a page: per district, neediest first, the assessed systems watching it
/// (high-risk ones in red) beside its share of the benefits.
extension SurveillanceReport {
    var htmlSections: [HTML] {
        let active = register.filter { $0.record.retiredOn == nil }
        let figures: [HTML.Figure] = [
            HTML.Figure(
                mostWatched.flatMap { id in districts.first { $0.district.district == id }?.district.name } ?? "none", "most watched district",
                note: mostWatched == nil ? "no district is watched by an active assessed system" : "by active assessed systems, then high-risk ones"),
            HTML.Figure(String(active.count), "assessed systems in service", note: "\(register.count - active.count) retired, still in the register"),
            HTML.Figure(String(active.filter(\.isHighRisk).count), "high-risk systems in service", note: "assessed risk high or critical"),
            HTML.Figure(
                String(unassessed.count), "cameras and plate readers without an assessment",
                note: unassessed.isEmpty ? "every one is assessed" : unassessed.joined(separator: ", ")),
        ]
        var content: [HTML] = [
            HTML.chart(
                districtChart,
                caption: "Neediest first. Left: the active surveillance-assessed systems that watch each district (named in the assessment "
                    + "or deployed there), high-risk ones in red. Right: the district's share of the investment that is not surveillance.",
                empty: "No data yet: no districts defined.")
        ]
        if register.isEmpty { content.append(HTML.note("No surveillance assessments recorded yet.")) }
        var sections = [HTML.figures(figures), HTML.section("Surveillance beside benefits, by district", id: "districts", content)]
        let maps = SVGMap.pair(
            [
                SVGMap(
                    label: "Surveillance burden: assessed systems watching, high-risk ones counted twice", districts: districts.map(\.district),
                    values: Dictionary(uniqueKeysWithValues: districts.map { ($0.district.district, Double($0.systems.count + $0.highRisk.count)) }),
                    ramp: SVGMap.reds, format: { ChartNumber.decimal($0, places: 1) }),
                SVGMap(
                    label: "Share of the benefits (%)", districts: districts.map(\.district),
                    values: Dictionary(uniqueKeysWithValues: districts.compactMap { row in row.benefitShareBasisPoints.map { (row.district.district, Double($0) / 100) } }),
                    ramp: SVGMap.blues, format: { ChartNumber.decimal($0, places: 1) + "%" }),
            ],
            caption: "Darker is more. A district dark on the left and light on the right is watched more than it is served.")
        if maps.markup != "" { sections.append(HTML.section("Maps", id: "maps", [maps])) }
        return sections
    }

    /// Wide: a row a district, its name, then the systems watching it, then its share of the
    /// benefits. Narrow: its name above the two bars, stacked.
    private func districtChart(width: Double) -> SVGChart? {
        guard !districts.isEmpty else { return nil }
        var chart = SVGChart(label: "Assessed systems watching each district beside its share of the benefits, neediest first", width: width)
        let legendHeight = chart.legend(
            [("high-risk system", Palette.highRisk), ("other assessed system", Palette.assessed), ("share of the benefits", Palette.benefit)],
            x: 4, y: 6, width: chart.width - 8)
        if chart.isNarrow { return narrowChart(chart, top: 6 + legendHeight + 8) }
        let countLeft = 160.0, countWidth = 150.0, shareLeft = 452.0, shareWidth = 124.0, rowHeight = 40.0
        let headingY = 6 + legendHeight + 18
        chart.text("assessed systems watching", x: countLeft, y: headingY, style: .heading)
        chart.text("share of the benefits", x: shareLeft, y: headingY, style: .heading)
        let top = headingY + 10
        let bottom = top + rowHeight * Double(districts.count)
        chart.height = bottom + 24
        let most = districts.map(\.systems.count).max() ?? 0
        let counts = LinearScale(values: [Double(most)], from: countLeft, to: countLeft + countWidth, ticks: max(1, min(4, most)), minimumUpper: 1)
        for tick in counts.ticks {
            chart.line(x1: counts(tick), y1: top, x2: counts(tick), y2: bottom, style: tick == 0 ? "axis" : "grid")
            chart.text(ChartNumber.compact(tick), x: counts(tick), y: bottom + 16, anchor: .middle, style: .axis)
        }
        let shares = LinearScale(
            values: districts.compactMap(\.benefitShareBasisPoints).map { Double($0) / 100 }, from: shareLeft, to: shareLeft + shareWidth, ticks: 2,
            minimumUpper: 10)
        for tick in shares.ticks {
            chart.line(x1: shares(tick), y1: top, x2: shares(tick), y2: bottom, style: tick == 0 ? "axis" : "grid")
            chart.text(ChartNumber.compact(tick) + "%", x: shares(tick), y: bottom + 16, anchor: .middle, style: .axis)
        }
        for (index, row) in districts.enumerated() {
            let y = top + rowHeight * Double(index)
            let name = row.district.name
            chart.text(name, x: 4, y: y + 17, limit: 20)
            chart.text("need \(row.district.needIndex)" + (row.district.priority ? " · priority" : ""), x: 4, y: y + 32, style: .small)
            drawBars(&chart, row, countY: y + 9, shareY: y + 9, height: 18, counts: counts, shares: shares, style: .value)
        }
        return chart
    }

    /// The phone drawing: per district a line of text, then a bar of the systems watching it and a
    /// bar of its share of the benefits, each labelled with its value.
    private func narrowChart(_ chart: SVGChart, top: Double) -> SVGChart {
        var chart = chart
        let left = 4.0, rowHeight = 66.0
        let counts = LinearScale(values: [Double(districts.map(\.systems.count).max() ?? 0)], from: left, to: chart.width - 96, minimumUpper: 1)
        let shares = LinearScale(
            values: districts.compactMap(\.benefitShareBasisPoints).map { Double($0) / 100 }, from: left, to: chart.width - 64, minimumUpper: 10)
        chart.height = top + rowHeight * Double(districts.count) + 4
        for (index, row) in districts.enumerated() {
            let y = top + rowHeight * Double(index)
            let name = row.district.name
            chart.text(name + " · need \(row.district.needIndex)" + (row.district.priority ? " · priority" : ""), x: left, y: y + 13, style: .small, limit: 52)
            drawBars(&chart, row, countY: y + 19, shareY: y + 40, height: 16, counts: counts, shares: shares, style: .small)
        }
        return chart
    }

    /// One district's bars, in either drawing: the assessed systems watching it (high-risk ones
    /// first, in red) at `countY`, its share of the benefits at `shareY`, each with its value.
    private func drawBars(
        _ chart: inout SVGChart, _ row: District, countY: Double, shareY: Double, height: Double, counts: LinearScale, shares: LinearScale,
        style: SVGChart.TextStyle
    ) {
        let name = row.district.name
        let high = row.highRisk.count, other = row.systems.count - row.highRisk.count
        chart.rect(
            x: counts(0), y: countY, width: counts(Double(high)) - counts(0), height: height, fill: Palette.highRisk,
            tip: "\(name): high-risk \(row.highRisk.joined(separator: ", "))")
        chart.rect(
            x: counts(Double(high)), y: countY, width: counts(Double(high + other)) - counts(Double(high)), height: height, fill: Palette.assessed,
            tip: "\(name): \(row.systems.filter { !row.highRisk.contains($0) }.joined(separator: ", "))")
        let countText = row.systems.isEmpty ? "none" : "\(row.systems.count)" + (high > 0 ? " (\(high) high-risk)" : "")
        chart.text(countText, x: counts(Double(row.systems.count)) + 6, y: countY + height - 4, style: row.systems.isEmpty ? .muted : style)
        if let share = row.benefitShareBasisPoints {
            let from = shares(min(0, Double(share) / 100)), to = shares(max(0, Double(share) / 100))
            chart.rect(x: from, y: shareY, width: to - from, height: height, fill: Palette.benefit, tip: "\(name): \(Optional(share).percent) of the benefits")
            chart.text(Optional(share).percent, x: to + 6, y: shareY + height - 4, style: style)
        } else {
            chart.text("no benefits yet", x: shares(0) + 6, y: shareY + height - 4, style: .muted)
        }
    }
}
