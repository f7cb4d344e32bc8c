import LedgerCore
import LedgerStore

/// What a node says about itself at the start of a round.
public struct PeerStatus: Sendable, Equatable {
    public let city: String
    public let office: String
    public let registrar: String?
    public let logs: [HeldLog]

    public init(city: String, office: String, registrar: String?, logs: [HeldLog]) {
        self.city = city
        self.office = office
        self.registrar = registrar
        self.logs = logs
    }

    public var vector: [String: UInt64] {
        Dictionary(uniqueKeysWithValues: logs.map { ($0.office, $0.size) })
    }
}

/// A range of one office's log with the signed checkpoint at its end.
public struct RangeBatch: Sendable {
    public let office: String
    public let events: [Event]
    public let checkpoint: String

    public init(office: String, events: [Event], checkpoint: String) {
        self.office = office
        self.events = events
        self.checkpoint = checkpoint
    }
}

/// A node to sync with: in process (``LocalPeer``) or over HTTP.
public protocol SyncPeer: Sendable {
    func status() async throws -> PeerStatus
    /// The office's events after `after`, up to the peer's held size, with its checkpoint there.
    func fetch(office: String, after: UInt64) async throws -> RangeBatch
    /// Gives the peer a range to verify and store.
    func push(_ batch: RangeBatch) async throws -> ReceiveSummary
}

/// A ledger in this process, as a sync peer.
public struct LocalPeer: SyncPeer {
    public let store: LedgerStore

    public init(store: LedgerStore) {
        self.store = store
    }

    public func status() async throws -> PeerStatus {
        PeerStatus(city: store.identity.city, office: store.identity.office, registrar: store.identity.registrar, logs: try store.heldLogs())
    }

    public func fetch(office: String, after: UInt64) async throws -> RangeBatch {
        guard let head = try store.head(office: office), head.size > after, let note = head.checkpoint else {
            throw SyncError(.nothingToSend(office: office, after: after))
        }
        return RangeBatch(office: office, events: try store.events(office: office, seqs: (after + 1)...head.size), checkpoint: note)
    }

    public func push(_ batch: RangeBatch) async throws -> ReceiveSummary {
        try store.receive(events: batch.events, checkpoint: batch.checkpoint)
    }
}

/// Why a sync round failed.
public struct SyncError: Error, Sendable, CustomStringConvertible {
    enum Code: Sendable {
        case nothingToSend(office: String, after: UInt64)
        case otherCity(String, String)
    }

    let code: Code

    init(_ code: Code) { self.code = code }

    public var description: String {
        switch code {
        case .nothingToSend(let office, let after): return "the peer holds no events of \(office) after seq \(after)"
        case .otherCity(let mine, let theirs): return "the peer is a ledger of \(theirs), not \(mine)"
        }
    }
}
