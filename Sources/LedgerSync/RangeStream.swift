import LedgerCore
import LedgerStore
import NIOCore

/// A range of one office's log in transit: its header (office, `after`, count, the signed
/// checkpoint at its end) and its events `after + 1 …` as their exact canonical bytes, one per
/// line, streamed. The bytes are parsed and checked only where the range is received.
///
/// ```swift
/// let range = try await LocalPeer(store: police).fetch(office: "police", after: 0)
/// let summary = try await HTTPPeer(base: hallURL).push(range)
/// ```
/// A range can be read once: pushing it consumes its events.
public struct RangeStream: Sendable {
    public let header: RangeHeader
    /// The event lines (after the header line), in chunks of any size.
    public let events: ByteChunks

    public init(header: RangeHeader, events: ByteChunks) {
        self.header = header
        self.events = events
    }

    public var office: String { header.office }

    /// The wire form: the header line, then the event lines.
    public func wire() throws -> ByteChunks {
        ByteChunks(ByteBuffer(bytes: try header.line()), then: events)
    }

    /// Reads the header line of a range's wire form; the rest of `wire` is the events.
    ///
    /// - Parameter office: the office the range must be of, when known.
    /// - Throws: ``WireError`` for a missing or malformed header.
    public static func read(_ wire: ByteChunks, office: String? = nil) async throws -> RangeStream {
        var reader = LineReader(wire, maximumLineBytes: RangeBatchCodec.maximumLineBytes)
        guard let line = try await reader.nextLine() else { throw WireError("empty range") }
        return RangeStream(header: try RangeHeader(line: line, office: office), events: reader.rest())
    }

    /// The events, parsed, in chunks; the stream throws once it carries more or fewer lines than
    /// the header's count.
    public func parsedEvents() -> ParsedEvents {
        ParsedEvents(lines: events, count: header.count)
    }
}

/// A range's event lines parsed into events, in chunks of up to 512: what a receiving store takes.
///
/// - Throws (while iterating): ``WireError`` for a line that is not a canonical event, a line over
///   ``RangeBatchCodec/maximumLineBytes``, or a line count other than the header's.
public struct ParsedEvents: AsyncSequence, Sendable {
    public typealias Element = [Event]
    static let chunkSize = 512

    let lines: ByteChunks
    let count: UInt64

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(reader: LineReader(lines, maximumLineBytes: RangeBatchCodec.maximumLineBytes), count: count)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var reader: LineReader
        let count: UInt64
        var read: UInt64 = 0

        public mutating func next() async throws -> [Event]? {
            var events: [Event] = []
            while events.count < ParsedEvents.chunkSize, let line = try await reader.nextLine() {
                guard read < count else {
                    throw WireError("the range announces \(count) events but carries more: truncated or padded")
                }
                read += 1
                do {
                    events.append(try Event(canonical: line))
                } catch {
                    throw WireError("event \(read) of the range: \(error)")
                }
            }
            guard events.isEmpty else { return events }
            guard read == count else {
                throw WireError("the range announces \(count) events but carries \(read): truncated or padded")
            }
            return nil
        }
    }
}
