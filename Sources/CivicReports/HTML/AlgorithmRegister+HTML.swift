import CivicDomain
import Foundation

/// The algorithm register, as a page: a count by status, then a card per algorithm with every
/// field of the Eurocities standard, long texts in full.
extension AlgorithmRegister {
    /// The statuses in the order of an algorithm's life.
    static let statusOrder = AlgorithmStatus.allCases.map(\.rawValue) + ["retired"]

    var htmlSections: [HTML] {
        let figures: [HTML.Figure] = [
            HTML.Figure(String(entries.count), "algorithms registered"),
            HTML.Figure(String(entries.filter { $0.status == AlgorithmStatus.inUse.rawValue }.count), "in use"),
            HTML.Figure(
                String(entries.filter { $0.endDate == nil && [.high, .unacceptable].contains($0.entry.riskCategory) }.count),
                "high or unacceptable risk",
                note: "still registered, not retired"),
            HTML.Figure(String(entries.filter { $0.endDate != nil }.count), "retired"),
        ]
        let table = self.table
        let cards = table.rows.map { row -> HTML in
            func value(_ column: String) -> String {
                guard let index = table.columns.firstIndex(of: column), index < row.count else { return "" }
                return row[index]
            }
            let fields = zip(table.columns, row).map { column, cell -> HTML in
                "<dt>\(column.replacingOccurrences(of: "_", with: " "))</dt><dd>\(cell.isEmpty ? "—" : cell)</dd>"
            }
            return """
                <li class="entry"><h3>\(value("name"))</h3>
                <p class="entry-id">\(value("id")) · \(value("status")) · risk \(value("risk_category"))</p>
                <dl>\(fields)</dl></li>

                """
        }
        return [
            HTML.figures(figures),
            HTML.section(
                "Algorithms by status", id: "status",
                [HTML.chart(statusChart, caption: "Registered algorithms by status.", empty: "No data yet: no algorithm registered.")]),
            HTML.section(
                "The register", id: "register", intro: "Every field of the Eurocities Algorithmic Transparency Standard the ledger records.",
                [cards.isEmpty ? HTML.note("No algorithm registered yet.") : "<ul class=\"register\">\n\(cards)</ul>\n"]),
        ]
    }

    private func statusChart(width: Double) -> SVGChart? {
        guard !entries.isEmpty else { return nil }
        let counts = Self.statusOrder.map { status in (status, entries.filter { $0.status == status }.count) }
        var chart = SVGChart(label: "Registered algorithms by status", height: 30 * Double(counts.count) + 30, width: width)
        let plotLeft = chart.isNarrow ? 100.0 : 130.0, plotWidth = chart.isNarrow ? width - 100 - 30 : 440.0
        let most = counts.map(\.1).max() ?? 0
        let scale = LinearScale(values: [Double(most)], from: plotLeft, to: plotLeft + plotWidth, ticks: max(1, min(4, most)), minimumUpper: 1)
        let bottom = 30 * Double(counts.count) + 6
        for tick in scale.ticks {
            chart.line(x1: scale(tick), y1: 4, x2: scale(tick), y2: bottom, style: tick == 0 ? "axis" : "grid")
            chart.text(ChartNumber.compact(tick), x: scale(tick), y: bottom + 16, anchor: .middle, style: .axis)
        }
        for (index, (status, count)) in counts.enumerated() {
            let y = 8 + 30 * Double(index)
            chart.text(status, x: 4, y: y + 14)
            chart.rect(
                x: plotLeft, y: y + 2, width: scale(Double(count)) - plotLeft, height: 16,
                fill: status == "retired" ? Palette.neutral : Palette.accent,
                tip: "\(status): \(count)")
            chart.text(String(count), x: scale(Double(count)) + 6, y: y + 15, style: count == 0 ? .muted : .value)
        }
        return chart
    }
}
