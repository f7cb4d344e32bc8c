import CivicDomain
import LedgerCore
import LedgerStore

/// Why a report cannot be made.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// What every report reads: the city's state under a ``TimeFilter``, in one currency.
///
/// Money is only added up within one currency. A ledger whose systems use several currencies needs
/// `currency` chosen; the systems in other currencies are then left out, and the reports say so.
///
/// ```swift
/// let context = try ReportContext.load(from: store, filter: TimeFilter(asOf: TimeFilter.instant("2026-03-01")))
/// let equity = EquityReport(context)
/// ```
public struct ReportContext: Sendable {
    public let city: String
    public let node: String
    public let state: CityState
    /// The currency money is reported in; nil when the ledger holds no system yet.
    public let currency: Currency?
    /// Systems in other currencies, left out of the money figures.
    public let otherCurrencySystems: [String]
    /// The systems reported on (those in the report currency), by id.
    public let systems: [SystemRecord]
    /// The cost lines in the report currency.
    public let costLines: [CostLine]
    /// Spend to date per system, in the report currency.
    public let spend: [String: Int64]

    public var filter: TimeFilter { state.filter }

    /// - Throws: ``ReportError`` when `currency` is not a known code, or when it is nil and the systems use several currencies.
    public init(state: CityState, city: String, node: String, currency requested: String? = nil) throws {
        self.state = state
        self.city = city
        self.node = node
        let used = Set(state.facts.systems.values.map { $0.procured.contract.currency })
        if let requested {
            guard let currency = Currency(requested) else { throw ReportError("--currency \(requested) is not a currency of the vocabulary") }
            self.currency = currency
        } else if used.count > 1 {
            let codes = used.map(\.code).sorted().joined(separator: ", ")
            throw ReportError("the ledger holds systems in \(codes): choose one with --currency")
        } else {
            currency = used.first
        }
        let chosen = currency
        otherCurrencySystems = state.facts.systems.values.filter { $0.procured.contract.currency != chosen }.map { $0.procured.system }.sorted()
        // Computed once: every report reads them, some many times.
        // Sorted by their keys (their ids): no record is read in a comparison.
        systems = state.facts.systems.filter { $0.value.procured.contract.currency == chosen }.sorted { $0.key < $1.key }.map { $0.value }
        // The state keeps its lines packed (``CostLines``); the reports read each many times.
        let lines = chosen.map { currency in state.costs.lines(in: currency.code) } ?? []
        costLines = lines
        var spend: [String: Int64] = [:]
        lines.forEachSystem { system, run in
            var total = spend[system] ?? 0
            for line in run { total = Money.add(total, line.amount) }
            spend[system] = total
        }
        self.spend = spend
    }

    /// Loads the state from `store` and builds the context.
    public static func load(from store: LedgerStore, filter: TimeFilter, currency: String? = nil) throws -> ReportContext {
        try ReportContext(
            state: CityState.load(from: store, filter: filter), city: store.identity.city, node: store.identity.office, currency: currency)
    }

    /// Districts sorted neediest first, then by id.
    public var districtsByNeed: [DistrictDefined] {
        state.facts.districts.values.sorted { ($0.needIndex, $1.district) > ($1.needIndex, $0.district) }
    }

    /// The members every report's JSON starts with.
    func header(_ report: String) -> [(String, JSONValue)] {
        var filterMembers: [(String, JSONValue)] = [
            ("as_of_ms", filter.asOf.map { .integer($0) } ?? .null),
            ("known_at_ms", filter.knownAt.map { .integer($0) } ?? .null),
            ("effective_on", filter.effectiveOn.map { .string($0.description) } ?? .null),
        ]
        filterMembers.sort { $0.0 < $1.0 }
        return [
            ("report", .string(report)), ("city", .string(city)), ("node", .string(node)), ("filter", .object(filterMembers)),
            ("events", .integer(state.eventCount)), ("currency", currency.map { .string($0.code) } ?? .null),
            ("other_currency_systems", .array(otherCurrencySystems.map { .string($0) })),
        ]
    }
}

extension Array where Element == CostLine {
    /// Calls `body` with each run of consecutive lines of one system. State's lines are sorted by
    /// system, so a report hashes each system's name once, not once a line (half a million lines
    /// in a large city); lines in any other order give the same sums, in more runs.
    func forEachSystem(_ body: (String, ArraySlice<CostLine>) -> Void) {
        var start = startIndex
        while start < endIndex {
            let system = self[start].system
            var end = start + 1
            // The lines share their system's string, so this compares storage, not bytes.
            while end < endIndex && self[end].system == system { end += 1 }
            body(system, self[start..<end])
            start = end
        }
    }
}

/// Numbers the few distinct texts of one field of the cost lines (years, categories, sources).
/// The lines share each text's string, and a field holds a handful: comparing them one by one
/// costs less than hashing. Past 32 texts a dictionary answers.
struct FewTexts {
    private(set) var values: [String] = []
    private var numbers: [String: Int] = [:]

    mutating func index(_ text: String) -> Int {
        if values.count <= 32 {
            for index in values.indices where values[index] == text { return index }
        } else if let index = numbers[text] {
            return index
        }
        numbers[text] = values.count
        values.append(text)
        return values.count - 1
    }
}
