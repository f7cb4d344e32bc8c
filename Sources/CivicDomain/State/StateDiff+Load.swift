import LedgerCore
import LedgerStore

extension StateDiff {
    /// Which of the ledger's clocks two points of a diff are read on.
    public enum Clock: String, Sendable, CaseIterable {
        /// When events say they were recorded (`--as-of`).
        case recorded
        /// When this node came to know them (`--known-at`).
        case known
    }

    /// What changed in the state between two points in time (what `civic diff` prints and the
    /// dashboard's changes page shows).
    ///
    /// - Parameters:
    ///   - store: The ledger.
    ///   - from: The earlier point, Unix ms.
    ///   - to: The later point, Unix ms.
    ///   - clock: The clock both points are read on.
    ///   - effectiveOn: Facts in force on this date at both points, when given.
    public static func between(
        _ store: LedgerStore, from: Int64, to: Int64, by clock: Clock = .recorded, effectiveOn: LedgerDate? = nil
    ) throws -> [Change] {
        func state(_ instant: Int64) throws -> JSONValue {
            var filter = TimeFilter(effectiveOn: effectiveOn)
            if clock == .recorded { filter.asOf = instant } else { filter.knownAt = instant }
            var json = try CityState.load(from: store, filter: filter).json
            if case .object(let members) = json { json = .object(members.filter { $0.0 != "filter" }) }
            return json
        }
        return changes(from: try state(from), to: try state(to))
    }
}
