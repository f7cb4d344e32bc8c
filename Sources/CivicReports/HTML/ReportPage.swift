import CivicDomain

/// The reports as self-contained HTML pages: inline CSS and inline SVG charts, no scripts, nothing
/// fetched from elsewhere (a Content-Security-Policy says so), readable on a phone and on paper.
///
/// ```swift
/// let context = try ReportContext.load(from: store, filter: .none)
/// let page = ReportPage.render(.equity, context: context)                 // links "funding.html", …
/// let served = ReportPage.render(.equity, context: context, query: "as_of=2024-01-01", links: .served)
/// let index = ReportPage.index(context: context)
/// ```
public enum ReportPage {
    /// One self-contained HTML page for `kind`.
    ///
    /// - Parameters:
    ///   - kind: The report.
    ///   - context: The ledger's state under the time filter, in one currency.
    ///   - query: The time-filter query string (e.g. `as_of=2024-01-01&currency=USD`, may be empty) that
    ///     links to the other pages carry on when they are served.
    ///   - links: How the pages link to each other.
    ///   - reports: the four reports the headlines quote, when already made from `context`.
    /// - Returns: The page, starting with `<!DOCTYPE html>`.
    public static func render(
        _ kind: ReportKind, context: ReportContext, query: String = "", links: PageLinks = .files, reports: Headlines? = nil
    ) -> String {
        let content: [HTML]
        let tables: [ReportTable]
        switch kind {
        case .funding:
            let report = reports?.funding ?? FundingReport(context)
            (content, tables) = (report.htmlSections, report.tables)
        case .equity:
            let report = reports?.equity ?? EquityReport(context)
            (content, tables) = (report.htmlSections, report.tables)
        case .surveillance:
            let report = reports?.surveillance ?? SurveillanceReport(context)
            (content, tables) = (report.htmlSections, report.tables)
        case .vendors:
            let report = reports?.vendors ?? VendorReport(context)
            (content, tables) = (report.htmlSections, report.tables)
        case .algorithms:
            let register = AlgorithmRegister(context)
            (content, tables) = (register.htmlSections, register.tables)
        case .findings:
            let report = FindingsReport(context)
            (content, tables) = (report.htmlSections, report.tables)
        }
        let systemLink = { (system: String) in links.system(system, query: query) }
        let tableSection = HTML.section(
            "Tables", id: "tables", intro: "The figures behind the charts, as the terminal shows them.",
            tables.map { HTML.table($0, systemLink: systemLink) })
        let command = (["civic", "report", kind.rawValue] + context.commandOptions + ["--format", "json"]).joined(separator: " ")
        return page(
            title: kind.title, lede: kind.summary, current: kind, context: context, query: query, links: links,
            content: content + [tableSection], command: command)
    }

    /// The index page: the city, node and filter, the headline findings, and a card for each report.
    ///
    /// - Parameters:
    ///   - context: The ledger's state under the time filter, in one currency.
    ///   - query: The time-filter query string the links carry on when served.
    ///   - links: How the pages link to each other.
    ///   - headlines: the headlines, when already made from `context`.
    /// - Returns: The page, starting with `<!DOCTYPE html>`.
    public static func index(context: ReportContext, query: String = "", links: PageLinks = .files, headlines: Headlines? = nil) -> String {
        let headlines = headlines ?? Headlines(context)
        let findings = headlines.lines.map { line -> HTML in "<li>\(line)</li>\n" }
        let cards = ReportKind.allCases.map { kind -> HTML in
            let figure = keyFigure(kind, headlines: headlines, context: context)
            return """
                <li><a class="card" href="\(links.href(kind, query: query))"><span class="card-title">\(kind.title)</span>\
                <span class="card-summary">\(kind.summary)</span><span class="card-figure">\(figure)</span></a></li>

                """
        }
        let content: [HTML] = [
            HTML.section("Headline findings", id: "findings", ["<ul class=\"headlines\">\n\(findings)</ul>\n"]),
            HTML.section("Reports", id: "reports", ["<ul class=\"cards\">\n\(cards)</ul>\n"]),
        ]
        let command = (["civic", "report", "all"] + context.commandOptions + ["--format", "json", "--out", "DIR"]).joined(separator: " ")
        return page(
            title: "Civic technology in \(context.city)",
            lede: "Who pays, who benefits, who is watched: the city's civic technology, from its ledger.",
            current: nil, context: context, query: query, links: links, content: content, command: command)
    }

    /// One finding per report for its card on the index.
    private static func keyFigure(_ kind: ReportKind, headlines: Headlines, context: ReportContext) -> String {
        switch kind {
        case .funding:
            return headlines.funding.residentsShareBasisPoints.map { "Residents bear \(Optional($0).percent)" } ?? "No spending yet"
        case .equity:
            return headlines.equity.concentrationIndex.map { "Concentration index \(ChartNumber.decimal($0, places: 4))" }
                ?? "No investment in districts yet"
        case .surveillance:
            let surveillance = headlines.surveillance
            let watched = surveillance.districts.first { $0.district.district == surveillance.mostWatched }
            return watched.map { "Most watched: \($0.district.name)" } ?? "No district watched by an assessed system"
        case .vendors:
            return headlines.vendors.herfindahlHirschman.map { "HHI \($0)" } ?? "No vendor spend yet"
        case .algorithms:
            let count = AlgorithmRegister(context).entries.count
            return count == 1 ? "1 algorithm registered" : "\(count) algorithms registered"
        case .findings:
            let count = context.state.findings.count
            return count == 0 ? "Nothing to look at" : count == 1 ? "1 finding" : "\(count) findings"
        }
    }

    private static func page(
        title: String, lede: String, current: ReportKind?, context: ReportContext, query: String, links: PageLinks, content: [HTML],
        command: String
    ) -> String {
        var facts: [(String, String)] = [
            ("City", context.city), ("Node", context.node), ("Currency", context.currency?.code ?? "none yet"),
            ("Filter", context.filterDescription), ("Events", String(context.state.eventCount)),
        ]
        if !context.otherCurrencySystems.isEmpty {
            facts.append(("Left out (other currencies)", context.otherCurrencySystems.joined(separator: ", ")))
        }
        let frame = PageFrame(
            title: title, lede: lede, current: current.map { .report($0) } ?? .overview, city: context.city, facts: facts, query: query,
            links: links, form: links == .served ? TimeTravel(filter: context.filter, query: query, action: links.href(current)).form : .empty,
            footer: """
                <p>Generated from the ledger of \(context.city) at node \(context.node) (\(String(context.state.eventCount)) events; \
                \(context.filterDescription)). Every figure is computed from the ledger's signed events.</p>
                <p>To reproduce: <code>\(command)</code>. The formulas are in Protocol/REPORTS.md.</p>

                """)
        return frame.render(content)
    }
}
