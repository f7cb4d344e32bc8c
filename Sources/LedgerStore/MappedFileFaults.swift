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
    /// The line the handler writes: made once, before the handler is installed, and never freed,
    /// so that the handler only calls `write` and `_exit` (the functions a signal handler may call).
    private nonisolated(unsafe) static var line: UnsafeMutableBufferPointer<UInt8>?

    /// Installs the handler for the rest of the process (again: nothing more). `program` names the
    /// process in its line (by default its executable's file name).
    package static func report(program: String? = nil) {
        #if os(Linux)
            guard line == nil else { return }
            let name = program ?? CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? "civic"
            let text = Array(
                "\(name): error: the ledger's database file could not be read through its memory map (a disk error, or the file was cut short while it was read)\n"
                    .utf8)
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: text.count)
            _ = buffer.initialize(from: text)
            line = buffer
            _ = signal(SIGBUS) { _ in
                if let line = MappedFileFaults.line { _ = write(2, line.baseAddress, line.count) }
                _exit(1)
            }
        #endif
    }
}
