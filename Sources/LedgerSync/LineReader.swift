import Foundation
import NIOCore

/// Splits bytes into lines at each line feed (0x0A, and nothing else: a range's lines are
/// canonical JSON, which never holds a raw control character), holding at most one line and one
/// chunk in memory.
///
/// ```swift
/// var reader = LineReader(chunks, maximumLineBytes: 65_536)
/// while let line = try await reader.nextLine() { … }
/// ```
/// An empty line is a line; the last line may lack its line feed. (NIO's `splitLines` also splits
/// at CR, VT and FF and drops empty lines, which would make a line count lenient.)
struct LineReader {
    private var source: ByteChunks.AsyncIterator
    /// The chunk being split, from its first unread byte.
    private var current: ByteBuffer?
    /// The start of a line whose end is in a later chunk.
    private var partial: [UInt8] = []
    private var ended = false
    private let maximumLineBytes: Int
    /// Lines returned so far.
    private(set) var lines = 0

    init(_ chunks: ByteChunks, maximumLineBytes: Int) {
        source = chunks.makeAsyncIterator()
        self.maximumLineBytes = maximumLineBytes
    }

    /// The next line without its line feed, or nil at the end of the bytes.
    ///
    /// - Throws: ``WireError`` for a line longer than the maximum; the source's errors.
    mutating func nextLine() async throws -> [UInt8]? {
        while true {
            if var chunk = current {
                current = nil
                let line = try cut(&chunk)
                if chunk.readableBytes > 0 { current = chunk }
                if let line {
                    lines += 1
                    return line
                }
            } else if !ended, let next = try await source.next() {
                current = next
            } else {
                ended = true
                guard !partial.isEmpty else { return nil }
                defer { partial = [] }
                lines += 1
                return partial
            }
        }
    }

    /// The bytes not read yet, as chunks (once a line has just been read, so none is partial).
    func rest() -> ByteChunks {
        let rest = UnreadBytes(current: current, source: source, ended: ended)
        return ByteChunks { { try await rest.next() } }
    }

    /// Takes the line that ends in `chunk`, or keeps the start of one that does not.
    private mutating func cut(_ chunk: inout ByteBuffer) throws -> [UInt8]? {
        let newline = chunk.withUnsafeReadableBytes { raw -> Int? in
            guard let base = raw.baseAddress, let found = memchr(base, 0x0A, raw.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
        let length = newline ?? chunk.readableBytes
        guard partial.count + length <= maximumLineBytes else {
            throw WireError("line \(lines + 1) of the range is longer than \(maximumLineBytes) bytes")
        }
        guard let newline else {
            partial.append(contentsOf: chunk.readableBytesView)
            chunk.moveReaderIndex(forwardBy: length)
            return nil
        }
        var line: [UInt8]
        if partial.isEmpty {
            line = chunk.readBytes(length: newline) ?? []
        } else {
            line = partial
            partial = []
            line.append(contentsOf: chunk.readableBytesView.prefix(newline))
            chunk.moveReaderIndex(forwardBy: newline)
        }
        chunk.moveReaderIndex(forwardBy: 1)
        return line
    }
}

/// What is left of a byte stream after a ``LineReader`` read from it. One consumer at a time
/// (hence unchecked): a stream is read once, by one task.
private final class UnreadBytes: @unchecked Sendable {
    private var current: ByteBuffer?
    private var source: ByteChunks.AsyncIterator
    private let ended: Bool

    init(current: ByteBuffer?, source: ByteChunks.AsyncIterator, ended: Bool) {
        self.current = current
        self.source = source
        self.ended = ended
    }

    func next() async throws -> ByteBuffer? {
        if let chunk = current {
            current = nil
            return chunk
        }
        return ended ? nil : try await source.next()
    }
}
