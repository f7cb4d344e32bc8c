import CivicDomain
import Foundation
import LedgerCore

/// The findings as a page: counts, then each finding with the rule it is about, what the fold did,
/// and the events it names (their ids, for inclusion proofs).
extension FindingsReport {
    var htmlSections: [HTML] {
        let ledger = findings.filter { $0.scope == .ledger }
        let node = findings.filter { $0.scope == .node }
        let counted = ledger.filter { $0.resolution == .counted }.count
        let figures: [HTML.Figure] = [
            HTML.Figure(String(ledger.count), "conflicts and unreadable events", note: "the same on every node holding the same events"),
            HTML.Figure(String(counted), "costs counted despite a conflict", note: "money a signed event says was spent is never dropped"),
            HTML.Figure(String(node.count), "observations of this node", note: "clocks ahead, late arrivals, forks"),
        ]
        guard (context?.state.eventCount ?? 0) > 0 else {
            return [HTML.figures(figures), HTML.note("No data yet: the ledger holds no events.")]
        }
        return [
            HTML.figures(figures),
            HTML.section(
                "Conflicts resolved by the fold", id: "ledger",
                intro: "Offices record offline, so their decisions can conflict. Every node resolves each conflict the same way, in citywide order (VOCABULARY.md, \"Conflicts\").",
                [list(ledger, empty: "No conflict between offices.")]),
            HTML.section(
                "What this node saw", id: "node", intro: "Other offices' clocks and histories as they reached this node.",
                [list(node, empty: "Nothing to report: every clock within bounds, no late arrival, no fork.")]),
        ]
    }

    private func list(_ findings: [Finding], empty: String) -> HTML {
        guard !findings.isEmpty else { return HTML.note(empty) }
        let items = findings.map { finding -> HTML in
            func refs(_ refs: [EventRef]) -> [HTML] {
                refs.map { ref -> HTML in "<li><code>\(ref.office)#\(String(ref.seq))</code> \(ref.type) <code class=\"id\">\(ref.id.hex)</code></li>" }
            }
            let with: HTML = finding.conflictsWith.isEmpty ? .empty : "<dt>conflicts with</dt><dd><ul>\(refs(finding.conflictsWith))</ul></dd>"
            return """
                <li class="entry"><h3>\(finding.kind.rawValue) · \(finding.resolution.rawValue)</h3>
                <p>\(finding.detail)</p>
                <dl><dt>rule</dt><dd>\(finding.kind.rule)</dd><dt>events</dt><dd><ul>\(refs(finding.events))</ul></dd>\(with)</dl></li>

                """
        }
        return "<ul class=\"register\">\n\(items)</ul>\n"
    }
}
