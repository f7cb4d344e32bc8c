/// The position of an event in the citywide order (hlc, office, seq), the same on every node
/// (DESIGN §4): any set of offices holding the same events orders them the same way.
public struct OrderKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let hlc: HLCTimestamp
    public let office: String
    public let seq: UInt64

    public init(_ envelope: EventEnvelope) {
        self.init(hlc: envelope.hlc, office: envelope.office, seq: envelope.seq)
    }

    public init(hlc: HLCTimestamp, office: String, seq: UInt64) {
        self.hlc = hlc
        self.office = office
        self.seq = seq
    }

    public static func < (lhs: OrderKey, rhs: OrderKey) -> Bool {
        (lhs.hlc, lhs.office, lhs.seq) < (rhs.hlc, rhs.office, rhs.seq)
    }

    /// `office#seq@wall.logical`.
    public var description: String { "\(office)#\(seq)@\(hlc)" }

    /// The SQL `ORDER BY` of the citywide order over an events table (with an optional alias, e.g. `e.`).
    public static func orderBy(_ prefix: String = "") -> String {
        "\(prefix)hlc_wall, \(prefix)hlc_logical, \(prefix)office, \(prefix)seq"
    }
}
