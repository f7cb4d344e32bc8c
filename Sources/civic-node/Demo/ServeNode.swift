import CivicCommandLine
import Foundation

/// A `civic serve` child process on 127.0.0.1 with a port the system picked.
final class ServeNode: @unchecked Sendable {
    let office: String
    let url: String
    private let process: Process

    /// Starts `civic serve --data DATA --port 0` (this same executable), logging to `log`, and waits
    /// for the line that names its URL.
    init(office: String, data: String, log: String, extraArguments: [String] = []) throws {
        self.office = office
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ThisExecutable.path)
        process.arguments = ["serve", "--data", data, "--host", "127.0.0.1", "--port", "0"] + extraArguments
        let output = Pipe()
        process.standardOutput = output
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        var line: [UInt8] = []
        let handle = output.fileHandleForReading
        while line.last != 0x0A {
            let chunk = handle.readData(ofLength: 1)
            if chunk.isEmpty { break }
            line.append(contentsOf: chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("listening on ") else {
            process.terminate()
            throw CLIFailure(message: "the \(office) node did not start (see \(log))")
        }
        url = String(text.dropFirst("listening on ".count))
    }

    /// Stops the node gracefully (SIGTERM) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }
}
