import ArgumentParser
import CivicCommandLine
import CivicReports
import Foundation
import LedgerCore
import LedgerStore

/// `civic publish --out DIR`: the citywide ledger as static files (Protocol/PUBLISH.md).
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish the citywide ledger as static files: each office log as tlog-tiles, its checkpoint with the cosignatures held, the citywide checkpoint, the keys and the reports.",
        discussion: """
            The layout is Protocol/PUBLISH.md; any static web server can serve DIR (or civic serve --publish DIR). A second \
            publish writes only new and partial tiles, the checkpoints and what changed. The time options select the reports; \
            the logs are published as held (an office signs checkpoints only of its whole log). Tools/civic-verify.py \
            verifies what is published.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: TimeOptions
    @Option(help: ArgumentHelp("The folder to publish into (created if missing).", valueName: "DIR")) var out: String
    @Option(help: ArgumentHelp("Report money in this currency (needed when systems use several).", valueName: "CODE")) var currency: String?
    @Flag(help: "Leave the reports out.") var noReports = false
    @Option(help: "text or json.") var format: TextOrJSON = .text

    func run() async throws {
        let opened = try global.open()
        let store = opened.store
        // The node witnesses the other offices' logs it holds before it publishes them.
        try await store.cosignHeads(as: opened.signer)
        let folder = PublishFolder(root: out)
        var counts = try store.publish(into: folder) { office, counts in
            Terminal.progress("published \(office): \(counts.written) files written, \(counts.kept) kept")
        }
        Terminal.endProgress()
        if !noReports {
            let context = try ReportContext.load(from: store, filter: try time.filter(), currency: currency)
            let headlines = Headlines(context)
            for format in [ReportFormat.html, .json, .csv] {
                for file in try ReportFiles.files(ReportKind.allCases, format: format, context: context, all: true, headlines: headlines) {
                    if try folder.write("reports/" + file.name, Array(file.text.utf8)) { counts.written += 1 } else { counts.kept += 1 }
                }
            }
        }
        let city = try store.citywideCheckpoint()
        let logs = city.logs.count
        switch format {
        case .json:
            let value: JSONValue = .object([
                ("bundles", .integer(Int64(counts.bundles))), ("citywide", .string(city.hash.hex)), ("events", .integer(Int64(city.size))),
                ("kept", .integer(Int64(counts.kept))), ("logs", .integer(Int64(logs))), ("out", .string(out)),
                ("tiles", .integer(Int64(counts.tiles))), ("written", .integer(Int64(counts.written))),
            ])
            print(String(decoding: try CanonicalJSON.encode(value), as: UTF8.self))
        case .text:
            print(
                "published \(logs) office log\(logs == 1 ? "" : "s") (\(city.size) events) to \(out): written \(counts.written) files "
                    + "(\(counts.tiles) tiles, \(counts.bundles) bundles), kept \(counts.kept); citywide \(city.hash.hex)")
        }
    }
}
