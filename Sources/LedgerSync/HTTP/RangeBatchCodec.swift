import LedgerCore
import LedgerStore

/// The wire form of a range (`application/x-ndjson`): a header line
/// `{"after":N,"checkpoint":"<signed note>","count":C,"office":…}`, then exactly C lines, each an
/// event's exact canonical bytes, `N + 1` to `N + C` in order. A stream cut short, or with extra
/// lines, is refused whole. Ranges are streamed: neither side holds more than a few chunks.
public enum RangeBatchCodec {
    public static let contentType = "application/x-ndjson"
    /// The longest line read (header or event), without its line feed: the largest canonical event.
    public static let maximumLineBytes = EventEnvelope.maximumCanonicalBytes
}

/// The header line of a range: whose events follow, where they start, how many, and the office's
/// signed checkpoint at the range's end.
public struct RangeHeader: Sendable, Equatable {
    public let office: String
    /// The first event is `after + 1`.
    public let after: UInt64
    public let count: UInt64
    public let checkpoint: String

    public init(office: String, after: UInt64, count: UInt64, checkpoint: String) {
        self.office = office
        self.after = after
        self.count = count
        self.checkpoint = checkpoint
    }

    /// Reads a header line (without its line feed).
    ///
    /// - Parameter expected: the office the range must be of (the URL's), when known.
    /// - Throws: ``WireError`` naming what is wrong.
    public init(line: [UInt8], office expected: String? = nil) throws {
        let header: JSONValue
        do {
            header = try JSONParser.parse(line, profile: .general)
        } catch {
            throw WireError("range header: \(error)")
        }
        guard let office = header["office"]?.stringValue, Identifiers.isValidOffice(office),
            let count = header["count"]?.integerValue, count >= 0, let checkpoint = header["checkpoint"]?.stringValue
        else { throw WireError("range header needs office, count and checkpoint") }
        if let expected, office != expected { throw WireError("the range is of \(office), not \(expected)") }
        let after = header["after"]?.integerValue ?? 0
        guard after >= 0 else { throw WireError("range header: after must not be negative") }
        self.init(office: office, after: UInt64(after), count: UInt64(count), checkpoint: checkpoint)
    }

    /// The header line, with its line feed.
    public func line() throws -> [UInt8] {
        let header: JSONValue = .object([
            ("office", .string(office)), ("after", .integer(Int64(after))), ("count", .integer(Int64(count))), ("checkpoint", .string(checkpoint)),
        ])
        var bytes = try CanonicalJSON.encode(header)
        bytes.append(0x0A)
        return bytes
    }
}

/// A malformed message on the wire.
public struct WireError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
