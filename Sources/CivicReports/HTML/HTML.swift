/// A fragment of HTML markup: literals are kept as written, interpolated text is escaped.
///
/// Every text that comes from the ledger goes into a page through an interpolation, so it cannot
/// open a tag or end an attribute:
///
/// ```swift
/// let cell: HTML = "<td title=\"\(vendor)\">\(vendor)</td>"   // vendor "<b>&" → "&lt;b&gt;&amp;"
/// ```
struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    private(set) var markup: String

    init(stringLiteral value: String) {
        markup = value
    }

    init(stringInterpolation: Interpolation) {
        markup = stringInterpolation.markup
    }

    var description: String { markup }

    static let empty: HTML = ""

    struct Interpolation: StringInterpolationProtocol {
        fileprivate var markup = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }

        mutating func appendLiteral(_ literal: String) { markup += literal }
        /// Text, escaped.
        mutating func appendInterpolation(_ text: String) { markup += text.htmlEscaped }
        mutating func appendInterpolation(_ fragment: HTML) { markup += fragment.markup }
        mutating func appendInterpolation(_ fragments: [HTML]) { for fragment in fragments { markup += fragment.markup } }
        mutating func appendInterpolation(_ number: Int) { markup += String(number) }
        mutating func appendInterpolation(_ number: Int64) { markup += String(number) }
        /// A coordinate or length, to a tenth.
        mutating func appendInterpolation(_ number: Double) { markup += Self.coordinate(number) }

        static func coordinate(_ value: Double) -> String {
            guard value.isFinite else { return "0" }
            let tenths = (value * 10).rounded()
            if tenths.truncatingRemainder(dividingBy: 10) == 0 { return String(Int64(tenths / 10)) }
            return String(tenths / 10)
        }
    }
}

extension Array where Element == HTML {
    func joined(separator: HTML = .empty) -> HTML {
        var out = HTML.Interpolation(literalCapacity: 0, interpolationCount: count)
        for (index, fragment) in enumerated() {
            if index > 0 { out.appendInterpolation(separator) }
            out.appendInterpolation(fragment)
        }
        return HTML(stringInterpolation: out)
    }
}

extension String {
    /// The text with `&`, `<`, `>`, `"` and `'` replaced by character references, safe in element
    /// content and in quoted attribute values.
    var htmlEscaped: String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for character in self {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
