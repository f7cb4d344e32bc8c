import LedgerCore
import LedgerStore

/// The wire form of a range (`application/x-ndjson`): a header line
/// `{"office":…,"after":N,"count":C,"checkpoint":"<signed note>"}`, then exactly C lines, each an
/// event's exact canonical bytes. A stream cut short, or with extra lines, is refused whole.
public enum RangeBatchCodec {
    public static let contentType = "application/x-ndjson"
    /// The most events one range may carry.
    public static let maximumEvents = 200_000

    public static func encode(_ batch: RangeBatch, after: UInt64) throws -> [UInt8] {
        try encode(office: batch.office, after: after, checkpoint: batch.checkpoint, canonical: batch.canonical)
    }

    /// Encodes stored canonical bytes as they are (the receiver checks them).
    public static func encode(office: String, after: UInt64, checkpoint: String, canonical events: [[UInt8]]) throws -> [UInt8] {
        let header: JSONValue = .object([
            ("office", .string(office)), ("after", .integer(Int64(after))), ("count", .integer(Int64(events.count))),
            ("checkpoint", .string(checkpoint)),
        ])
        var bytes = try CanonicalJSON.encode(header)
        bytes.append(0x0A)
        bytes.reserveCapacity(bytes.count + events.reduce(0) { $0 + $1.count + 1 })
        for event in events {
            guard !event.contains(0x0A) else { throw WireError("an event's bytes contain a newline: not canonical") }
            bytes.append(contentsOf: event)
            bytes.append(0x0A)
        }
        return bytes
    }

    /// Reads a range: the header and the count (each event's bytes are checked when received).
    ///
    /// - Throws: ``WireError`` naming the line that is wrong.
    public static func decode(_ bytes: [UInt8], office expected: String? = nil) throws -> RangeBatch {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard let headerLine = lines.first else { throw WireError("empty range") }
        let header: JSONValue
        do {
            header = try JSONParser.parse(headerLine, profile: .general)
        } catch {
            throw WireError("range header: \(error)")
        }
        guard let office = header["office"]?.stringValue, Identifiers.isValidOffice(office),
            let count = header["count"]?.integerValue, count >= 0, let checkpoint = header["checkpoint"]?.stringValue
        else { throw WireError("range header needs office, count and checkpoint") }
        if let expected, office != expected { throw WireError("the range is of \(office), not \(expected)") }
        guard count <= maximumEvents else { throw WireError("a range carries at most \(maximumEvents) events, not \(count)") }
        guard lines.count - 1 == Int(count) else {
            throw WireError("the range announces \(count) events but carries \(lines.count - 1): truncated or padded")
        }
        let after = header["after"]?.integerValue ?? 0
        guard after >= 0 else { throw WireError("range header: after must not be negative") }
        // Each line is checked where the range is received (``RangeBatch/events()``).
        return RangeBatch(office: office, after: UInt64(after), canonical: lines.dropFirst().map { Array($0) }, checkpoint: checkpoint)
    }
}

/// A malformed message on the wire.
public struct WireError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
