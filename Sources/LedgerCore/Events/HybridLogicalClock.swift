/// A hybrid logical clock timestamp: wall-clock milliseconds and a logical counter.
///
/// Ordered by (wall, logical). ``HybridLogicalClock`` produces them monotonically, also across
/// restarts when its last value is restored from the store.
public struct HLCTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let wall: Int64
    public let logical: Int64

    public init(wall: Int64, logical: Int64) {
        self.wall = wall
        self.logical = logical
    }

    public static func < (lhs: HLCTimestamp, rhs: HLCTimestamp) -> Bool {
        (lhs.wall, lhs.logical) < (rhs.wall, rhs.logical)
    }

    public static let zero = HLCTimestamp(wall: 0, logical: 0)

    /// `wall.logical`, e.g. `1764230000000.3`.
    public var description: String { "\(wall).\(logical)" }

    var json: JSONValue { .object([("logical", .integer(logical)), ("wall", .integer(wall))]) }
}

/// The clock of one office (Kulkarni et al., "Logical Physical Clocks", 2014).
///
/// ```swift
/// var clock = HybridLogicalClock(last: storedLast)
/// let stamp = clock.tick(now: nowMilliseconds)
/// ```
public struct HybridLogicalClock: Sendable {
    public private(set) var last: HLCTimestamp

    public init(last: HLCTimestamp = .zero) {
        self.last = last
    }

    /// The largest value either part of a timestamp may take (JSON's safe integers).
    public static let maximumPart: Int64 = 9_007_199_254_740_991

    /// A timestamp for a local event, greater than every earlier one.
    ///
    /// A logical counter that reached ``maximumPart`` carries into the wall time instead of
    /// overflowing, so no timestamp received can stop a node from recording.
    public mutating func tick(now: Int64) -> HLCTimestamp {
        if now > last.wall {
            last = HLCTimestamp(wall: now, logical: 0)
        } else if last.logical < Self.maximumPart {
            last = HLCTimestamp(wall: last.wall, logical: last.logical + 1)
        } else {
            last = HLCTimestamp(wall: last.wall + 1, logical: 0)
        }
        return last
    }

    /// Moves the clock up to `seen` if it is later, without ticking: what a node does with the
    /// timestamps of events it stores from other offices (within the clock bound), so what it
    /// records afterwards sorts after them.
    public mutating func observe(_ seen: HLCTimestamp) {
        if seen > last { last = seen }
    }
}
