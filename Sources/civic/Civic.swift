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
        subcommands: [
            InitCommand.self, KeyCommand.self, RegisterCommand.self, RevokeCommand.self, RecordCommand.self, ImportCommand.self, ExportCommand.self, LogCommand.self,
            CheckpointCommand.self, VerifyCommand.self, ProofCommand.self, StateCommand.self, HistoryCommand.self, DiffCommand.self,
            FindingsCommand.self,
            ReportCommand.self, PublishCommand.self, ServeCommand.self, SyncCommand.self, DemoCommand.self,
            VectorsCommand.self,
        ]
    )

    /// Runs the command; library errors become one line on stderr and an exit status (``exitStatus(for:)``).
    static func main() async {
        do {
            var command = try parseAsRoot(hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst())))
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
