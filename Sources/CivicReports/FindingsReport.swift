import CivicDomain
import LedgerCore

/// What an auditor should look at (DESIGN §6): the conflicts between offices that the fold
/// resolved, the events this node's vocabulary cannot read, and what this node saw of other
/// offices' clocks and histories. Each finding names its events, so it can be traced and proven.
public struct FindingsReport: Sendable {
    /// The report's context; nil when made from a state alone (`civic findings`), which needs no currency.
    public let context: ReportContext?
    public let findings: [Finding]

    public init(_ context: ReportContext) {
        self.context = context
        findings = context.state.findings
    }

    public init(state: CityState) {
        context = nil
        findings = state.findings
    }

    /// The findings of each kind, in the vocabulary's order of kinds; kinds without findings left out.
    public var counts: [(kind: FindingKind, count: Int)] {
        FindingKind.allCases.compactMap { kind in
            let count = findings.filter { $0.kind == kind }.count
            return count > 0 ? (kind, count) : nil
        }
    }

    /// `{"findings":[…],"counts":{…}}` after the reports' common header.
    public var json: JSONValue {
        .object(
            (context?.header("findings") ?? []) + [
                ("counts", .object(counts.map { ($0.kind.rawValue, .integer(Int64($0.count))) })),
                ("findings", .array(findings.map(\.json))),
            ])
    }

    /// `office#seq` of each event, joined.
    public static func events(_ refs: [EventRef]) -> String {
        refs.map { "\($0.office)#\($0.seq)" }.joined(separator: " ")
    }

    /// One row per finding.
    public var table: ReportTable {
        ReportTable(
            title: "Findings", columns: ["kind", "scope", "resolution", "office", "events", "conflicts_with", "event_ids", "detail"],
            rows: findings.map { finding in
                [
                    finding.kind.rawValue, finding.scope.rawValue, finding.resolution.rawValue, finding.office ?? "", Self.events(finding.events),
                    Self.events(finding.conflictsWith), finding.events.map(\.id.hex).joined(separator: " "), finding.detail,
                ]
            })
    }

    /// The terminal view: the table without the ids.
    public var tables: [ReportTable] {
        [
            ReportTable(
                title: "Findings (\(findings.count))", columns: ["kind", "resolution", "events", "conflicts with", "detail"],
                rows: findings.map { [$0.kind.rawValue, $0.resolution.rawValue, Self.events($0.events), Self.events($0.conflictsWith), $0.detail] })
        ]
    }
}
