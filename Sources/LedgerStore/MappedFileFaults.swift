import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A process that reads its database file through a memory map (``LedgerStore/prepareForOneReading()``)
/// learns of a failed read of the file (a disk error, or the file cut short by another program
/// while it is read) as the signal `SIGBUS`, where `pread` would have returned an error. By default
/// the signal ends the process with no word of why; this handler ends it with one line on stderr,
/// `NAME: error: …`, and exit status 1, as any other error of the ledger's.
///
/// Ending there is safe for the ledger: a write transaction the process had open is rolled back
/// by SQLite's journal when the file is next opened, as after any crash.
package enum MappedFileFaults {
    /// The line the handler writes (a C string): made once, before the handler is installed, and
    /// never freed, so that the handler only reads it and calls `strlen`, `write` and `_exit`
    /// (functions a signal handler may call). Set once, by whichever thread comes first; held as
    /// its address (0: not yet).
    private static let line = Atomic<UInt>(0)

    /// Installs the handler for the rest of the process (again, or on another thread at once:
    /// nothing more). Its line names the process by its executable's file name.
    package static func report() {
        #if os(Linux)
            guard line.load(ordering: .acquiring) == 0 else { return }
            let name = CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? "civic"
            let text = "\(name): error: the ledger's database file could not be read through its memory map (a disk error, or the file was cut short while it was read)\n"
            guard let made = strdup(text) else { return }
            guard line.compareExchange(expected: 0, desired: UInt(bitPattern: made), ordering: .acquiringAndReleasing).exchanged else {
                free(made)
                return
            }
            _ = signal(SIGBUS) { _ in
                if let line = UnsafePointer<CChar>(bitPattern: MappedFileFaults.line.load(ordering: .acquiring)) { _ = write(2, line, strlen(line)) }
                _exit(1)
            }
        #endif
    }
}
