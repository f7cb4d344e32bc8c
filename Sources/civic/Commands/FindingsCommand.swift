import ArgumentParser
import CivicCommandLine
import CivicDomain
import CivicReports
import LedgerCore
import LedgerStore

/// `civic findings`: what the fold resolved and what this node saw (Protocol/VOCABULARY.md, "Conflicts").
struct FindingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings",
        abstract: "Conflicts between offices resolved by the fold, unreadable events, clocks ahead, late arrivals and forks.",
        discussion: """
            Each finding names its kind, the events involved (office, seq, id), the rule, what it conflicted with and what the \
            fold did. Ledger findings are the same on every node that holds the same events; node findings are what this node \
            saw. JSON: Protocol/schemas/findings.schema.json.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: TimeOptions
    @Option(help: "table, json or csv.") var format: Format = .table

    func run() throws {
        let opened = try global.openForOneReading()
        let state = try CityState.load(from: opened.store, filter: try time.filter())
        switch format {
        case .json:
            print(try state.findingsJSON.prettyPrinted(), terminator: "")
        case .csv:
            print(FindingsReport(state: state).table.csv, terminator: "")
        case .table:
            guard !state.findings.isEmpty else {
                print("no findings")
                return
            }
            print(FindingsReport(state: state).tables.map(\.text).joined(separator: "\n"), terminator: "")
        }
    }
}
