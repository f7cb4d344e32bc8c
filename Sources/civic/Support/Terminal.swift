import Foundation
import LedgerStore

/// Output helpers: results on stdout, errors and progress on stderr, progress only on a terminal.
enum Terminal {
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("civic: error: \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    /// Rewrites one progress line on stderr when it is a terminal; silent otherwise.
    static func progress(_ message: String) {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(message)".utf8))
    }

    static func endProgress() {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// A failure the tool reports as one line, with a chosen exit status.
struct CLIFailure: Error {
    let message: String
    var exitCode: Int32 = 1
}

/// Buffered stdout for commands that print many lines.
struct OutputBuffer {
    private var bytes: [UInt8] = []

    mutating func write(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        if bytes.count >= 1 << 16 { flush() }
    }

    mutating func write(bytes more: [UInt8]) {
        bytes.append(contentsOf: more)
        if bytes.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        FileHandle.standardOutput.write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }
}

/// Leaves `value` alive to the end of the process. A command that has written its answer exits
/// right after, and the system takes its memory back at once, where freeing a city's state object
/// by object takes a tenth of `civic state` on a large ledger (some 20 ms for 20,000 systems and
/// half a million cost lines). For a command's last value only: it is never freed.
func keepUntilExit<Value>(_ value: Value) {
    _ = Unmanaged.passRetained(Kept(value))
}

/// For a command that builds one large state and ends (``GlobalOptions/openForOneReading()``):
/// memory it frees on the way (a blob read and decoded, a list that grew) stays in the heap for
/// what it makes next. By default glibc gives a block of a few megabytes back to the system as
/// soon as it is freed, and takes fresh pages for the next, each faulted in anew (page faults were
/// a quarter of `civic state`'s CPU on a large ledger). Blocks under 32 MB come from the heap, and
/// the heap is not trimmed. (Not for `civic serve`, whose memory should go back.)
func keepFreedMemoryForReuse() {
    #if os(Linux)
        // glibc's mallopt (<malloc.h> is not in Swift's Glibc module): M_TRIM_THRESHOLD is -1,
        // M_MMAP_THRESHOLD -3.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-3, 32 << 20)
        _ = mallopt(-1, 1 << 30)
        backHeapWithHugePages(bytes: 64 << 20)
    #endif
}

#if os(Linux)
    /// Grows the heap by `bytes` at once (blocks allocated and freed: freed memory stays, see
    /// ``keepFreedMemoryForReuse()``) and asks the kernel to back that span with 2 MB pages when it
    /// is first touched. A state of 100,000 facts touches some 70 MB; page by page that was 18,000
    /// faults, a fifth of the command's time.
    private func backHeapWithHugePages(bytes: Int) {
        let hugePage = 2 << 20
        let start = Int(bitPattern: sbrk(0))
        var blocks: [UnsafeMutableRawPointer?] = Array(repeating: nil, count: bytes / (8 << 20))
        for index in blocks.indices { blocks[index] = malloc(8 << 20) }
        let end = Int(bitPattern: sbrk(0))
        blocks.forEach { free($0) }
        let first = (start + hugePage - 1) / hugePage * hugePage
        let last = end / hugePage * hugePage
        guard start > 0, last > first, let span = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(span, last - first, MADV_HUGEPAGE)
    }
#endif

/// A value held by a reference of its own (`value as AnyObject` would box it through Foundation's
/// bridge, whose first use is a process's search of the runtime's type records).
private final class Kept<Value> {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Ends a command's use of its ledger: closes it, as releasing it would, then leaves the closed
/// store to the process's end. Releasing GRDB's connection asks Foundation's notification center to
/// forget observers nothing registered here, and that first use of the center took about half a
/// millisecond of a `civic record`. A ledger that does not close now (it should not happen: no
/// statement is left open) is released as before, and closes then.
func closeUntilExit(_ opened: LedgerDirectory.Opened) {
    guard (try? opened.store.close()) != nil else { return }
    keepUntilExit(opened.store)
}
