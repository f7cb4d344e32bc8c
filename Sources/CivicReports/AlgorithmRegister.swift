import CivicDomain
import LedgerCore

/// The algorithm register, shaped after the Eurocities Algorithmic Transparency Standard (and the
/// UK ATRS): one entry per registered algorithm, updates applied, retired ones marked.
///
/// The field mapping is in `Protocol/REPORTS.md`; fields the vocabulary does not record are left out
/// rather than invented.
public struct AlgorithmRegister: Sendable {
    public struct Entry: Sendable, Equatable {
        public let entry: AlgorithmEntry
        public let department: String?
        public let beginDate: String?
        public let endDate: String?
        public let vendor: String?
        public var status: String { endDate == nil ? entry.status.rawValue : "retired" }
    }

    public let context: ReportContext
    public let entries: [Entry]

    public init(_ context: ReportContext) {
        self.context = context
        let facts = context.state.facts
        entries = facts.algorithms.values.sorted { $0.algorithm < $1.algorithm }.map { entry in
            let registration = facts.algorithmRegistrations[entry.algorithm]
            return Entry(
                entry: entry, department: registration?.office, beginDate: registration?.on, endDate: facts.retiredAlgorithms[entry.algorithm],
                vendor: entry.system.flatMap { facts.systems[$0]?.procured.vendor })
        }
    }

    /// Eurocities-style field names, in the standard's order.
    public static let columns = [
        "id", "name", "organization", "department", "status", "begin_date", "end_date", "goal", "decision_making_process",
        "human_intervention", "source_data", "risks", "risk_category", "system", "supplier", "contact",
    ]

    private func values(_ row: Entry) -> [(String, JSONValue)] {
        func string(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
        return [
            ("id", .string(row.entry.algorithm)), ("name", .string(row.entry.name)), ("organization", .string(context.city)),
            ("department", string(row.department)), ("status", .string(row.status)), ("begin_date", string(row.beginDate)),
            ("end_date", string(row.endDate)), ("goal", .string(row.entry.purpose)),
            ("decision_making_process", .string(row.entry.decisionProcess)), ("human_intervention", .string(row.entry.humanOversight)),
            ("source_data", .array(row.entry.dataSources.map { .string($0) })), ("risks", .string(row.entry.risks)),
            ("risk_category", .string(row.entry.riskCategory.rawValue)), ("system", string(row.entry.system)), ("supplier", string(row.vendor)),
            ("contact", .string(row.entry.contact)),
        ]
    }

    public var json: JSONValue {
        .object(context.header("algorithms") + [("standard", .string("eurocities-ats")), ("algorithms", .array(entries.map { .object(values($0)) }))])
    }

    /// One row per algorithm with every field; list fields joined with "; ".
    public var table: ReportTable {
        ReportTable(
            title: "Algorithm register", columns: Self.columns,
            rows: entries.map { row in
                values(row).map { _, value in
                    switch value {
                    case .string(let text): return text
                    case .array(let items): return items.compactMap(\.stringValue).joined(separator: "; ")
                    default: return ""
                    }
                }
            })
    }

    /// The terminal view: the register without its long texts.
    public var tables: [ReportTable] {
        [
            ReportTable(
                title: "Algorithm register", columns: ["id", "name", "department", "status", "risk_category", "system", "supplier"],
                rows: entries.map {
                    [$0.entry.algorithm, $0.entry.name, $0.department ?? "", $0.status, $0.entry.riskCategory.rawValue, $0.entry.system ?? "", $0.vendor ?? ""]
                })
        ]
    }
}
