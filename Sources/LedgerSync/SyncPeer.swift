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

/// A range of one office's log — events `after + 1 …` as their exact canonical bytes — with the
/// signed checkpoint at its end. The bytes are parsed and checked only where they are received.
public struct RangeBatch: Sendable {
    public let office: String
    public let after: UInt64
    public let canonical: [[UInt8]]
    public let checkpoint: String

    public init(office: String, after: UInt64, canonical: [[UInt8]], checkpoint: String) {
        self.office = office
        self.after = after
        self.canonical = canonical
        self.checkpoint = checkpoint
    }

    /// The events, each checked to be canonical and well formed.
    ///
    /// - Throws: ``WireError`` naming the first bad event.
    public func events() throws -> [Event] {
        var events: [Event] = []
        events.reserveCapacity(canonical.count)
        for (index, bytes) in canonical.enumerated() {
            do {
                events.append(try Event(canonical: bytes))
            } catch {
                throw WireError("event \(index + 1) of the range: \(error)")
            }
        }
        return events
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
        return RangeBatch(
            office: office, after: after, canonical: try store.canonicalBytes(office: office, seqs: (after + 1)...head.size), checkpoint: note)
    }

    public func push(_ batch: RangeBatch) async throws -> ReceiveSummary {
        try store.receive(events: try batch.events(), checkpoint: batch.checkpoint)
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
