import ArgumentParser
import CivicDomain
import CivicReports
import Foundation
import LedgerCore
import LedgerStore

/// What both executables, `civic` and `civic-node` (``NodeVerbs``), do with their arguments: take
/// the global options given before the verb, parse, run, and turn a failure into one line on
/// stderr and an exit status.
package enum CommandMain {
    /// The version both executables print.
    package static let version = "0.1.0"

    /// Runs the command `parse` makes; a failure ends the process. A ``CLIFailure`` exits with its
    /// own status, the ledger's typed errors (``ledgerExitStatus(_:)``) and the executable's own
    /// (`ownErrors`) with theirs, each as its description; anything else (help, usage, a bad
    /// option) as ArgumentParser writes it for `root`.
    @MainActor package static func run<Root: ParsableCommand>(
        _ root: Root.Type, parse: () throws -> any ParsableCommand, ownErrors: (any Error) -> Int32? = { _ in nil }
    ) async {
        do {
            var command = try parse()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIFailure {
            Terminal.error(error.message)
            exit(error.exitCode)
        } catch {
            guard let status = ledgerExitStatus(error) ?? ownErrors(error) else { root.exit(withError: error) }
            Terminal.error(String(describing: error))
            exit(status)
        }
    }

    /// The exit status of one of the ledger's own typed errors, whose descriptions are written for
    /// people: 75 (EX_TEMPFAIL) when trying again later may work — the database busy or locked, the
    /// disk full — else 1; nil for any other error. (`civic sync` exits 2 when a round completed
    /// with refusals or forks.)
    package static func ledgerExitStatus(_ error: any Error) -> Int32? {
        switch error {
        case let error as StoreError: return error.category == .unavailable || error.category == .stalled ? 75 : 1
        case is VerificationFailure, is JSONError, is EnvelopeError, is CivicDomain.ValidationError, is NoteError, is ProofError, is ReportError,
            is ForkProofError:
            return 1
        default: return nil
        }
    }

    /// `civic --data DIR VERB …` means the same as `civic VERB --data DIR …`: a `--data` given before
    /// the verb is passed on through `CIVIC_DATA`, which every verb reads (and `civic-node`, when
    /// `civic` hands it a verb, inherits).
    package static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
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
}
