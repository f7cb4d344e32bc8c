import CivicDomain
import Foundation
import LedgerCore
import LedgerStore

/// The pages only a served dashboard has (`civic serve`): one system's history, what changed
/// between two dates, the node's health, and the page for a bad request or an unknown address.
/// Each has the frame, style sheet and CSP of the report pages.
public enum DashboardPage {
    /// Every event about one system in citywide order, corrections marked, each with its id and a
    /// link to its inclusion proof (`/v1/logs/OFFICE/proof/inclusion?seq=N`).
    ///
    /// - Parameters:
    ///   - history: The system's events under the filter (not empty).
    ///   - findings: The ledger's findings under the same filter; those naming one of the events are shown.
    ///   - filter: The time filter in force.
    ///   - query: The query string links keep.
    public static func systemHistory(
        _ history: SystemHistory, findings: [Finding] = [], city: String, node: String, filter: TimeFilter, query: String
    ) -> String {
        let procured = history.entries.first { $0.event.envelope.type == "system.procured" }
        let name = procured?.event.envelope.body["title"]?.stringValue
        let corrections = history.entries.filter { $0.corrects != nil }.count
        let rows = history.entries.map { entry -> HTML in
            let envelope = entry.event.envelope
            var marks: [HTML] = []
            if let by = entry.correctedBy { marks.append("<span class=\"badge badge-missed\">corrected</span> by <code title=\"\(by)\">\(String(by.prefix(12)))</code>") }
            if let target = entry.corrects { marks.append("<span class=\"badge badge-other\">correction</span> of <code title=\"\(target)\">\(String(target.prefix(12)))</code>") }
            let proof = "/v1/logs/\(PageLinks.segment(envelope.office))/proof/inclusion?seq=\(envelope.seq)"
            let rowClass: HTML = entry.correctedBy != nil ? " class=\"superseded\"" : .empty
            return """
                <tr\(rowClass) id="e-\(String(entry.event.id.prefix(16)))"><th scope="row">\(envelope.effective.description)\
                <br><span class="muted">\(ReportContext.instantDescription(envelope.hlc.wall))</span></th>\
                <td>\(envelope.type)<br><span class="muted">\(envelope.office)#\(String(envelope.seq))</span></td>\
                <td class="wrap">\(Self.summary(envelope.body))\(marks.isEmpty ? HTML.empty : "<br>\(marks.joined(separator: "<br>"))")</td>\
                <td><code title="\(entry.event.id)">\(String(entry.event.id.prefix(12)))</code><br><a href="\(proof)">proof</a></td></tr>

                """
        }
        let table: HTML = """
            <div class="table-wrap" role="region" aria-label="Events about \(history.system)" tabindex="0">
            <table>
            <thead><tr><th scope="col">effective, recorded</th><th scope="col">event</th><th scope="col">what it says</th>\
            <th scope="col">id, inclusion</th></tr></thead>
            <tbody>
            \(rows)</tbody>
            </table>
            </div>

            """
        let lede = (name.map { "\($0). " } ?? "") + "Every event about this system in citywide order; a correction is marked on both events."
        let ids = Set(history.entries.map(\.event.leafHash))
        let named = findings.filter { finding in (finding.events + finding.conflictsWith).contains { ids.contains($0.id) } }
        let findingRows = named.map { finding -> [String] in
            [
                finding.kind.rawValue, finding.resolution.rawValue, FindingsReport.events(finding.events), FindingsReport.events(finding.conflictsWith),
                finding.detail,
            ]
        }
        let findingsSection = HTML.section(
            "Findings (\(named.count))", id: "findings",
            intro: "What the offices' decisions about this system conflict with, resolved the same way on every node.",
            [named.isEmpty ? HTML.note("No finding names these events.")
                : HTML.table(ReportTable(title: "Findings naming these events", columns: ["kind", "resolution", "events", "conflicts_with", "detail"], rows: findingRows))])
        let content = [
            findingsSection,
            HTML.section(
                "Events (\(history.entries.count))", id: "events",
                intro: "Each event's id is the hash of its exact bytes; its proof shows that the office's signed log holds it "
                    + "(check it with `civic proof verify --key VKEY`).", [table])
        ]
        let frame = PageFrame(
            title: "System \(history.system)", lede: lede, current: .other, city: city,
            facts: [
                ("City", city), ("Node", node), ("Filter", TimeTravel.describe(filter)), ("Events", String(history.entries.count)),
                ("Corrections", String(corrections)),
            ],
            query: query, links: .served,
            form: TimeTravel(filter: filter, query: query, action: PageLinks.served.system(history.system) ?? "/").form,
            footer: footer(city: city, node: node, command: "civic history \(history.system)" + Self.options(filter) + " --format json"))
        return frame.render(content)
    }

    /// A compact one-line reading of an event's body: its members as `name: value`, long ones cut.
    static func summary(_ body: JSONValue) -> String {
        guard case .object(let members) = body else { return "" }
        let parts = members.map { name, value -> String in
            let text: String
            switch value {
            case .string(let string): text = string
            default: text = (try? String(decoding: CanonicalJSON.encode(value), as: UTF8.self)) ?? ""
            }
            return "\(name): " + (text.count > 80 ? String(text.prefix(79)) + "…" : text)
        }
        let joined = parts.joined(separator: " · ")
        return joined.count > 400 ? String(joined.prefix(399)) + "…" : joined
    }

    /// The choice the changes page shows: two points and the clock they are read on.
    public struct ChangesQuery: Sendable {
        public var from: Int64
        public var to: Int64
        public var clock: StateDiff.Clock
        public var effectiveOn: LedgerDate?

        public init(from: Int64, to: Int64, clock: StateDiff.Clock, effectiveOn: LedgerDate?) {
            self.from = from
            self.to = to
            self.clock = clock
            self.effectiveOn = effectiveOn
        }
    }

    /// The most changes one page lists.
    static let maximumChanges = 1000

    /// What changed between two points (the `civic diff` view), or the form alone when none is chosen yet.
    ///
    /// - Parameters:
    ///   - changes: The changes, when a choice was made.
    ///   - choice: The two points and the clock.
    ///   - query: The time-filter query string links keep (not the choice).
    public static func changes(_ changes: [StateDiff.Change]?, choice: ChangesQuery?, city: String, node: String, query: String) -> String {
        var content: [HTML] = []
        if let changes, let choice {
            let shown = changes.prefix(maximumChanges)
            let rows = shown.map { change -> HTML in
                func text(_ value: JSONValue?) -> HTML {
                    guard let value else { return "<span class=\"muted\">—</span>" }
                    let encoded = (try? String(decoding: CanonicalJSON.encode(value), as: UTF8.self)) ?? ""
                    return "\(encoded.count > 300 ? String(encoded.prefix(299)) + "…" : encoded)"
                }
                let kind: HTML = change.before == nil ? "added" : change.after == nil ? "removed" : "changed"
                return "<tr><th scope=\"row\" class=\"wrap\">\(change.path)</th><td>\(kind)</td><td class=\"wrap\">\(text(change.before))</td><td class=\"wrap\">\(text(change.after))</td></tr>\n"
            }
            let more: HTML = changes.count > shown.count
                ? HTML.note("The first \(shown.count) of \(changes.count) changes; `civic diff` lists them all.") : .empty
            let body: HTML = changes.isEmpty
                ? HTML.note("No changes: the state is the same at both points.")
                : """
                    <div class="table-wrap" role="region" aria-label="Changes" tabindex="0">
                    <table>
                    <thead><tr><th scope="col">what</th><th scope="col">change</th><th scope="col">before</th><th scope="col">after</th></tr></thead>
                    <tbody>
                    \(rows)</tbody>
                    </table>
                    </div>
                    \(more)
                    """
            let clock = choice.clock == .recorded ? "as recorded" : "as known here"
            content.append(HTML.section(
                "\(changes.count) changes from \(ReportContext.instantDescription(choice.from)) to \(ReportContext.instantDescription(choice.to)), \(clock)",
                id: "changes", [body]))
        } else {
            content.append(HTML.note("Pick two points in time above to see what changed in the city's state between them."))
        }
        let command = choice.map { choice in
            "civic diff --from \(ReportContext.instantArgument(choice.from)) --to \(ReportContext.instantArgument(choice.to)) --by \(choice.clock.rawValue)"
                + (choice.effectiveOn.map { " --effective-on \($0)" } ?? "") + " --format json"
        } ?? "civic diff --from T1 --to T2"
        let frame = PageFrame(
            title: "What changed", lede: "The city's state at two points in time, compared: systems, costs, deployments, districts, algorithms.",
            current: .changes, city: city, facts: [("City", city), ("Node", node)], query: query, links: .served,
            form: changesForm(choice), footer: footer(city: city, node: node, command: command))
        return frame.render(content)
    }

    private static func changesForm(_ choice: ChangesQuery?) -> HTML {
        let from = choice.map { ReportContext.instantArgument($0.from) } ?? ""
        let to = choice.map { ReportContext.instantArgument($0.to) } ?? ""
        let options = StateDiff.Clock.allCases.map { clock -> HTML in
            let selected: HTML = choice?.clock == clock ? " selected" : .empty
            return "<option value=\"\(clock.rawValue)\"\(selected)>\(clock == .recorded ? "as recorded (as of)" : "as known here (known at)")</option>"
        }
        return """
            <form class="time-travel" method="get" action="/changes">
            <fieldset>
            <legend>Compare two points in time</legend>
            <div class="fields">
            <label>From <input type="text" name="from" value="\(from)" placeholder="YYYY-MM-DD" maxlength="24" autocomplete="off"></label>
            <label>To <input type="text" name="to" value="\(to)" placeholder="YYYY-MM-DD" maxlength="24" autocomplete="off"></label>
            <label>Read <select name="by">\(options)</select></label>
            <label>Effective on <input type="date" name="effective_on" value="\(choice?.effectiveOn?.description ?? "")"></label>
            <button type="submit">Compare</button>
            </div>
            <p class="hint">A date means the end of that day, UTC; a time is YYYY-MM-DDTHH:MM:SSZ.</p>
            </fieldset>
            </form>

            """
    }

    /// The ledger's health as this node holds it: offices and their logs, keys, the last sync with
    /// each peer, clock flags, forks and quarantined ranges.
    public static func health(_ health: NodeHealth, query: String) -> String {
        func table(_ title: String, _ columns: [String], _ rows: [[String]], empty: String) -> HTML {
            let id = title.lowercased().replacingOccurrences(of: " ", with: "-")
            let count = rows.count == 1 ? "1 row" : "\(rows.count) rows"
            return HTML.section(title, id: id, [rows.isEmpty ? HTML.note(empty) : HTML.table(ReportTable(title: count, columns: columns, rows: rows))])
        }
        let logs = health.logs.map { log in
            [
                log.office, String(log.size), log.root.hex.prefix(16) + "…", log.checkpointSize.map(String.init) ?? "none",
                log.lastRecorded.map(ReportContext.instantDescription) ?? "", health.clockFlags[log.office].map { "\($0 / 1000) s ahead" } ?? "",
            ]
        }
        let keys = health.keys.flatMap { history in
            history.keys.map { key in
                [
                    history.office, "from entry \(key.fromSize)", key.verifier.vkey,
                    key.revokedAfter.map { "revoked after entry \($0)" } ?? (key == history.keys.last ? "in use" : "rotated"),
                ]
            }
        }
        let syncs = health.syncRounds.map { round in
            [round.peer, ReportContext.instantDescription(round.at), round.ok ? "ok" : "failed", String(round.pulled), String(round.pushed), round.detail]
        }
        let forks = health.forks.map { [$0.office, String($0.seq), ReportContext.instantDescription($0.detected), $0.reason] }
        let quarantine = health.quarantined.map { [$0.office, "after entry \($0.after)", String($0.events), ReportContext.instantDescription($0.received)] }
        let figures = HTML.figures([
            HTML.Figure(String(health.logs.count), "office logs held", note: "\(health.logs.reduce(0) { $0 + $1.size }) events in all"),
            HTML.Figure(String(health.citywideSize), "events in the citywide checkpoint", note: "hash " + health.citywideHash.prefix(16) + "…"),
            HTML.Figure(String(health.forks.count), "forks proven", note: health.forks.isEmpty ? "no office signed two histories" : "an office signed two histories",
                badge: health.forks.isEmpty ? "met" : "missed"),
            HTML.Figure(String(health.clockFlags.count), "offices with clocks ahead", note: "events more than 5 minutes ahead of this node's clock"),
        ])
        let content: [HTML] = [
            figures,
            table("Office logs", ["office", "events", "root", "signed_checkpoint", "last_recorded", "clock"], logs, empty: "No events held yet."),
            table("Keys", ["office", "signs", "verifier_key", "state"], keys, empty: "No office keys known yet."),
            table("Sync", ["peer", "last_round", "result", "pulled", "pushed", "detail"], syncs,
                empty: "This node has not started a sync round yet (`civic sync URL` or `civic serve --sync-with URL`)."),
            table("Forks", ["office", "size", "detected", "reason"], forks, empty: "No fork evidence held: no office is known to have signed two histories."),
            table("Quarantine", ["office", "range", "events", "received"], quarantine, empty: "Nothing in quarantine."),
        ]
        let frame = PageFrame(
            title: "Ledger health", lede: "What this node holds now: each office's log and keys, its last sync with each peer, clock flags and forks.",
            current: .health, city: health.city, facts: [("City", health.city), ("Node", health.node), ("Registrar", health.registrar ?? "none")],
            query: query, links: .served,
            form: TimeTravel(filter: .none, query: query, action: "/").form,
            footer: footer(city: health.city, node: health.node, command: "civic verify && curl /v1/status"))
        return frame.render(content)
    }

    /// A page for a request the dashboard cannot answer: the status, one line saying why, and the
    /// way back. Never a stack trace.
    public static func error(status: Int, reason: String, message: String, city: String) -> String {
        let frame = PageFrame(
            title: "\(status) \(reason)", lede: message, current: .other, city: city, facts: [("City", city)], query: "", links: .served,
            form: .empty, footer: "<p>CivicLedger · \(city)</p>\n")
        return frame.render(["<p class=\"note\">Go back to the <a href=\"/\">overview</a>.</p>\n"])
    }

    static func footer(city: String, node: String, command: String) -> HTML {
        "<p>From the ledger of \(city) at node \(node). To reproduce: <code>\(command)</code>.</p>\n"
    }

    static func options(_ filter: TimeFilter) -> String {
        var options = ""
        if let asOf = filter.asOf { options += " --as-of " + ReportContext.instantArgument(asOf) }
        if let knownAt = filter.knownAt { options += " --known-at " + ReportContext.instantArgument(knownAt) }
        if let effectiveOn = filter.effectiveOn { options += " --effective-on \(effectiveOn)" }
        return options
    }
}

/// What the health page shows, read from one node's store.
public struct NodeHealth: Sendable {
    public struct Log: Sendable {
        public let office: String
        public let size: UInt64
        public let root: Hash
        /// The size of the latest signed checkpoint held, if any.
        public let checkpointSize: UInt64?
        /// The wall time of the office's last event, Unix ms.
        public let lastRecorded: Int64?
    }

    public let city: String
    public let node: String
    public let registrar: String?
    public let logs: [Log]
    public let keys: [KeyHistory]
    public let syncRounds: [SyncRoundRecord]
    public let clockFlags: [String: Int64]
    public let forks: [ForkRecord]
    public let quarantined: [QuarantinedRange]
    public let citywideHash: String
    public let citywideSize: UInt64

    public static func load(from store: LedgerStore) throws -> NodeHealth {
        let logs = try store.heads().values.sorted { $0.office < $1.office }.map { head in
            Log(
                office: head.office, size: head.size, root: head.root,
                checkpointSize: head.checkpoint.flatMap { note in (try? SignedNote(parsing: note)).flatMap { try? Checkpoint(text: $0.text).size } },
                lastRecorded: head.size > 0 ? head.lastHLC.wall : nil)
        }
        let citywide = try store.citywideCheckpoint()
        return NodeHealth(
            city: store.identity.city, node: store.identity.office, registrar: store.identity.registrar, logs: logs,
            keys: try store.keyHistories().values.sorted { $0.office < $1.office }, syncRounds: try store.syncRounds(),
            clockFlags: try store.clockFlags(), forks: try store.forks(), quarantined: try store.quarantined(),
            citywideHash: citywide.hash.hex, citywideSize: citywide.size)
    }
}
