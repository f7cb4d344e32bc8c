import CivicDomain
import LedgerCore

/// How a finance system's CSV export of payments maps to `cost.incurred` events (README, "Open
/// data"): which column holds each field, how amounts and dates are written, and what to put where
/// the export has no column. Read from a JSON file (`civic import --csv FILE --map MAP.json`).
public struct CostCSVMap: Sendable {
    /// A column, by its header or its 1-based position.
    public enum Column: Sendable, Equatable {
        case named(String)
        case position(Int)
    }

    public var delimiter: Character = ","
    public var header = true
    public var decimalSeparator: Character = "."
    public var thousandsSeparator: Character?
    public var dateFormat = "YYYY-MM-DD"
    public var currency: Currency?
    /// Field (`system`, `amount`, `effective`, `category`, `source`, `currency`, `payee`, `note`) → column.
    public var columns: [String: Column] = [:]
    /// Field → (value in the export → value in the vocabulary), e.g. fund codes to funding sources.
    public var values: [String: [String: String]] = [:]
    /// Field → the value when the export has no column for it.
    public var defaults: [String: String] = [:]

    static let fields = ["system", "amount", "effective", "category", "source", "currency", "payee", "note"]

    /// Reads a map; every member is checked, an unknown one too (a misspelt member would be ignored
    /// silently otherwise).
    public init(json: JSONValue) throws(CostCSVError) {
        guard let members = json.objectValue else { throw CostCSVError("the map is not a JSON object") }
        func text(_ value: JSONValue, _ name: String) throws(CostCSVError) -> String {
            guard let text = value.stringValue else { throw CostCSVError("the map's \(name) must be text") }
            return text
        }
        func character(_ value: JSONValue, _ name: String) throws(CostCSVError) -> Character {
            let text = try text(value, name)
            guard text.count == 1, let character = text.first else { throw CostCSVError("the map's \(name) must be one character") }
            return character
        }
        for (name, value) in members {
            switch name {
            case "delimiter": delimiter = try character(value, name)
            case "header":
                guard case .bool(let flag) = value else { throw CostCSVError("the map's header must be true or false") }
                header = flag
            case "decimal_separator": decimalSeparator = try character(value, name)
            case "thousands_separator": thousandsSeparator = try character(value, name)
            case "date_format":
                dateFormat = try text(value, name)
                guard DateFormat(dateFormat) != nil else {
                    throw CostCSVError("the map's date_format \(dateFormat) is not one of YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY, YYYYMMDD (any separator)")
                }
            case "currency":
                let code = try text(value, name)
                guard let known = Currency(code) else { throw CostCSVError("the map's currency \(code) is not one the vocabulary knows") }
                currency = known
            case "columns":
                guard let columns = value.objectValue else { throw CostCSVError("the map's columns must be an object") }
                for (field, column) in columns {
                    guard Self.fields.contains(field) else { throw CostCSVError("the map names a column for \(field), which is not a field of cost.incurred") }
                    switch column {
                    case .string(let header): self.columns[field] = .named(header)
                    case .integer(let position) where position >= 1: self.columns[field] = .position(Int(position))
                    default: throw CostCSVError("the map's column for \(field) must be a header or a position from 1")
                    }
                }
            case "values", "defaults":
                guard let fields = value.objectValue else { throw CostCSVError("the map's \(name) must be an object") }
                for (field, entry) in fields {
                    guard Self.fields.contains(field) else { throw CostCSVError("the map's \(name) name \(field), which is not a field of cost.incurred") }
                    if name == "defaults" {
                        defaults[field] = try text(entry, "default for \(field)")
                    } else {
                        guard let pairs = entry.objectValue else { throw CostCSVError("the map's values for \(field) must be an object") }
                        var table: [String: String] = [:]
                        for (from, to) in pairs { table[from] = try text(to, "value for \(field) \(from)") }
                        values[field] = table
                    }
                }
            default:
                throw CostCSVError("the map has an unknown member \(name)")
            }
        }
        for field in ["system", "amount", "effective"] where columns[field] == nil {
            throw CostCSVError("the map names no column for \(field)")
        }
        for field in ["category", "source"] where columns[field] == nil && defaults[field] == nil {
            throw CostCSVError("the map names no column and no default for \(field)")
        }
        if currency == nil && columns["currency"] == nil && defaults["currency"] == nil {
            throw CostCSVError("the map names no currency (a column, or \"currency\": \"USD\")")
        }
        if !header, let named = columns.first(where: { if case .named = $0.value { true } else { false } }) {
            throw CostCSVError("the map says the file has no header, so the column for \(named.key) must be a position")
        }
    }

    /// The `cost.incurred` drafts of a CSV export, with the line each comes from; all of them or
    /// the first error, naming the line and the column.
    public func drafts(_ bytes: [UInt8]) throws(CostCSVError) -> [(line: Int, draft: EventDraft)] {
        let records: [CSVReader.Record]
        do {
            records = try CSVReader(delimiter: delimiter).records(bytes)
        } catch {
            throw CostCSVError(error.description)
        }
        var rows = records[...]
        var positions: [String: Int] = [:]
        var width: Int?
        if header {
            guard let names = rows.popFirst() else { throw CostCSVError("the file is empty: it has no header line") }
            width = names.fields.count
            let trimmed = names.fields.map { $0.trimmingSpaces }
            for (field, column) in columns {
                switch column {
                case .named(let name):
                    guard let index = trimmed.firstIndex(of: name) else {
                        throw CostCSVError("line \(names.line): the header has no column \"\(name)\" (for \(field)); it has \(trimmed.map { "\"\($0)\"" }.joined(separator: ", "))")
                    }
                    positions[field] = index
                case .position(let position): positions[field] = position - 1
                }
            }
        } else {
            for (field, column) in columns { if case .position(let position) = column { positions[field] = position - 1 } }
        }
        let format = DateFormat(dateFormat) ?? DateFormat("YYYY-MM-DD")!
        var drafts: [(Int, EventDraft)] = []
        for record in rows {
            let expected = width ?? (positions.values.max() ?? 0) + 1
            if let width, record.fields.count != width {
                throw CostCSVError("line \(record.line): has \(record.fields.count) fields, the header \(width)")
            } else if record.fields.count < expected {
                throw CostCSVError("line \(record.line): has \(record.fields.count) fields, the map reads column \(expected)")
            }
            drafts.append((record.line, try draft(record, positions: positions, format: format)))
        }
        return drafts
    }

    private func columnName(_ field: String) -> String {
        switch columns[field] {
        case .named(let name): "column \"\(name)\""
        case .position(let position): "column \(position)"
        case nil: "the default for \(field)"
        }
    }

    /// A field's value in a record: its column's text (translated through `values`), or its default.
    private func value(_ field: String, _ record: CSVReader.Record, _ positions: [String: Int]) -> String? {
        guard let position = positions[field] else { return defaults[field] }
        let raw = record.fields[position].trimmingSpaces
        if raw.isEmpty { return defaults[field] }
        return values[field]?[raw] ?? raw
    }

    private func draft(_ record: CSVReader.Record, positions: [String: Int], format: DateFormat) throws(CostCSVError) -> EventDraft {
        func fail(_ field: String, _ reason: String) -> CostCSVError {
            CostCSVError("line \(record.line), \(columnName(field)): \(reason)")
        }
        func required(_ field: String) throws(CostCSVError) -> String {
            guard let value = value(field, record, positions) else { throw fail(field, "is empty") }
            return value
        }
        let system = try required("system")
        var currencyCode = value("currency", record, positions) ?? currency?.code
        if currencyCode == nil { currencyCode = try required("currency") }
        let code = currencyCode ?? ""
        guard let currency = Currency(code) else { throw fail("currency", "\"\(code)\" is not a currency the vocabulary knows") }
        let amountText = try required("amount")
        guard let amount = minorUnits(amountText, currency) else {
            throw fail(
                "amount",
                "\"\(amountText)\" is not an amount of \(currency.code) (digits, \"\(decimalSeparator)\" before at most \(currency.exponent) decimals\(thousandsSeparator.map { ", \"\($0)\" between thousands" } ?? ""))")
        }
        guard amount > 0 else { throw fail("amount", "\"\(amountText)\" is not more than 0 (a refund corrects the cost it returns)") }
        let dateText = try required("effective")
        guard let effective = format.date(dateText) else { throw fail("effective", "\"\(dateText)\" is not a date written \(dateFormat)") }
        var body: [(String, JSONValue)] = [
            ("system", .string(system)), ("amount", .integer(amount)), ("currency", .string(currency.code)),
            ("category", .string(try required("category"))), ("source", .string(try required("source"))),
        ]
        if let payee = value("payee", record, positions) { body.append(("payee", .string(payee))) }
        if let note = value("note", record, positions) { body.append(("note", .string(note))) }
        do {
            return try EventDraft(type: "cost.incurred", effective: effective, body: .object(body))
        } catch {
            throw CostCSVError("line \(record.line): \(error)")
        }
    }

    /// Minor units of a decimal written with this map's separators, exactly (never through a
    /// binary float); nil when it is not such a decimal, is negative, or is too precise for the currency.
    func minorUnits(_ text: String, _ currency: Currency) -> Int64? {
        var plain = ""
        var seenDecimal = false
        for character in text where character != " " && character != "\u{00A0}" {
            if character == decimalSeparator {
                guard !seenDecimal else { return nil }
                seenDecimal = true
                plain.append(".")
            } else if let thousandsSeparator, character == thousandsSeparator, !seenDecimal {
                continue
            } else {
                plain.append(character)
            }
        }
        return currency.minorUnits(plain)
    }
}

/// Why a CSV export or its map cannot be imported: one line, naming the line and the column.
public struct CostCSVError: Error, Sendable, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A date written with `YYYY`, `MM` and `DD` and any separators, e.g. `DD.MM.YYYY`.
struct DateFormat {
    private enum Token {
        case year, month, day
        case literal(Character)
    }

    private let tokens: [Token]

    init?(_ format: String) {
        var tokens: [Token] = []
        var rest = Substring(format)
        while !rest.isEmpty {
            if rest.hasPrefix("YYYY") {
                tokens.append(.year)
                rest = rest.dropFirst(4)
            } else if rest.hasPrefix("MM") {
                tokens.append(.month)
                rest = rest.dropFirst(2)
            } else if rest.hasPrefix("DD") {
                tokens.append(.day)
                rest = rest.dropFirst(2)
            } else if let first = rest.first, !first.isLetter {
                tokens.append(.literal(first))
                rest = rest.dropFirst()
            } else {
                return nil
            }
        }
        let fields = tokens.filter { if case .literal = $0 { false } else { true } }
        guard fields.count == 3 else { return nil }
        self.tokens = tokens
    }

    func date(_ text: String) -> LedgerDate? {
        var rest = Substring(text)
        var (year, month, day) = ("", "", "")
        func digits(_ count: Int) -> String? {
            let taken = rest.prefix(count)
            guard taken.count == count, taken.allSatisfy(\.isASCIIDigit) else { return nil }
            rest = rest.dropFirst(count)
            return String(taken)
        }
        for token in tokens {
            switch token {
            case .year: guard let value = digits(4) else { return nil }; year = value
            case .month: guard let value = digits(2) else { return nil }; month = value
            case .day: guard let value = digits(2) else { return nil }; day = value
            case .literal(let character):
                guard rest.first == character else { return nil }
                rest = rest.dropFirst()
            }
        }
        guard rest.isEmpty else { return nil }
        return LedgerDate("\(year)-\(month)-\(day)")
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
