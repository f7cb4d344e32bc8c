import ArgumentParser
import CivicDomain
import CivicReports
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync

/// `civic`: the command-line tool of CivicLedger. Thin: every verb calls the libraries.
@main
struct Civic: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "civic",
        abstract: "CivicLedger: an append-only, verifiable ledger of a city's civic technology.",
        version: "0.1.0",
        subcommands: verbs
    )

    static let verbs: [any ParsableCommand.Type] = [
        InitCommand.self, KeyCommand.self, RegisterCommand.self, RevokeCommand.self, RecordCommand.self, ImportCommand.self, ExportCommand.self, LogCommand.self,
        CheckpointCommand.self, VerifyCommand.self, ProofCommand.self, StateCommand.self, HistoryCommand.self, DiffCommand.self,
        FindingsCommand.self,
        ReportCommand.self, PublishCommand.self, ServeCommand.self, SyncCommand.self, DemoCommand.self,
        VectorsCommand.self,
    ]

    /// Runs the command; library errors become one line on stderr and an exit status (``exitStatus(for:)``).
    static func main() async {
        do {
            var command = try parseVerb(hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIFailure {
            Terminal.error(error.message)
            Foundation.exit(error.exitCode)
        } catch let error where isLibraryError(error) {
            Terminal.error(String(describing: error))
            Foundation.exit(exitStatus(for: error))
        } catch {
            exit(withError: error)
        }
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

    /// Every verb and sub-verb (`proof inclusion`), not ArgumentParser's own `help`.
    static let verbTypes: Set<ObjectIdentifier> = {
        var types = Set<ObjectIdentifier>()
        var next = verbs
        while let verb = next.popLast() {
            types.insert(ObjectIdentifier(verb))
            next += verb.configuration.subcommands
        }
        return types
    }()

    /// `civic --data DIR VERB …` means the same as `civic VERB --data DIR …`: a `--data` given before
    /// the verb is passed on through `CIVIC_DATA`, which every verb reads.
    static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
        var remaining = arguments
        var index = 0
        while index < remaining.count, remaining[index].hasPrefix("-") {
            if remaining[index] == "--data", index + 1 < remaining.count {
                setenv("CIVIC_DATA", remaining[index + 1], 1)
                remaining.removeSubrange(index...(index + 1))
            } else if remaining[index].hasPrefix("--data=") {
                setenv("CIVIC_DATA", String(remaining[index].dropFirst("--data=".count)), 1)
                remaining.remove(at: index)
            } else {
                index += 1
            }
        }
        return remaining
    }

    /// The one place errors become exit statuses: 75 (EX_TEMPFAIL) when trying again later may work —
    /// the database busy or locked, the disk full, a peer busy or a range too slow — else 1. (`civic
    /// sync` exits 2 when a round completed with refusals or forks.)
    static func exitStatus(for error: any Error) -> Int32 {
        switch error {
        case let error as StoreError where error.category == .unavailable || error.category == .stalled: return 75
        case let error as SpoolError where error.isBusy || error.isStall: return 75
        case let error as PeerRefusal where [408, 429, 503].contains(error.status): return 75
        default: return 1
        }
    }

    /// The ledger's own typed errors, whose descriptions are written for people.
    private static func isLibraryError(_ error: any Error) -> Bool {
        switch error {
        case is StoreError, is VerificationFailure, is JSONError, is EnvelopeError, is CivicDomain.ValidationError, is NoteError, is ProofError,
            is SyncError, is WireError, is PeerRefusal, is ReportError, is ForkProofError, is SpoolError:
            return true
        default:
            return false
        }
    }
}

/// ``Civic``'s verbs under a root that ArgumentParser takes for a sub-command's (`_superCommandName`),
/// for which it does not look for a completion-script request (``Civic/parseVerb(_:)``). Never
/// shown: its help would name the wrong command.
struct QuickRoot: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "civic", _superCommandName: "", subcommands: Civic.verbs)
}
