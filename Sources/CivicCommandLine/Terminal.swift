import Foundation
import LedgerStore

/// Output helpers: results on stdout, errors and progress on stderr, progress only on a terminal.
package enum Terminal {
    package static let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    package static func error(_ message: String) {
        FileHandle.standardError.write(Data("civic: error: \(message)\n".utf8))
    }

    package static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    /// Rewrites one progress line on stderr when it is a terminal; silent otherwise.
    package static func progress(_ message: String) {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(message)".utf8))
    }

    package static func endProgress() {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// A failure the tool reports as one line, with a chosen exit status.
package struct CLIFailure: Error {
    package let message: String
    package var exitCode: Int32 = 1

    package init(message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }
}
