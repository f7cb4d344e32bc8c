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
        let header: JSONValue = .object([
            ("office", .string(batch.office)), ("after", .integer(Int64(after))), ("count", .integer(Int64(batch.events.count))),
            ("checkpoint", .string(batch.checkpoint)),
        ])
        var bytes = try CanonicalJSON.encode(header)
        bytes.append(0x0A)
        bytes.reserveCapacity(bytes.count + batch.events.count * 400)
        for event in batch.events {
            bytes.append(contentsOf: event.canonical)
            bytes.append(0x0A)
        }
        return bytes
    }

    /// Reads a range, checking every event's canonical form and the count.
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
        var events: [Event] = []
        events.reserveCapacity(Int(count))
        for (index, line) in lines.dropFirst().enumerated() {
            do {
                events.append(try Event(canonical: Array(line)))
            } catch {
                throw WireError("event \(index + 1) of the range: \(error)")
            }
        }
        return RangeBatch(office: office, events: events, checkpoint: checkpoint)
    }
}

/// A malformed message on the wire.
public struct WireError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
