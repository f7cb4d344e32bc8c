import CivicTestSupport
import Foundation

/// Runs the built `civic` binary as a user would, in a temporary working folder.
final class CivicSandbox {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `civic` executable built beside the test bundle.
    static let binary: String = {
        var candidates: [String] = []
        if let override = ProcessInfo.processInfo.environment["CIVIC_BINARY"] { candidates.append(override) }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("civic").path)
            folder = folder.deletingLastPathComponent()
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/civic").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "civic"
    }()

    let temporary: TemporaryFolder
    var folder: String { temporary.path }
    var data: String { folder + "/civic-data" }

    init() throws {
        temporary = try TemporaryFolder("civic-cli")
    }

    /// Runs `civic` with `arguments` and optional stdin, waiting for it to finish.
    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        try Self.wait(for: try start(arguments, environment: environment), stdin: stdin)
    }

    /// Starts `process` with pipes, writes `stdin`, and collects its output and status.
    static func wait(for process: Process, stdin: String? = nil) throws -> Result {
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// A configured, not yet started process.
    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CIVIC_DATA")
        env.merge(environment) { $1 }
        process.environment = env
        return process
    }

    func write(_ name: String, _ contents: String) throws -> String {
        let path = folder + "/" + name
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs the sqlite3 shell on the ledger (the way an attacker or an admin would).
    func sqlite(_ sql: String) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [data + "/ledger.sqlite", sql]
        return try Self.wait(for: process)
    }

    static func district(_ id: String, population: Int = 1000) -> String {
        #"{"district":"\#(id)","name":"District \#(id)","population":\#(population),"need_index":40,"priority":false}"#
    }
}
