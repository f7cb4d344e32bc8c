import GRDB

/// Bounds on an event's three times (DESIGN §4): when it was recorded (its HLC wall time), when it
/// arrived at this node, and the date it takes effect. The one place where both their SQL and their
/// test on one event are written, so a query and a check in memory never disagree.
public struct TimeBounds: Sendable, Equatable {
    /// Recorded (HLC wall, Unix ms) at or before.
    public var recordedBy: Int64?
    /// Arrived here (Unix ms) at or before.
    public var arrivedBy: Int64?
    /// Effective (`YYYY-MM-DD`) on or before.
    public var effectiveBy: String?

    public init(recordedBy: Int64? = nil, arrivedBy: Int64? = nil, effectiveBy: String? = nil) {
        self.recordedBy = recordedBy
        self.arrivedBy = arrivedBy
        self.effectiveBy = effectiveBy
    }

    /// Whether an event with these times is within the bounds (the same test as ``sql(prefix:)``).
    public func admits(recorded: Int64, arrived: Int64, effective: String) -> Bool {
        if let recordedBy, recorded > recordedBy { return false }
        if let arrivedBy, arrived > arrivedBy { return false }
        if let effectiveBy, effective > effectiveBy { return false }
        return true
    }

    /// SQL conditions over columns named `hlc_wall`, `arrived_ms` and `effective` (with a table
    /// prefix such as `e.`), and their arguments; `1` when there is no bound.
    public func sql(prefix: String = "") -> (String, StatementArguments) {
        var clauses = ["1"]
        var arguments = StatementArguments()
        if let recordedBy {
            clauses.append("\(prefix)hlc_wall <= ?")
            arguments += [recordedBy]
        }
        if let arrivedBy {
            clauses.append("\(prefix)arrived_ms <= ?")
            arguments += [arrivedBy]
        }
        if let effectiveBy {
            clauses.append("\(prefix)effective <= ?")
            arguments += [effectiveBy]
        }
        return (clauses.joined(separator: " AND "), arguments)
    }
}
