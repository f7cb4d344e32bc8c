import ArgumentParser
import CivicDomain
import Foundation
import LedgerCore
import LedgerStore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger folder (default ./civic-data, or $CIVIC_DATA).", valueName: "DIR"))
    var data: String?

    var directory: LedgerDirectory {
        // getenv, not ProcessInfo's environment, which copies the whole environment into a dictionary.
        LedgerDirectory(path: data ?? getenv("CIVIC_DATA").map { String(cString: $0) } ?? "./civic-data")
    }

    /// Opens the ledger with the civic vocabulary's checks and projections: with one connection
    /// for a command that does one thing and ends, a pool for one that serves or syncs.
    func open(connections: LedgerStore.Connections = .single) throws -> LedgerDirectory.Opened {
        try directory.open(projector: CivicProjector(), connections: connections)
    }

    /// Opens the ledger for a command that reads much of it once, to compute a city's state, and
    /// ends (`state`, `findings`, `diff`, `report`): the memory it frees is kept for what it makes
    /// next and its heap is backed by 2 MB pages (``ReadingMemory/prepare(hugePageBytes:)``), and
    /// its connection keeps a few pages, not a writer's 64 MB
    /// (``LedgerStore/usePageCacheOfOneReading()``).
    func openForOneReading() throws -> LedgerDirectory.Opened {
        ReadingMemory.prepare()
        let opened = try open()
        try opened.store.usePageCacheOfOneReading()
        return opened
    }
}

/// The three times of DESIGN §4, taken by every read command.
struct TimeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Events recorded at or before T (a date means its end, UTC; or YYYY-MM-DDTHH:MM:SSZ).", valueName: "T"))
    var asOf: String?

    @Option(help: ArgumentHelp("Events this node had received at or before T.", valueName: "T"))
    var knownAt: String?

    @Option(help: ArgumentHelp("Facts in force on date D.", valueName: "YYYY-MM-DD"))
    var effectiveOn: String?

    func filter() throws -> TimeFilter {
        func instant(_ text: String?, _ option: String) throws -> Int64? {
            guard let text else { return nil }
            guard let value = TimeFilter.instant(text) else {
                throw CLIFailure(message: "\(option) \"\(text)\" is not a time (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or Unix ms)")
            }
            return value
        }
        return TimeFilter(
            asOf: try instant(asOf, "--as-of"), knownAt: try instant(knownAt, "--known-at"),
            effectiveOn: try InputFiles.date(effectiveOn, option: "--effective-on"))
    }
}

/// Output formats.
enum TableOrJSON: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
