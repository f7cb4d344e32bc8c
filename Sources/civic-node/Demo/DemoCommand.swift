import ArgumentParser
import CivicCommandLine
import CivicDemo
import CivicDomain
import CivicReports
import Foundation
import LedgerCore
import LedgerStore

/// `civic demo`: a whole city working, end to end, on this machine.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = NodeVerbs.demo

    @Option(help: ArgumentHelp("The folder to write (replaced if it holds an earlier demo).", valueName: "DIR")) var out = "./civic-demo"
    @Option(help: "The seed of the city's numbers.") var seed: UInt64 = 2026
    @Option(help: "text or json (the headline findings and the nodes' checkpoints).") var format: TextOrJSON = .text

    static let marker = ".civic-demo"

    func run() async throws {
        let started = Date()
        try prepareFolder()
        let city = DemoCity.generate(seed: seed)
        var run = try DemoRun(city: city, folder: out)
        try run.startNodes()
        defer { run.stopNodes() }
        Terminal.note("civic demo: \(DemoCity.name), \(city.offices.count) offices, \(city.eventCount) events over \(city.months.count) months")
        for office in run.offices { Terminal.note("  \(office.office.id) node at \(office.node?.url ?? "?")") }
        try run.registerOffices()
        for (index, month) in city.months.enumerated() {
            try run.record(month)
            try await run.syncNight()
            Terminal.progress(String(format: "%04d-%02d: %d of %d months synced", month.year, month.month, index + 1, city.months.count))
        }
        Terminal.endProgress()
        try await run.witness()
        let checkpoints = try run.checkpoints()
        let converged = Set(checkpoints.map(\.checkpoint.text)).count == 1
        guard converged else {
            throw CLIFailure(message: "the nodes did not converge: " + checkpoints.map { "\($0.office) \($0.checkpoint.hash.hex.prefix(12))" }.joined(separator: ", "))
        }
        run.stopNodes()

        let hall = run.registrar.desk.store
        let context = try ReportContext.load(from: hall, filter: .none)
        let headlines = Headlines(context)
        var files: [(name: String, text: String)] = []
        for format in [ReportFormat.html, .json, .csv] {
            files += try ReportFiles.files(ReportKind.allCases, format: format, context: context, all: true, headlines: headlines)
        }
        let reports = out + "/reports"
        try ReportFiles.write(files, into: reports)
        let seconds = Date().timeIntervalSince(started)

        let citywide = checkpoints[0].checkpoint
        let conflicts = context.state.findings.filter { $0.scope == .ledger }
        switch format {
        case .json:
            let value: JSONValue = .object([
                ("city", .string(DemoCity.name)), ("seed", .integer(Int64(seed))), ("events", .integer(Int64(checkpoints[0].events))),
                ("months", .integer(Int64(city.months.count))), ("sync_rounds", .integer(Int64(run.syncRounds))),
                ("citywide_checkpoint", .string(citywide.hash.hex)),
                ("nodes", .array(run.offices.map { office in
                    .object([("office", .string(office.office.id)), ("data", .string(office.data)), ("url", .string(office.node?.url ?? ""))])
                })),
                ("reports", .string(reports)), ("headlines", headlines.json),
                ("findings", .array(conflicts.map(\.json))),
            ])
            print(try value.prettyPrinted(), terminator: "")
        case .text:
            var text = "\n\(DemoCity.name): \(checkpoints[0].events) events from \(city.offices.count) offices, "
            text += "\(run.syncRounds) sync rounds over HTTP in \(city.months.count) month-end nights; every node holds citywide checkpoint \(citywide.hash.hex.prefix(16))…\n\n"
            text += headlines.lines.map { "  • " + $0 }.joined(separator: "\n") + "\n"
            text += "  • Findings: \(conflicts.count) conflict\(conflicts.count == 1 ? "" : "s") between offices' offline decisions, resolved the same way on every node:\n"
            text += conflicts.map { "      \($0.kind.rawValue): \($0.detail) (\(FindingsReport.events($0.events)))" }.joined(separator: "\n") + "\n\n"
            text += "Reports: \(reports)/index.html (and JSON/CSV beside it). Finished in \(String(format: "%.1f", seconds)) s "
            text += "(recording \(String(format: "%.1f", run.recordSeconds)) s, syncing \(String(format: "%.1f", run.syncSeconds)) s).\n"
            text += "Look around: civic state --data \(out)/nodes/police | civic report equity --data \(out)/nodes/transport\n"
            print(text, terminator: "")
        }
    }

    /// Makes `out` an empty folder, replacing an earlier demo but nothing else.
    private func prepareFolder() throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: out) {
            let contents = (try? manager.contentsOfDirectory(atPath: out)) ?? []
            guard contents.isEmpty || contents.contains(Self.marker) else {
                throw CLIFailure(message: "\(out) exists and is not an earlier demo's folder: choose another --out")
            }
            try manager.removeItem(atPath: out)
        }
        try manager.createDirectory(atPath: out, withIntermediateDirectories: true)
        manager.createFile(atPath: out + "/" + Self.marker, contents: Data("written by civic demo\n".utf8))
    }
}
