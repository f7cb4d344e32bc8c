import ArgumentParser
import CivicDomain
import LedgerCore
import LedgerStore

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record one event; prints its id and seq."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The event type, e.g. district.defined.")
    var type: String

    @Option(name: .customLong("json"), help: ArgumentHelp("The body as a JSON object, from a file or - for stdin.", valueName: "FILE|-"))
    var jsonPath: String

    @Option(help: ArgumentHelp("The date the fact takes effect (default: today, UTC).", valueName: "YYYY-MM-DD"))
    var effective: String?

    @Option(help: "Who recorded it (optional).")
    var author: String?

    func run() throws {
        let opened = try global.open()
        let bytes = try InputFiles.read(jsonPath, limit: 1 << 20)
        let body = try JSONParser.parse(bytes, profile: .strict)
        let draft = try EventDraft(
            type: type, effective: try InputFiles.date(effective, option: "--effective") ?? InputFiles.today, author: author, body: body)
        let summary = try opened.store.append([draft], signer: opened.signer, validate: { draft in
            try EventTypeRegistry.version1.validate(draft)
        })
        guard let event = summary.lastEvent else { throw CLIFailure(message: "nothing was recorded") }
        print("\(event.id) \(event.envelope.seq)")
    }
}
