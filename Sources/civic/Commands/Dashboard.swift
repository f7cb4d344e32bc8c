import CivicDomain
import CivicReports
import Foundation
import Hummingbird
import LedgerCore
import LedgerStore
import LedgerSync

/// The read-only dashboard `civic serve` adds at `/`: the report pages for the node's current
/// ledger, with the time options as query parameters (`?as_of=2024-01-01&known_at=…&effective_on=…&currency=USD`).
enum Dashboard {
    static func routes(store: LedgerStore) -> @Sendable (Router<BasicRequestContext>) -> Void {
        let renderer = BlockingWork(limit: 2, busy: "the dashboard is busy rendering other pages; try again in a moment")
        return { router in
            router.get("/") { request, _ in
                try await renderer.run {
                    let (context, query) = try Self.context(store, request)
                    return html(ReportPage.index(context: context, query: query, links: .served))
                }
            }
            router.get("/reports/{name}") { request, requestContext in
                let name = try requestContext.parameters.require("name")
                guard let kind = ReportKind(rawValue: name) else {
                    throw HTTPError(.notFound, message: "no report \(name): funding, equity, surveillance, vendors, algorithms or findings")
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
        }
    }

    /// The report context the query asks for, and the query to carry on in links.
    static func context(_ store: LedgerStore, _ request: Request) throws -> (ReportContext, String) {
        let parameters = request.uri.queryParameters
        func instant(_ name: String) throws -> Int64? {
            guard let text = parameters.get(name) else { return nil }
            guard let value = TimeFilter.instant(text) else {
                throw HTTPError(.badRequest, message: "\(name)=\(text) is not a time (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or Unix ms)")
            }
            return value
        }
        var effectiveOn: LedgerDate?
        if let text = parameters.get("effective_on") {
            guard let date = LedgerDate(text) else { throw HTTPError(.badRequest, message: "effective_on=\(text) is not a date (YYYY-MM-DD)") }
            effectiveOn = date
        }
        let filter = TimeFilter(asOf: try instant("as_of"), knownAt: try instant("known_at"), effectiveOn: effectiveOn)
        let context: ReportContext
        do {
            context = try ReportContext.load(from: store, filter: filter, currency: parameters.get("currency"))
        } catch let error as ReportError {
            throw HTTPError(.badRequest, message: error.description)
        }
        var kept: [String] = []
        for name in ["as_of", "known_at", "effective_on", "currency"] {
            if let value = parameters.get(name), let escaped = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", ":", "."])) {
                kept.append("\(name)=\(escaped)")
            }
        }
        return (context, kept.joined(separator: "&"))
    }

    static func html(_ page: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}

