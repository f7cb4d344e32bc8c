import Foundation

/// The building blocks every page shares: sections, key figures, verdict badges, charts in a
/// captioned frame, tables in a scrolling frame, and the note that stands in for an empty chart.
extension HTML {
    /// A key figure: a large value, what it is, and a line on how to read it.
    struct Figure {
        var value: String
        var label: String
        var note: String?
        var badge: String?

        init(_ value: String, _ label: String, note: String? = nil, badge: String? = nil) {
            self.value = value
            self.label = label
            self.note = note
            self.badge = badge
        }
    }

    static func section(_ title: String, id: String, intro: String? = nil, _ content: [HTML]) -> HTML {
        let lead: HTML = intro.map { "<p class=\"lede\">\($0)</p>\n" } ?? .empty
        return "<section aria-labelledby=\"\(id)\">\n<h2 id=\"\(id)\">\(title)</h2>\n\(lead)\(content)</section>\n"
    }

    static func figures(_ figures: [Figure]) -> HTML {
        let items = figures.map { figure -> HTML in
            let badge: HTML = figure.badge.map { " \(Self.badge($0))" } ?? .empty
            let note: HTML = figure.note.map { "<span class=\"figure-note\">\($0)</span>" } ?? .empty
            return """
                <div class="figure"><span class="figure-value">\(figure.value)\(badge)</span>\
                <span class="figure-label">\(figure.label)</span>\(note)</div>

                """
        }
        return "<div class=\"figures\">\n\(items)</div>\n"
    }

    /// A verdict badge: `met`, `missed` or `no-data` get their own colours.
    static func badge(_ verdict: String) -> HTML {
        let known = ["met", "missed", "no-data"].contains(verdict) ? verdict : "other"
        return "<span class=\"badge badge-\(known)\">\(verdict == "no-data" ? "no data" : verdict)</span>"
    }

    /// A chart in a frame with a caption, drawn twice: for a wide screen and for a phone (the style
    /// sheet shows one); the note instead when there is nothing to draw.
    ///
    /// - Parameter draw: Draws the chart at a width (``SVGChart/width`` or ``SVGChart/narrowWidth``), nil when there is nothing to draw.
    static func chart(_ draw: (Double) -> SVGChart?, caption: String, empty: String = "No data yet.") -> HTML {
        guard let wide = draw(SVGChart.width) else { return note(empty) }
        let narrow: HTML = draw(SVGChart.narrowWidth).map { "<div class=\"chart-narrow\">\($0.html)</div>\n" } ?? .empty
        return """
            <figure class="chart-figure">
            <div class="chart-wide">\(wide.html)</div>
            \(narrow)<figcaption>\(caption)</figcaption>
            </figure>

            """
    }

    static func note(_ text: String) -> HTML {
        "<p class=\"note\">\(text)</p>\n"
    }

    /// A report table in a frame that scrolls sideways on a narrow screen; numeric columns right-aligned.
    /// With `systemLink`, every system id in a `system` column links to its history.
    static func table(_ table: ReportTable, systemLink: (String) -> String? = { _ in nil }) -> HTML {
        let numeric = table.columns.indices.map { column in
            let cells = table.rows.compactMap { column < $0.count ? $0[column] : nil }.filter { !$0.isEmpty }
            return column > 0 && !cells.isEmpty && cells.allSatisfy(Self.isNumber)
        }
        func cellClass(_ column: Int, _ cell: String = "") -> HTML {
            if column < numeric.count && numeric[column] { return " class=\"num\"" }
            return cell.count > 40 ? " class=\"wrap\"" : .empty
        }
        let head = table.columns.enumerated().map { column, name -> HTML in
            "<th scope=\"col\"\(cellClass(column))>\(name.replacingOccurrences(of: "_", with: " "))</th>"
        }
        let linked = Set(table.columns.indices.filter { table.columns[$0] == "system" })
        func content(_ column: Int, _ cell: String) -> HTML {
            guard linked.contains(column), !cell.isEmpty else { return "\(cell)" }
            let ids = cell.components(separatedBy: ", ")
            let parts = ids.map { id -> HTML in systemLink(id).map { "<a href=\"\($0)\">\(id)</a>" } ?? "\(id)" }
            return parts.joined(separator: ", ")
        }
        let body: [HTML] = table.rows.map { row in
            let cells = row.enumerated().map { column, cell -> HTML in
                column == 0 ? "<th scope=\"row\">\(content(column, cell))</th>" : "<td\(cellClass(column, cell))>\(content(column, cell))</td>"
            }
            return "<tr>\(cells)</tr>\n"
        }
        let rows: [HTML] = body.isEmpty ? ["<tr><td class=\"empty\" colspan=\"\(max(1, table.columns.count))\">No rows yet.</td></tr>\n"] : body
        return """
            <h3>\(table.title)</h3>
            <div class="table-wrap" role="region" aria-label="\(table.title)" tabindex="0">
            <table>
            <thead><tr>\(head)</tr></thead>
            <tbody>
            \(rows)</tbody>
            </table>
            </div>

            """
    }

    /// Money, counts, percentages and multipliers: `-12.50`, `4400`, `45.00%`, `6.0x`.
    static func isNumber(_ cell: String) -> Bool {
        var text = Substring(cell)
        if text.hasSuffix("%") || text.hasSuffix("x") { text = text.dropLast() }
        if text.hasPrefix("-") { text = text.dropFirst() }
        guard let first = text.first, first.isASCII, first.isNumber else { return false }
        return text.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "." || $0 == "," }
    }
}

extension Optional where Wrapped == Int64 {
    /// Basis points as a percentage, or `n/a` for nil.
    var shown: String { self == nil ? "n/a" : percent }
}
