/// How the report pages link to one another.
///
/// ```swift
/// PageLinks.files.href(.equity)                          // "equity.html"
/// PageLinks.served.href(.equity, query: "as_of=2024-01-01")  // "/reports/equity?as_of=2024-01-01"
/// PageLinks.served.href(nil)                             // "/"
/// PageLinks.served.system("cad-911", query: "as_of=2024-01-01")  // "/systems/cad-911?as_of=2024-01-01"
/// PageLinks.files.system("cad-911")                      // nil: a folder of files has no history pages
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
            return Self.path(kind.map { "/reports/" + $0.rawValue } ?? "/", query: query)
        }
    }

    /// The history page of `system`, or nil when the pages are files (they have none).
    public func system(_ system: String, query: String = "") -> String? {
        guard self == .served else { return nil }
        return Self.path("/systems/" + Self.segment(system), query: query)
    }

    /// The page of a dashboard-only view (`/changes`, `/health`), or nil when the pages are files.
    public func dashboard(_ path: String, query: String = "") -> String? {
        guard self == .served else { return nil }
        return Self.path(path, query: query)
    }

    /// `path`, followed by `?query` when there is one.
    static func path(_ path: String, query: String) -> String {
        let query = query.hasPrefix("?") ? String(query.dropFirst()) : query
        return query.isEmpty ? path : path + "?" + query
    }

    /// A path segment with everything but unreserved characters percent-encoded.
    static func segment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if (byte < 0x80 && (scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)))) || "-._~".utf8.contains(byte) {
                out.append(Character(scalar))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
