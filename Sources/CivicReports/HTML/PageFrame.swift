import CivicDomain
import Foundation
import LedgerCore

/// What every page has around its content: the masthead (city, title, the facts the page is made
/// from), the navigation, the time-travel form when served, and the footer that says how to
/// reproduce it. One frame, so every page keeps the same CSP, style sheet and links.
struct PageFrame {
    /// A place in the navigation.
    enum Place: Equatable {
        case overview, report(ReportKind), changes, health
        /// A page the navigation does not name (one system's history, an error).
        case other
    }

    var title: String
    var lede: String
    var current: Place
    var city: String
    var facts: [(String, String)]
    /// The time-filter query string links carry on (served pages only).
    var query: String
    var links: PageLinks
    /// The time-travel form, or empty.
    var form: HTML
    var footer: HTML

    /// The navigation: the overview and the reports; served, also the changes and the node's health.
    private var navigation: [HTML] {
        var places: [(Place, String, String)] = [(.overview, "Overview", links.href(nil, query: query))]
        places += ReportKind.allCases.map { (.report($0), $0.title, links.href($0, query: query)) }
        if let changes = links.dashboard("/changes", query: query) { places.append((.changes, "What changed", changes)) }
        if let health = links.dashboard("/health", query: query) { places.append((.health, "Ledger health", health)) }
        return places.map { place, title, href -> HTML in
            let here: HTML = place == current ? " aria-current=\"page\"" : .empty
            return "<li><a href=\"\(href)\"\(here)>\(title)</a></li>"
        }
    }

    func render(_ content: [HTML]) -> String {
        let meta = facts.map { name, value -> HTML in "<div><dt>\(name)</dt><dd>\(value)</dd></div>" }
        let page: HTML = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="CivicLedger">
            <title>\(title) · \(city) · CivicLedger</title>
            <link rel="icon" href="data:,">
            <style>
            \(ReportPage.styleSheet)
            </style>
            </head>
            <body>
            <div class="page">
            <header class="masthead">
            <p class="eyebrow">CivicLedger · \(city)</p>
            <h1>\(title)</h1>
            <p class="lede">\(lede)</p>
            <dl class="meta">\(meta)</dl>
            <nav aria-label="Pages"><ul>\(navigation)</ul></nav>
            \(form)</header>
            <main>
            \(content)</main>
            <footer>
            \(footer)</footer>
            </div>
            </body>
            </html>

            """
        return page.markup
    }
}

/// The time-travel form of a served page: a plain GET form (no script) that picks `as of`,
/// `known at` and `effective on`, shows the filter in force and links back to now. The currency
/// chosen, if any, is kept.
struct TimeTravel {
    let filter: TimeFilter
    /// The page's query string (`as_of=…&currency=…`).
    let query: String
    /// The page the form submits to (its own address, without a query).
    let action: String

    /// A query member's value, if present and not empty.
    static func value(_ name: String, in query: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == name, !parts[1].isEmpty { return String(parts[1]).removingPercentEncoding ?? String(parts[1]) }
        }
        return nil
    }

    var form: HTML {
        let action = self.action.split(separator: "?").first.map(String.init) ?? self.action
        let currency = Self.value("currency", in: query)
        let asOf = filter.asOf.map(ReportContext.instantArgument) ?? ""
        let knownAt = filter.knownAt.map(ReportContext.instantArgument) ?? ""
        let effectiveOn = filter.effectiveOn?.description ?? ""
        let now = PageLinks.path(action, query: currency.map { "currency=" + $0 } ?? "")
        let inForce: HTML = filter == .none
            ? "Showing the ledger as it is now."
            : "Showing: <strong>\(Self.describe(filter))</strong> · <a href=\"\(now)\">back to now</a>"
        let hidden: HTML = currency.map { "<input type=\"hidden\" name=\"currency\" value=\"\($0)\">\n" } ?? .empty
        return """
            <form class="time-travel" method="get" action="\(action)">
            <fieldset>
            <legend>Time travel</legend>
            <p class="in-force">\(inForce)</p>
            <div class="fields">
            <label>As of <input type="text" name="as_of" value="\(asOf)" placeholder="YYYY-MM-DD" maxlength="24" autocomplete="off"></label>
            <label>Known at <input type="text" name="known_at" value="\(knownAt)" placeholder="YYYY-MM-DD" maxlength="24" autocomplete="off"></label>
            <label>Effective on <input type="date" name="effective_on" value="\(effectiveOn)"></label>
            \(hidden)<button type="submit">Show</button>
            </div>
            <p class="hint">As of: what the ledger said at that time. Known at: what this node had received by then. Effective on: \
            the facts in force that day. A date means the end of that day, UTC; a time is YYYY-MM-DDTHH:MM:SSZ.</p>
            </fieldset>
            </form>

            """
    }

    static func describe(_ filter: TimeFilter) -> String {
        var parts: [String] = []
        if let asOf = filter.asOf { parts.append("as of " + ReportContext.instantDescription(asOf)) }
        if let knownAt = filter.knownAt { parts.append("known at " + ReportContext.instantDescription(knownAt)) }
        if let effectiveOn = filter.effectiveOn { parts.append("effective on \(effectiveOn)") }
        return parts.isEmpty ? "latest" : parts.joined(separator: ", ")
    }
}

extension TimeFilter {
    /// The filter in words, e.g. `as of 2024-03-01 (end of day, UTC), effective on 2024-01-01`; `latest` without one.
    public var summary: String { TimeTravel.describe(self) }
}
