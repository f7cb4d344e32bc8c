import CivicDomain

/// Vendor capture, as a page: the concentration of spend (HHI), and a bar a vendor for what it has
/// cost against its initial contracts, with a line at 1×.
extension VendorReport {
    var htmlSections: [HTML] {
        let worst = worstMultiplier
        let locked = vendors.filter { !$0.lockIn.isEmpty }.count
        let figures: [HTML.Figure] = [
            HTML.Figure(herfindahlHirschman.map { String($0) } ?? "n/a", "HHI of spend across vendors", note: concentrationReading),
            HTML.Figure(
                worst.map { "\(Self.times($0.multiplier))" } ?? "n/a", "worst multiplier",
                note: worst.map {
                    "\($0.vendor): \(context.readableMoney($0.lifetimeCost)) against \(context.readableMoney($0.initialContract)) initially"
                }
                    ?? "no vendor with an initial contract yet"),
            HTML.Figure(context.readableMoney(totalSpend), "spent with vendors (\(context.currencyCode))", note: "\(vendors.count) vendors"),
            HTML.Figure(String(locked), "vendors with lock-in terms", note: "no data portability, closed formats or no exit clause"),
        ]
        return [
            HTML.figures(figures),
            HTML.section(
                "Lifetime cost against the initial contract", id: "multipliers",
                [
                    HTML.chart(
                        multiplierChart,
                        caption: "Largest lifetime cost first. A bar is what a vendor has cost to date divided by the value of its initial "
                            + "contracts; past the dashed line at 1× the city has paid more than it first signed for.",
                        empty: "No data yet: no vendor has a system.")
                ]),
        ]
    }

    /// `6×`, `0.4×`; `n/a` without an initial contract.
    static func times(_ multiplier: Double?) -> String {
        multiplier.map { ChartNumber.decimal($0, places: 2) + "×" } ?? "n/a"
    }

    private var concentrationReading: String {
        guard let index = herfindahlHirschman else { return "nothing spent yet" }
        let band = index > 2500 ? "highly concentrated" : index >= 1500 ? "moderately concentrated" : "unconcentrated"
        return "\(band) (0–10,000; 10,000 is a single vendor)"
    }

    /// Wide: a row a vendor, its name beside its bar. Narrow: its name above it.
    private func multiplierChart(width: Double) -> SVGChart? {
        guard !vendors.isEmpty else { return nil }
        var chart = SVGChart(label: "Lifetime cost as a multiple of the initial contract, by vendor", width: width)
        let narrow = chart.isNarrow
        let plotLeft = narrow ? 4.0 : 180.0, plotWidth = narrow ? width - 4 - 52 : 390.0, rowHeight = narrow ? 52.0 : 40.0
        let barTop = narrow ? 16.0 : 0.0
        let legendHeight = chart.legend(
            [("at or under the initial contract", Palette.calm), ("over the initial contract", Palette.warning)], x: 4, y: 6, width: chart.width - 8)
        let top = 6 + legendHeight + 26
        let bottom = top + rowHeight * Double(vendors.count)
        chart.height = bottom + 24
        let scale = LinearScale(values: vendors.compactMap(\.multiplier), from: plotLeft, to: plotLeft + plotWidth, minimumUpper: 1)
        for tick in scale.ticks {
            chart.line(x1: scale(tick), y1: top, x2: scale(tick), y2: bottom, style: tick == 0 ? "axis" : "grid")
            chart.text(ChartNumber.compact(tick) + "×", x: scale(tick), y: bottom + 16, anchor: .middle, style: .axis)
        }
        chart.line(x1: scale(1), y1: top - 8, x2: scale(1), y2: bottom, style: "reference")
        chart.text("1× initial contract", x: scale(1), y: top - 12, anchor: .middle, style: .small)
        for (index, vendor) in vendors.enumerated() {
            let y = top + rowHeight * Double(index)
            let systems = vendor.systems.count == 1 ? "1 system" : "\(vendor.systems.count) systems"
            if narrow {
                chart.text("\(vendor.vendor) · \(systems) · \(context.readableMoney(vendor.lifetimeCost))", x: 4, y: y + 13, style: .small, limit: 56)
            } else {
                chart.text(vendor.vendor, x: 4, y: y + 17, limit: 22)
                chart.text("\(systems) · \(context.readableMoney(vendor.lifetimeCost))", x: 4, y: y + 32, style: .small, limit: 28)
            }
            let bars = y + barTop
            guard let multiplier = vendor.multiplier else {
                chart.text("no initial contract", x: plotLeft + 6, y: bars + 22, style: .muted)
                continue
            }
            let from = scale(min(0, multiplier)), to = scale(max(0, multiplier))
            chart.rect(
                x: from, y: bars + 9, width: to - from, height: 18, fill: multiplier > 1 ? Palette.warning : Palette.calm,
                tip:
                    "\(vendor.vendor): \(Self.times(multiplier)), "
                    + "\(context.readableMoney(vendor.lifetimeCost)) against \(context.readableMoney(vendor.initialContract))"
            )
            chart.text(Self.times(multiplier), x: to + 6, y: bars + 22, style: .value)
        }
        return chart
    }
}
