import ArgumentParser
import CivicDomain
import Foundation
import LedgerCore
import LedgerStore

/// Options every command takes.
package struct GlobalOptions: ParsableArguments {
    package init() {}

    @Option(name: .long, help: ArgumentHelp("The ledger folder (default ./civic-data, or $CIVIC_DATA).", valueName: "DIR"))
    package var data: String?

    package var directory: LedgerDirectory {
        // getenv, not ProcessInfo's environment, which copies the whole environment into a dictionary.
        LedgerDirectory(path: data ?? getenv("CIVIC_DATA").map { String(cString: $0) } ?? "./civic-data")
    }

    /// Opens the ledger with the civic vocabulary's checks and projections: with one connection
    /// for a command that does one thing and ends, a pool for one that serves or syncs.
    package func open(connections: LedgerStore.Connections = .single) throws -> LedgerDirectory.Opened {
        try directory.open(projector: CivicProjector(), connections: connections)
    }

    /// Opens the ledger for a command that reads much of it once, to compute a city's state, and
    /// ends (`state`, `findings`, `diff`, `report`): the memory it frees is kept for what it makes
    /// next and its heap is backed by 2 MB pages (``ReadingMemory/prepare(hugePageBytes:)``), and
    /// its connection keeps a few pages, not a writer's 16 MB, and reads the file through a memory
    /// map (``LedgerStore/prepareForOneReading()``).
    package func openForOneReading() throws -> LedgerDirectory.Opened {
        ReadingMemory.prepare()
        let opened = try open()
        try opened.store.prepareForOneReading()
        return opened
    }
}

/// Output formats of commands that print text or JSON.
package enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
