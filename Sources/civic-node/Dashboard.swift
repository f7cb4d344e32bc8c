import CivicDomain
import CivicReports
import Foundation
import Hummingbird
import HummingbirdCore
import LedgerCore
import LedgerStore
import LedgerSync
import Logging

/// The read-only dashboard `civic serve` adds at `/`: the report pages for the node's current
/// ledger, one page per system's history, what changed between two dates and the node's health,
/// each with the time options as query parameters (`?as_of=2024-01-01&known_at=…&effective_on=…&currency=USD`)
/// that the pages' time-travel form sets and every link keeps. A bad parameter is a 400 page, an
/// unknown address or system a 404 page.
enum Dashboard {
    static func routes(store: LedgerStore, published: String? = nil) -> @Sendable (Router<BasicRequestContext>) -> Void {
        let renderer = BlockingWork(limit: 2, busy: "the dashboard is busy rendering other pages; try again in a moment")
        return { router in
            // Before the pages, so it wraps them (and the router's "not found"); the API keeps its JSON errors.
            router.add(middleware: ErrorPages(city: store.identity.city))
            // A folder `civic publish` wrote, as static files (PUBLISH.md): tiles never change, checkpoints do.
            if let published { router.add(middleware: FileMiddleware(published, urlBasePath: "/published", searchForIndexHtml: false)) }
            router.get("/") { request, _ in
                try await renderer.run {
                    let (context, query) = try Self.context(store, request)
                    return html(ReportPage.index(context: context, query: query, links: .served))
                }
            }
            router.get("/reports/{name}") { request, requestContext in
                let name = try requestContext.parameters.require("name")
                guard let kind = ReportKind(rawValue: name) else {
                    throw HTTPError(.notFound, message: "There is no report \(name): the reports are funding, equity, surveillance, vendors, algorithms and findings.")
                }
                return try await renderer.run {
                    let (context, query) = try Self.context(store, request)
                    if request.uri.queryParameters.get("format") == "json" {
                        var bytes = Array(try kind.json(context).prettyPrinted().utf8)
                        if bytes.last != 0x0A { bytes.append(0x0A) }
                        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
                    }
                    return html(ReportPage.render(kind, context: context, query: query, links: .served))
                }
            }
            router.get("/systems/{system}") { request, requestContext in
                let system = try requestContext.parameters.require("system")
                return try await renderer.run {
                    let (filter, query) = try Self.filter(request)
                    let history = try SystemHistory.load(from: store, system: system, filter: filter)
                    guard !history.entries.isEmpty else {
                        let known = try SystemHistory.load(from: store, system: system).entries.isEmpty == false
                        throw HTTPError(
                            .notFound,
                            message: known
                                ? "System \(system) has no events under this filter (\(filter.summary)); it has some without it."
                                : "No events about a system \(system) are held here.")
                    }
                    let findings = try CityState.load(from: store, filter: filter).findings
                    return html(
                        DashboardPage.systemHistory(
                            history, findings: findings, city: store.identity.city, node: store.identity.office, filter: filter, query: query))
                }
            }
            router.get("/changes") { request, _ in
                try await renderer.run {
                    let (_, query) = try Self.filter(request)
                    let parameters = request.uri.queryParameters
                    let from = try Self.instant(parameters, "from"), to = try Self.instant(parameters, "to")
                    var choice: DashboardPage.ChangesQuery?
                    var changes: [StateDiff.Change]?
                    if from != nil || to != nil {
                        guard let from, let to else { throw HTTPError(.badRequest, message: "Give both from and to (YYYY-MM-DD) to compare two points in time.") }
                        let byText = Self.value(parameters, "by") ?? "recorded"
                        guard let clock = StateDiff.Clock(rawValue: byText) else { throw HTTPError(.badRequest, message: "by=\(byText) is not recorded or known.") }
                        let chosen = DashboardPage.ChangesQuery(from: from, to: to, clock: clock, effectiveOn: try Self.date(parameters, "effective_on"))
                        changes = try StateDiff.between(store, from: from, to: to, by: clock, effectiveOn: chosen.effectiveOn)
                        choice = chosen
                    }
                    return html(DashboardPage.changes(changes, choice: choice, city: store.identity.city, node: store.identity.office, query: query))
                }
            }
            router.get("/health") { request, _ in
                try await renderer.run {
                    let (_, query) = try Self.filter(request)
                    return html(DashboardPage.health(try NodeHealth.load(from: store), query: query))
                }
            }
        }
    }

    /// A query parameter's value; an empty one (a form's blank field) counts as absent.
    static func value(_ parameters: FlatDictionary<Substring, Substring>, _ name: String) -> String? {
        guard let text = parameters.get(name), !text.isEmpty else { return nil }
        return text
    }

    static func instant(_ parameters: FlatDictionary<Substring, Substring>, _ name: String) throws -> Int64? {
        guard let text = value(parameters, name) else { return nil }
        guard let value = TimeFilter.instant(text) else {
            throw HTTPError(.badRequest, message: "\(name)=\(text) is not a time (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or Unix ms).")
        }
        return value
    }

    static func date(_ parameters: FlatDictionary<Substring, Substring>, _ name: String) throws -> LedgerDate? {
        guard let text = value(parameters, name) else { return nil }
        guard let date = LedgerDate(text) else { throw HTTPError(.badRequest, message: "\(name)=\(text) is not a date (YYYY-MM-DD).") }
        return date
    }

    /// The time filter the query asks for, and the query (its non-empty time options and currency) for links to keep.
    static func filter(_ request: Request) throws -> (TimeFilter, String) {
        let parameters = request.uri.queryParameters
        let filter = TimeFilter(
            asOf: try instant(parameters, "as_of"), knownAt: try instant(parameters, "known_at"), effectiveOn: try date(parameters, "effective_on"))
        var kept: [String] = []
        for name in ["as_of", "known_at", "effective_on", "currency"] {
            if let value = value(parameters, name), let escaped = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", ":", "."])) {
                kept.append("\(name)=\(escaped)")
            }
        }
        return (filter, kept.joined(separator: "&"))
    }

    /// The report context the query asks for, and the query to carry on in links.
    static func context(_ store: LedgerStore, _ request: Request) throws -> (ReportContext, String) {
        let (filter, query) = try filter(request)
        do {
            return (try ReportContext.load(from: store, filter: filter, currency: value(request.uri.queryParameters, "currency")), query)
        } catch let error as ReportError {
            throw HTTPError(.badRequest, message: error.description)
        }
    }

    static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    /// Errors on the dashboard's pages as HTML pages with their status and one line; the API
    /// (`/v1/…`), `/healthz` and `/metrics` keep their own. Anything but an HTTP error is a 500 page
    /// that says only that the page could not be made (the log has the rest).
    struct ErrorPages: RouterMiddleware {
        typealias Context = BasicRequestContext
        let city: String

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            let path = request.uri.path
            guard !(path.hasPrefix("/v1/") || path == "/healthz" || path == "/metrics") else { return try await next(request, context) }
            do {
                return try await next(request, context)
            } catch let error as HTTPError {
                let message = error.body ?? (error.status == .notFound ? "There is no page at \(path)." : error.status.reasonPhrase)
                let page = DashboardPage.error(status: error.status.code, reason: error.status.reasonPhrase, message: message, city: city)
                return Dashboard.html(page, status: error.status)
            } catch {
                context.logger.error("dashboard page \(path) failed: \(error)")
                let page = DashboardPage.error(
                    status: 500, reason: "Internal Server Error", message: "This page could not be made; the node's log says why.", city: city)
                return Dashboard.html(page, status: .internalServerError)
            }
        }
    }
}
