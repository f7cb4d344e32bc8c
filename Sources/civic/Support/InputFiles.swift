import CivicCommandLine
import Foundation
import LedgerCore

/// Reading bodies and files with explicit upper bounds.
enum InputFiles {
    /// Reads a whole file (or stdin for `-`), refusing more than `limit` bytes.
    static func read(_ path: String, limit: Int) throws -> [UInt8] {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: path) else { throw CLIFailure(message: "cannot read \(path)") }
            handle = opened
        }
        var bytes: [UInt8] = []
        while true {
            let chunk = try handle.read(upToCount: 1 << 16) ?? Data()
            if chunk.isEmpty { break }
            bytes.append(contentsOf: chunk)
            guard bytes.count <= limit else { throw CLIFailure(message: "\(path == "-" ? "stdin" : path) is over the limit of \(limit) bytes") }
        }
        return bytes
    }

    /// Today's date in UTC.
    static var today: LedgerDate { LedgerDate(unixMilliseconds: Int64(Date().timeIntervalSince1970 * 1000)) }

    static func date(_ text: String?, option: String) throws -> LedgerDate? {
        guard let text else { return nil }
        guard let date = LedgerDate(text) else { throw CLIFailure(message: "\(option) \"\(text)\" is not a date YYYY-MM-DD") }
        return date
    }
}

/// Splits a file into lines while reading it in chunks, so huge imports stream.
struct LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false
    private(set) var lineNumber = 0
    let maximumLineBytes: Int

    init(path: String, maximumLineBytes: Int) throws {
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: path) else { throw CLIFailure(message: "cannot read \(path)") }
            handle = opened
        }
        self.maximumLineBytes = maximumLineBytes
    }

    /// The next line without its newline; nil at the end of the file.
    mutating func next() throws -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[start..<newline]
                start = newline + 1
                lineNumber += 1
                return line.last == UInt8(ascii: "\r") ? line.dropLast() : line
            }
            if finished {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                lineNumber += 1
                return line
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            guard buffer.count <= maximumLineBytes else {
                throw CLIFailure(message: "line \(lineNumber + 1) is longer than \(maximumLineBytes) bytes")
            }
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { finished = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}
