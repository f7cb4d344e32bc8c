import ArgumentParser
import CivicCommandLine
import CivicDomain
import CivicReports
import Foundation
import LedgerCore
import LedgerStore

/// `civic report NAME`: who pays, who benefits, who is watched, vendor capture, the algorithm register.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Answer the essay's questions from the ledger: funding, equity, surveillance, vendors, algorithms, findings (or all).",
        discussion: """
            Formulas and the JSON fields: Protocol/REPORTS.md. `civic report all --format html --out DIR` writes an index page \
            and one page per report; with --format json or csv it writes one file per report (and headlines.json).
            """
    )

    enum Name: String, ExpressibleByArgument, CaseIterable {
        case funding, equity, surveillance, vendors, algorithms, findings, all
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: TimeOptions
    @Argument(help: ArgumentHelp("funding, equity, surveillance, vendors, algorithms, findings or all.", valueName: "NAME")) var name: Name
    @Option(help: "table, json, csv or html.") var format: ReportFormat = .table
    @Option(help: ArgumentHelp("Report money in this currency (needed when systems use several).", valueName: "CODE")) var currency: String?
    @Option(help: ArgumentHelp("Write files into DIR instead of printing (required for all).", valueName: "DIR")) var out: String?
    @Flag(help: "surveillance: the surveillance register instead of the district view (table and csv).") var register = false

    func validate() throws {
        if name == .all && out == nil { throw ValidationError("civic report all writes several files: give --out DIR") }
        if name == .all && format == .table { throw ValidationError("civic report all needs --format html, json or csv") }
        if register && name != .surveillance { throw ValidationError("--register goes with civic report surveillance") }
    }

    func run() throws {
        let opened = try global.openForOneReading()
        let context = try ReportContext.load(from: opened.store, filter: try time.filter(), currency: currency)
        defer { keepUntilExit(context) }
        let kinds = name == .all ? ReportKind.allCases : ReportKind.allCases.filter { $0.rawValue == name.rawValue }
        let files = try ReportFiles.files(kinds, format: format, context: context, all: name == .all, register: register)
        guard let out else {
            print(files.map(\.text).joined(), terminator: "")
            return
        }
        try ReportFiles.write(files, into: out)
        print("wrote \(files.count) file\(files.count == 1 ? "" : "s") to \(out)/: \(files.map(\.name).joined(separator: ", "))")
    }
}
