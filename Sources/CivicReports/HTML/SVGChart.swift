import Foundation

/// A hand-written SVG chart: a fixed `viewBox` that scales to the page's width, a `<title>` and an
/// `aria-label` for screen readers, and text as `<text>` so it prints and zooms sharply.
///
/// ```swift
/// var chart = SVGChart(label: "Spending per year")
/// chart.rect(x: 10, y: 10, width: 40, height: 80, fill: Palette.accent, tip: "2024: 1.2M")
/// chart.text("2024", x: 30, y: 110, anchor: .middle)
/// chart.height = 120
/// let markup = chart.html
/// ```
struct SVGChart {
    enum Anchor: String {
        case start, middle, end
    }

    /// The text classes the page's style sheet knows.
    enum TextStyle: String {
        case label, value, muted, heading, small = "small muted", axis = "small muted axis-label", smallHeading = "small heading"
    }

    /// The width of a chart drawn for a wide screen and for a phone (below 36rem the page shows
    /// the narrow drawing: rows stack their labels above their bars instead of beside them).
    static let width = 640.0
    static let narrowWidth = 360.0
    let label: String
    var height: Double
    let width: Double
    private var parts: [HTML] = []

    init(label: String, height: Double = 0, width: Double = SVGChart.width) {
        self.label = label
        self.height = height
        self.width = width
    }

    /// True when drawn for a phone.
    var isNarrow: Bool { width < Self.width }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, tip: String? = nil) {
        let shape: HTML = "x=\"\(x)\" y=\"\(y)\" width=\"\(max(0, width))\" height=\"\(max(0, height))\" fill=\"\(fill)\" rx=\"2\""
        parts.append(tip.map { "<rect \(shape)><title>\($0)</title></rect>" } ?? "<rect \(shape)/>")
    }

    /// A line; `style` is `grid`, `axis` or `reference`.
    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, style: String) {
        parts.append("<line class=\"\(style)\" x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\"/>")
    }

    /// Text, cut to `limit` characters with an ellipsis (the whole text stays in a tooltip).
    mutating func text(_ text: String, x: Double, y: Double, anchor: Anchor = .start, style: TextStyle = .label, limit: Int = 60) {
        let shown = text.count > limit ? String(text.prefix(max(1, limit - 1))) + "…" : text
        let tip: HTML = shown == text ? .empty : "<title>\(text)</title>"
        parts.append("<text x=\"\(x)\" y=\"\(y)\" text-anchor=\"\(anchor.rawValue)\" class=\"\(style.rawValue)\">\(tip)\(shown)</text>")
    }

    /// Swatches and labels in rows that wrap within `width`.
    ///
    /// - Returns: The height the legend takes.
    mutating func legend(_ items: [(label: String, colour: String)], x: Double, y: Double, width: Double) -> Double {
        var column = 0.0
        var row = 0.0
        for item in items {
            let itemWidth = 18 + Double(item.label.count) * 6.6 + 18
            if column > 0, column + itemWidth > width {
                column = 0
                row += 20
            }
            rect(x: x + column, y: y + row + 2, width: 12, height: 12, fill: item.colour)
            text(item.label, x: x + column + 18, y: y + row + 12.5, style: .small)
            column += itemWidth
        }
        return items.isEmpty ? 0 : row + 18
    }

    var html: HTML {
        """
        <svg class="chart" role="img" aria-label="\(label)" viewBox="0 0 \(width) \(height)" width="100%" \
        preserveAspectRatio="xMidYMid meet"><title>\(label)</title>\(parts)</svg>
        """
    }
}

/// A linear scale from data values to positions on one axis, over a domain that always holds zero
/// and ends on round ticks.
struct LinearScale {
    let lower: Double
    let upper: Double
    let ticks: [Double]
    /// The positions `lower` and `upper` map to (`start` may be the larger one, for a y axis).
    let start: Double
    let end: Double

    init(values: [Double], from start: Double, to end: Double, ticks count: Int = 4, minimumUpper: Double = 0) {
        let finite = values.filter(\.isFinite)
        var low = min(0, finite.min() ?? 0)
        var high = max(0, minimumUpper, finite.max() ?? 0)
        if high - low <= 0 { high = 1 }
        let step = Self.niceStep((high - low) / Double(max(1, count)))
        low = (low / step).rounded(.down) * step
        high = (high / step).rounded(.up) * step
        var ticks: [Double] = []
        var tick = low
        while tick <= high + step / 2, ticks.count <= 20 {
            ticks.append(abs(tick) < step / 1e6 ? 0 : tick)
            tick += step
        }
        lower = low
        upper = high
        self.ticks = ticks
        self.start = start
        self.end = end
    }

    func callAsFunction(_ value: Double) -> Double {
        guard value.isFinite else { return start }
        let clamped = min(max(value, lower), upper)
        return start + (clamped - lower) / (upper - lower) * (end - start)
    }

    /// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let power = pow(10, (log10(raw)).rounded(.down))
        let residual = raw / power
        let factor: Double = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10
        return factor * power
    }
}

/// The pages' calm colours: blues for what every resident pays, greens and sand for outside money,
/// a brick red kept for what needs attention.
enum Palette {
    static let accent = "#2f5d8a"
    static let investment = "#3a7ca5"
    static let need = "#c2703d"
    static let priority = "#7b5ea7"
    static let benefit = "#5a8f6b"
    static let assessed = "#9fb3c8"
    static let highRisk = "#b6462f"
    static let calm = "#5a8f6b"
    static let warning = "#c98b3c"
    static let neutral = "#9aa5b1"
}

/// Numbers in the short form of chart labels.
enum ChartNumber {
    /// `1.2M`, `350k`, `12.5`, `-3`: at most three significant figures before the suffix.
    static func compact(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        let magnitude = abs(value)
        let sign = value < 0 ? "-" : ""
        for (threshold, suffix) in [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")] where magnitude >= threshold {
            return sign + decimal(magnitude / threshold, places: magnitude / threshold < 10 ? 1 : 0) + suffix
        }
        return sign + decimal(magnitude, places: magnitude < 10 ? 2 : (magnitude < 100 ? 1 : 0))
    }

    /// `value` with at most `places` decimals, trailing zeros dropped.
    static func decimal(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return "" }
        var text = String(format: "%.\(places)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
