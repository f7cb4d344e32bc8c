import ArgumentParser
import CivicCommandLine
import LedgerSync

/// `civic-node`: the verbs of `civic` that use the network (``NodeVerbs``): `serve`, `sync` and
/// `demo`. `civic serve …` runs `civic-node serve …`; run directly, it takes the same arguments.
@main
struct CivicNode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "civic",
        abstract: "CivicLedger's network verbs (civic-node, run by civic for serve, sync and demo).",
        version: CommandMain.version,
        subcommands: [ServeCommand.self, SyncCommand.self, DemoCommand.self]
    )

    static func main() async {
        let arguments = CommandMain.hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst()))
        await CommandMain.run(Self.self, parse: { try parseAsRoot(arguments) }, ownErrors: exitStatus(for:))
    }

    /// The exit status of a sync error: 75 (EX_TEMPFAIL) when trying again later may work — a peer
    /// busy or a range too slow — else 1; nil for any other error.
    static func exitStatus(for error: any Error) -> Int32? {
        switch error {
        case let error as SpoolError: return error.isBusy || error.isStall ? 75 : 1
        case let error as PeerRefusal: return [408, 429, 503].contains(error.status) ? 75 : 1
        case is SyncError, is WireError: return 1
        default: return nil
        }
    }
}
