/// The citywide checkpoint: every office's (origin, size, root), sorted by origin, and its hash.
///
/// Two nodes with equal citywide hashes hold identical ledgers (every office's log, byte for byte).
///
/// ```swift
/// let city = CitywideCheckpoint(city: "springfield", logs: checkpoints)
/// print(city.hash.hex)
/// ```
public struct CitywideCheckpoint: Sendable, Equatable {
    public let city: String
    /// One checkpoint per office with at least one event, sorted by origin.
    public let logs: [Checkpoint]

    public init(city: String, logs: [Checkpoint]) {
        self.city = city
        self.logs = logs.filter { $0.size > 0 }.sorted { $0.origin.utf8.lexicographicallyPrecedes($1.origin.utf8) }
    }

    /// `civic-city/<city>\n` then one line `origin size base64(root)` per office.
    public var text: String {
        "civic-city/\(city)\n" + logs.map { "\($0.origin) \($0.size) \($0.root.base64)\n" }.joined()
    }

    /// SHA-256 of ``text``.
    public var hash: Hash { Hash.sha256(Array(text.utf8)) }

    /// Total events over all offices.
    public var size: UInt64 { logs.reduce(0) { $0 + $1.size } }
}
