import Foundation
import LedgerStore

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
