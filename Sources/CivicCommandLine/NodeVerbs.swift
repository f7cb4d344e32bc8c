import ArgumentParser
import Foundation

/// The verbs that run in `civic-node`, the executable beside `civic` that holds the network: `civic
/// serve`, `civic sync`, and `civic demo`, whose nodes serve and sync. `civic` lists them in its
/// help and hands their arguments to `civic-node` before parsing (``exec(_:)``), so they are typed
/// as before. Kept apart, `civic` links none of the networking modules (NIO, Hummingbird,
/// AsyncHTTPClient and what they use), which were 40 % of its size and a third of the protocol
/// conformance records a process searches at each first look-up: every other command starts
/// sooner (README, issue 12's twenty-fourth session).
package enum NodeVerbs {
    package static let serve = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve this ledger: the sync endpoints, the report dashboard at /, /healthz and /metrics (stops on SIGTERM or SIGINT)."
    )

    package static let sync = CommandConfiguration(
        commandName: "sync",
        abstract: "One sync round with each peer: pull what this node lacks, push what the peer lacks (every range verified first).",
        discussion: "--every 24h repeats the rounds (the nightly schedule); Tools/cron-sync.example shows cron use instead."
    )

    package static let demo = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a fictional city: five offices record ten years offline, their nodes sync nightly through city hall, then the reports.",
        discussion: """
            Writes DIR/nodes/OFFICE (each office's ledger, key and serve.log) and DIR/reports (the HTML pages, JSON and CSV). \
            Every node runs as a real `civic serve` on 127.0.0.1 and is stopped at the end. The same --seed gives the same \
            ledgers byte for byte (the demo's keys are derived from the seed: never use them for a real ledger).
            """
    )

    /// The executable that runs these verbs, looked for beside `civic`, then on `PATH`.
    package static let executableName = "civic-node"

    /// Whether `verb` is one of these (a list, not a `Set`: a process's first `Set<String>` costs it
    /// searches of the runtime's conformance records, about 1 ms of a `civic record`).
    static func handles(_ verb: String) -> Bool { [serve, sync, demo].contains { $0.commandName == verb } }

    /// The arguments for `civic-node` when `arguments` (after the global options) name one of its
    /// verbs, or ask for its help (`help serve`); nil for every other verb.
    package static func handedOver(_ arguments: [String]) -> [String]? {
        guard let first = arguments.first else { return nil }
        if handles(first) { return arguments }
        if first == "help", arguments.count == 2, handles(arguments[1]) { return [arguments[1], "--help"] }
        return nil
    }

    /// Replaces this process by `civic-node` with `arguments` (its environment, `CIVIC_DATA`
    /// among it, and its process id go with it: a service manager's signals reach the server).
    /// Returns only by throwing, when there is no `civic-node` to run.
    package static func exec(_ arguments: [String]) throws -> Never {
        let beside = (ThisExecutable.path as NSString).deletingLastPathComponent + "/" + executableName
        var argv = ([beside] + arguments).map { strdup($0) }
        argv.append(nil)
        execv(beside, argv)
        let besideError = errno
        argv[0] = strdup(executableName)
        execvp(executableName, argv)
        throw CLIFailure(
            message: "civic \(arguments.first ?? "") runs in \(executableName), which is neither at \(beside) (\(String(cString: strerror(besideError)))) "
                + "nor on PATH: build it with `swift build --product \(executableName)` and install it beside civic")
    }
}

/// This process's executable.
package enum ThisExecutable {
    /// Its path: `/proc/self/exe` on Linux, else the path it was started by.
    package static var path: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
