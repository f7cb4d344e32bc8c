/// How the report pages link to one another.
///
/// ```swift
/// PageLinks.files.href(.equity)                          // "equity.html"
/// PageLinks.served.href(.equity, query: "as_of=2024-01-01")  // "/reports/equity?as_of=2024-01-01"
/// PageLinks.served.href(nil)                             // "/"
/// ```
public enum PageLinks: Sendable, Equatable {
    /// Sibling files in one folder, as `civic report all --format html --out DIR` writes them:
    /// `equity.html`, `index.html`.
    case files
    /// The dashboard of `civic serve`: `/reports/equity`, `/`, each followed by `?query` when there is one.
    case served

    /// The address of `kind`'s page, or of the index when `kind` is nil (not yet escaped for HTML).
    ///
    /// - Parameters:
    ///   - kind: The report, or nil for the index.
    ///   - query: The time-filter query string, with or without its `?`; only served pages carry it.
    /// - Returns: A relative file name or an absolute path.
    public func href(_ kind: ReportKind?, query: String = "") -> String {
        switch self {
        case .files:
            return (kind?.rawValue ?? "index") + ".html"
        case .served:
            let path = kind.map { "/reports/" + $0.rawValue } ?? "/"
            let query = query.hasPrefix("?") ? String(query.dropFirst()) : query
            return query.isEmpty ? path : path + "?" + query
        }
    }
}
