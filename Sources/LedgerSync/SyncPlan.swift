/// What one sync round moves, decided from the two nodes' version vectors alone (no I/O).
///
/// Each office's log moves from the node that holds more of it to the one that holds less; a node
/// never receives events of its own office (it is their only author).
///
/// ```swift
/// let plan = SyncPlan(local: ["transport": 3], localOffice: "transport", remote: ["police": 5], remoteOffice: "police")
/// // plan.pull == [.init(office: "police", after: 0, through: 5)]
/// ```
public struct SyncPlan: Sendable, Equatable {
    /// A range of one office's log: events with seq in `after + 1 ... through`.
    public struct Transfer: Sendable, Equatable {
        public let office: String
        public let after: UInt64
        public let through: UInt64

        public init(office: String, after: UInt64, through: UInt64) {
            self.office = office
            self.after = after
            self.through = through
        }

        public var count: UInt64 { through - after }
    }

    /// Ranges to fetch from the remote node.
    public let pull: [Transfer]
    /// Ranges to send to the remote node.
    public let push: [Transfer]
    /// Offices where the other node claims more of a log than its own author holds (restored from an
    /// old backup, or a forged vector): nothing is moved for them.
    public let anomalies: [String]

    /// - Parameter first: an office whose log moves before the others (the registrar's: its
    ///   registrations make the receiver trust the other offices' keys).
    public init(
        local: [String: UInt64], localOffice: String, remote: [String: UInt64], remoteOffice: String, first: String? = nil
    ) {
        var pull: [Transfer] = []
        var push: [Transfer] = []
        var anomalies: [String] = []
        for office in Set(local.keys).union(remote.keys).sorted() {
            let mine = local[office] ?? 0
            let theirs = remote[office] ?? 0
            if theirs > mine {
                if office == localOffice { anomalies.append(office) } else { pull.append(Transfer(office: office, after: mine, through: theirs)) }
            } else if mine > theirs {
                if office == remoteOffice { anomalies.append(office) } else { push.append(Transfer(office: office, after: theirs, through: mine)) }
            }
        }
        // The offices were visited in sorted order; move `first` to the front.
        self.pull = pull.filter { $0.office == first } + pull.filter { $0.office != first }
        self.push = push.filter { $0.office == first } + push.filter { $0.office != first }
        self.anomalies = anomalies
    }

    public var isEmpty: Bool { pull.isEmpty && push.isEmpty }
}
