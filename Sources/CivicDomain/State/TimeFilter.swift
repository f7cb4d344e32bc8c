import GRDB
import LedgerCore
import LedgerStore

/// The three times of DESIGN §4, as one filter over the ledger.
///
/// - `asOf`: events recorded (HLC wall time) at or before this instant, including those that reached
///   this node later;
/// - `knownAt`: events this node had received (its arrival log) at or before this instant;
/// - `effectiveOn`: facts in force on this date (effective date at or before it).
public struct TimeFilter: Sendable, Equatable {
    public var asOf: Int64?
    public var knownAt: Int64?
    public var effectiveOn: LedgerDate?

    public init(asOf: Int64? = nil, knownAt: Int64? = nil, effectiveOn: LedgerDate? = nil) {
        self.asOf = asOf
        self.knownAt = knownAt
        self.effectiveOn = effectiveOn
    }

    public static let none = TimeFilter()

    /// The filter as bounds on an event's times, where its SQL and its test are written.
    public var bounds: TimeBounds { TimeBounds(recordedBy: asOf, arrivedBy: knownAt, effectiveBy: effectiveOn?.description) }

    /// Whether an event with these times passes the filter (the same test as ``sql(prefix:)``).
    public func admits(recorded: Int64, arrived: Int64, effective: String) -> Bool {
        bounds.admits(recorded: recorded, arrived: arrived, effective: effective)
    }

    /// SQL conditions over columns named `hlc_wall`, `arrived_ms`, `effective` (with a table prefix).
    func sql(prefix: String) -> (String, StatementArguments) { bounds.sql(prefix: prefix) }

    /// Parses a point in time: `YYYY-MM-DD` (the end of that day, UTC), `YYYY-MM-DDTHH:MM[:SS]Z`, or Unix milliseconds.
    public static func instant(_ text: String) -> Int64? {
        if let date = LedgerDate(text) { return date.unixMilliseconds + 86_400_000 - 1 }
        if let milliseconds = Int64(text), milliseconds >= 0 { return milliseconds }
        let bytes = Array(text.utf8)
        guard bytes.count == 17 || bytes.count == 20, bytes[10] == UInt8(ascii: "T"), bytes.last == UInt8(ascii: "Z"),
            let date = LedgerDate(String(decoding: bytes[0..<10], as: UTF8.self))
        else { return nil }
        func field(_ start: Int) -> Int64? {
            guard let value = Int64(String(decoding: bytes[start..<(start + 2)], as: UTF8.self)) else { return nil }
            return value
        }
        guard let hour = field(11), hour < 24, bytes[13] == UInt8(ascii: ":"), let minute = field(14), minute < 60 else { return nil }
        var second: Int64 = 0
        if bytes.count == 20 {
            guard bytes[16] == UInt8(ascii: ":"), let value = field(17), value < 60 else { return nil }
            second = value
        }
        return date.unixMilliseconds + ((hour * 60 + minute) * 60 + second) * 1000
    }
}
