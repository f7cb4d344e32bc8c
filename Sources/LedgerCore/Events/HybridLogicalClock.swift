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

    /// A timestamp for a local event, greater than every earlier one.
    public mutating func tick(now: Int64) -> HLCTimestamp {
        last = now > last.wall ? HLCTimestamp(wall: now, logical: 0) : HLCTimestamp(wall: last.wall, logical: last.logical + 1)
        return last
    }

    /// Advances past a timestamp received from another office, so later local events sort after it.
    public mutating func receive(_ remote: HLCTimestamp, now: Int64) {
        let wall = max(now, last.wall, remote.wall)
        let logical: Int64
        if wall == last.wall && wall == remote.wall {
            logical = max(last.logical, remote.logical) + 1
        } else if wall == last.wall {
            logical = last.logical + 1
        } else if wall == remote.wall {
            logical = remote.logical + 1
        } else {
            logical = 0
        }
        last = HLCTimestamp(wall: wall, logical: logical)
    }
}
