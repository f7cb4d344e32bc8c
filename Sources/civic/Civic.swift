import ArgumentParser
import CivicCommandLine
import CivicDomain
import CivicReports
import Foundation
import LedgerCore
import LedgerStore

/// `civic`: the command-line tool of CivicLedger. Thin: every verb calls the libraries.
@main
struct Civic: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "civic",
        abstract: "CivicLedger: an append-only, verifiable ledger of a city's civic technology.",
        version: CommandMain.version,
        subcommands: verbs
    )

    static let verbs: [any ParsableCommand.Type] = [
        InitCommand.self, KeyCommand.self, RegisterCommand.self, RevokeCommand.self, RecordCommand.self, ImportCommand.self, ExportCommand.self, LogCommand.self,
        CheckpointCommand.self, VerifyCommand.self, ProofCommand.self, StateCommand.self, HistoryCommand.self, DiffCommand.self,
        FindingsCommand.self,
        ReportCommand.self, PublishCommand.self, ServeVerb.self, SyncVerb.self, DemoVerb.self,
        VectorsCommand.self,
    ]

    /// Runs the command (``CommandMain/run(_:parse:ownErrors:)``), or hands a verb of
    /// `civic-node` to it (``NodeVerbs``).
    static func main() async {
        let arguments = CommandMain.hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst()))
        await CommandMain.run(
            Civic.self,
            parse: {
                if let handed = NodeVerbs.handedOver(arguments) { try NodeVerbs.exec(handed) }
                return try parseVerb(arguments)
            })
    }

    /// The verb the arguments name, parsed. ArgumentParser's root parse first tries the arguments
    /// as a request for a completion script, through two commands of its own whose first
    /// reflection costs about 4 ms of a `civic record` process; ``QuickRoot`` skips that try. It
    /// is used only when no argument asks for a completion script, and only its verbs are kept:
    /// anything else it would answer (an error, help, the version, no verb) is parsed again by
    /// ``Civic``, for ArgumentParser's own words.
    static func parseVerb(_ arguments: [String]) throws -> any ParsableCommand {
        if !arguments.contains(where: { $0.hasPrefix("--generate-completion-script") }),
            let command = try? QuickRoot.parseAsRoot(arguments), verbTypes.contains(ObjectIdentifier(type(of: command)))
        {
            return command
        }
        return try parseAsRoot(arguments)
    }

    /// Every verb and sub-verb (`proof inclusion`), not ArgumentParser's own `help`. A list, not a
    /// `Set`: a process's first set of a type costs it searches of the runtime's conformance
    /// records (``NodeVerbs/handles(_:)``).
    static let verbTypes: [ObjectIdentifier] = {
        var types: [ObjectIdentifier] = []
        var next = verbs
        while let verb = next.popLast() {
            types.append(ObjectIdentifier(verb))
            next += verb.configuration.subcommands
        }
        return types
    }()
}

/// ``Civic``'s verbs under a root that ArgumentParser takes for a sub-command's (`_superCommandName`),
/// for which it does not look for a completion-script request (``Civic/parseVerb(_:)``). Never
/// shown: its help would name the wrong command.
struct QuickRoot: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "civic", _superCommandName: "", subcommands: Civic.verbs)
}

/// `civic serve`, `civic sync` and `civic demo` as `civic --help` lists them. ``Civic/main()`` hands
/// their arguments to `civic-node` before parsing (``NodeVerbs``); should ArgumentParser reach one
/// all the same, it hands over what follows it.
protocol NodeVerb: ParsableCommand {
    var arguments: [String] { get }
}

extension NodeVerb {
    func run() throws { try NodeVerbs.exec([Self.configuration.commandName ?? ""] + arguments) }
}

struct ServeVerb: NodeVerb {
    static let configuration = NodeVerbs.serve
    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
}

struct SyncVerb: NodeVerb {
    static let configuration = NodeVerbs.sync
    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
}

struct DemoVerb: NodeVerb {
    static let configuration = NodeVerbs.demo
    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
}
