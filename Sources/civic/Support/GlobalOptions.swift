import ArgumentParser
import Foundation
import LedgerStore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger folder (default ./civic-data, or $CIVIC_DATA).", valueName: "DIR"))
    var data: String?

    var directory: LedgerDirectory {
        LedgerDirectory(path: data ?? ProcessInfo.processInfo.environment["CIVIC_DATA"] ?? "./civic-data")
    }

    func open() throws -> LedgerDirectory.Opened {
        try directory.open()
    }
}

/// Output formats.
enum TableOrJSON: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
