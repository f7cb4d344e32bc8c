import ArgumentParser
import CivicCommandLine
import CivicDomain
import LedgerCore
import LedgerStore

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record one event; prints its id and seq.",
        discussion: """
            The body comes from --json, or from the field options, e.g.
              civic record cost.incurred --system lpr-2024 --amount 120000.00 --currency USD \\
                --source general-fund --category maintenance --effective 2026-03-01
            --amount is a decimal amount in --currency and is stored in minor units.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The event type, e.g. cost.incurred.")
    var type: String

    @Option(name: .customLong("json"), help: ArgumentHelp("The body as a JSON object, from a file or - for stdin.", valueName: "FILE|-"))
    var jsonPath: String?

    @Option(help: ArgumentHelp("The date the fact takes effect (default: today, UTC).", valueName: "YYYY-MM-DD"))
    var effective: String?

    @Option(help: "Who recorded it (optional).")
    var author: String?

    @Option(help: "Body field: the system id.") var system: String?
    @Option(help: "Body field: the district id.") var district: String?
    @Option(help: "Body field: units deployed or removed.") var units: Int64?
    @Option(help: "Body field: a decimal amount (e.g. 120000.00), stored in minor units of --currency.") var amount: String?
    @Option(help: "Body field: ISO 4217 currency, e.g. USD.") var currency: String?
    @Option(help: "Body field: funding source (general-fund, bond, utility-surcharge, grant, vendor-subsidy, fees).") var source: String?
    @Option(help: "Body field: cost category (capital, licence, maintenance, professional-services, …).") var category: String?
    @Option(help: "Body field: who was paid.") var payee: String?
    @Option(help: "Body field: a note.") var note: String?
    @Option(help: "Body field: the reason (retirements, amendments, corrections).") var reason: String?

    func run() throws {
        let opened = try global.open()
        let body = try jsonPath.map { try JSONParser.parse(InputFiles.read($0, limit: 1 << 20), profile: .strict) } ?? fieldBody()
        let draft = try EventDraft(
            type: type, effective: try InputFiles.date(effective, option: "--effective") ?? InputFiles.today, author: author, body: body)
        // The civic projector checks the body (structure, then the ledger) as the event is stored.
        let summary = try opened.store.append([draft], signer: opened.signer)
        guard let event = summary.lastEvent else { throw CLIFailure(message: "nothing was recorded") }
        print("\(event.id) \(event.envelope.seq)")
        closeUntilExit(opened)
    }

    /// The body built from the field options.
    private func fieldBody() throws -> JSONValue {
        var members: [(String, JSONValue)] = []
        func add(_ name: String, _ value: String?) {
            if let value { members.append((name, .string(value))) }
        }
        add("system", system)
        add("district", district)
        if let units { members.append(("units", .integer(units))) }
        if let amount {
            guard let code = currency else { throw CLIFailure(message: "--amount needs --currency to know its minor units") }
            guard let parsed = Currency(code) else { throw CLIFailure(message: "--currency \"\(code)\" is not a currency of the vocabulary") }
            guard let minor = parsed.minorUnits(amount) else {
                throw CLIFailure(message: "--amount \"\(amount)\" is not a decimal amount with at most \(parsed.exponent) decimals")
            }
            members.append(("amount", .integer(minor)))
        }
        add("currency", currency)
        add("source", source)
        add("category", category)
        add("payee", payee)
        add("note", note)
        add("reason", reason)
        guard !members.isEmpty else { throw CLIFailure(message: "give the body with --json FILE|- or with field options (see --help)") }
        return .object(members)
    }
}
