import CivicDomain
import Foundation
import LedgerCore

/// A titled table of text cells: what the terminal, CSV and HTML renderings share.
public struct ReportTable: Sendable, Equatable {
    public let title: String
    public let columns: [String]
    public let rows: [[String]]

    public init(title: String, columns: [String], rows: [[String]]) {
        self.title = title
        self.columns = columns
        self.rows = rows
    }

    /// Aligned columns for a terminal, numbers right-aligned.
    public var text: String {
        var widths = columns.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String], header: Bool) -> String {
            cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return !header && cell.first.map({ $0.isNumber || $0 == "-" }) == true && index > 0 ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var out = title + "\n" + line(columns.map { $0.uppercased() }, header: true) + "\n"
        for row in rows { out += line(row, header: false) + "\n" }
        return out
    }

    /// RFC 4180 CSV with a header row; lines end with CRLF.
    public var csv: String {
        func field(_ text: String) -> String {
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return ([columns] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}

extension Optional where Wrapped == Int64 {
    var json: JSONValue { map { .integer($0) } ?? .null }
    var text: String { map { String($0) } ?? "" }
    /// Basis points as a percentage with two decimals, e.g. `42.50%`; empty for nil.
    var percent: String {
        guard let value = self else { return "" }
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        let fraction = String(magnitude % 100)
        return "\(sign)\(magnitude / 100).\(fraction.count == 1 ? "0" + fraction : fraction)%"
    }
}

extension Optional where Wrapped == Double {
    var json: JSONValue { map { .number($0) } ?? .null }
    var text: String { map { String($0) } ?? "" }
}

extension ReportContext {
    var currencyCode: String { currency?.code ?? "no currency" }

    /// Minor units as a decimal amount in the report currency.
    func money(_ minor: Int64) -> String {
        currency?.format(minor) ?? String(minor)
    }

    func money(_ minor: Int64?) -> String {
        minor.map { money($0) } ?? ""
    }
}
