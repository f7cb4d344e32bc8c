import LedgerCore
import LedgerStore

/// What a node says about itself at the start of a round.
public struct PeerStatus: Sendable, Equatable {
    public let city: String
    public let office: String
    public let registrar: String?
    public let logs: [HeldLog]
    /// The fork proofs the node holds, by digest (hex).
    public let forkDigests: Set<String>
    /// A digest of the cosignatures the node holds for current checkpoints; nil from a node that
    /// does not say (then they are exchanged).
    public let cosignatureDigest: String?

    public init(
        city: String, office: String, registrar: String?, logs: [HeldLog], forkDigests: Set<String> = [], cosignatureDigest: String? = nil
    ) {
        self.city = city
        self.office = office
        self.registrar = registrar
        self.logs = logs
        self.forkDigests = forkDigests
        self.cosignatureDigest = cosignatureDigest
    }

    public var vector: [String: UInt64] {
        Dictionary(uniqueKeysWithValues: logs.map { ($0.office, $0.size) })
    }
}

/// A node to sync with: in process (``LocalPeer``) or over HTTP (``HTTPPeer``).
///
/// Ranges travel as streams: ``fetch(office:after:)`` starts one, ``push(_:)`` consumes it while
/// the receiving store verifies and stores it, so neither side holds a whole range in memory.
public protocol SyncPeer: CheckpointGossip {
    func status() async throws -> PeerStatus
    /// The office's events after `after`, up to the peer's held size when asked, with its checkpoint there.
    func fetch(office: String, after: UInt64) async throws -> RangeStream
    /// Gives the peer a range to verify and store, reading it to its end (or to the first refusal).
    func push(_ range: RangeStream) async throws -> ReceiveSummary
}

/// A ledger in this process, as a sync peer.
public struct LocalPeer: SyncPeer {
    public let store: LedgerStore
    /// How long a range pushed here may go quiet before it is given up.
    public let rangeIdleTimeout: Duration
    /// This node's office key, when the node may sign: its own log is then sent in segments of at
    /// most ``segmentLimit`` events, each with a checkpoint signed for it, so a cut range loses
    /// at most one segment.
    public let signer: NoteSigner?
    /// The longest segment of this node's own log: about 10 s of work at the receiver.
    public let segmentLimit: UInt64
    /// This node's wall clock (Unix ms), for the arrival log of what is pushed here.
    public let now: @Sendable () -> Int64
    /// Where ranges pushed here wait on disk until they have arrived whole.
    public let spool: RangeSpool

    public static let defaultSegmentLimit: UInt64 = 1_000_000

    public init(
        store: LedgerStore, rangeIdleTimeout: Duration = LedgerStore.rangeIdleTimeout, signer: NoteSigner? = nil,
        segmentLimit: UInt64 = LocalPeer.defaultSegmentLimit, now: @escaping @Sendable () -> Int64 = LedgerStore.systemMilliseconds,
        spool: RangeSpool? = nil
    ) {
        self.spool = spool ?? RangeSpool.shared(for: store)
        self.store = store
        self.rangeIdleTimeout = rangeIdleTimeout
        self.signer = signer
        self.segmentLimit = max(1, segmentLimit)
        self.now = now
    }

    /// With the office key and checkpoints it has not cosigned yet, the node gives no cosignature
    /// digest, so that a round exchanges cosignatures (and it witnesses them then: PUBLISH.md §3).
    public func status() async throws -> PeerStatus {
        let snapshot = try await store.statusSnapshot()
        let witnessing = signer != nil ? try await store.hasUncosignedHeads() : false
        return PeerStatus(
            city: store.identity.city, office: store.identity.office, registrar: store.identity.registrar, logs: snapshot.logs,
            forkDigests: Set(snapshot.forks.map(\.digest)), cosignatureDigest: witnessing ? nil : snapshot.cosignatureDigest)
    }

    /// The range is fixed to the office's held size now, with the signed checkpoint at that size;
    /// its events are read from the ledger in chunks as the stream is consumed. This node's own log,
    /// when it has the key, comes in segments of at most ``segmentLimit`` events instead.
    public func fetch(office: String, after: UInt64) async throws -> RangeStream {
        guard let head = try await store.headAsync(office: office), head.size > after, let note = head.checkpoint else {
            throw SyncError(.nothingToSend(office: office, after: after))
        }
        // Where the office's key changed, the range ends at the old key's last checkpoint: a receiver
        // that does not know the new key yet learns it from the part it can verify.
        if let boundary = try await store.boundary(office: office, after: after, before: head.size) {
            return RangeStream(
                header: RangeHeader(office: office, after: after, count: boundary.size - after, checkpoint: boundary.note),
                events: .canonicalLines(of: store, office: office, seqs: (after + 1)...boundary.size))
        }
        if office == store.identity.office, let signer, head.size - after > segmentLimit {
            let end = after + segmentLimit
            let note = try await store.signPrefixAsync(size: end, signer: signer)
            return RangeStream(
                header: RangeHeader(office: office, after: after, count: segmentLimit, checkpoint: note),
                events: .canonicalLines(of: store, office: office, seqs: (after + 1)...end))
        }
        return RangeStream(
            header: RangeHeader(office: office, after: after, count: head.size - after, checkpoint: note),
            events: .canonicalLines(of: store, office: office, seqs: (after + 1)...head.size))
    }

    /// Checks the range's header (a read: the writer is not taken), spools its lines to disk as they
    /// arrive (``RangeSpool``: bounded in bytes and time), then stores them with
    /// ``LedgerStore/receive(office:after:count:checkpoint:now:idleTimeout:events:)``: one
    /// transaction, fed from disk, so the writer never waits on the network.
    ///
    /// - Throws: ``StoreError`` for a refused range, ``SpoolError`` (busy, too large, too slow),
    ///   ``WireError`` for a malformed one; nothing of it is stored then.
    public func push(_ range: RangeStream) async throws -> ReceiveSummary {
        let header = range.header
        let admission = try await store.admitAsync(office: header.office, after: header.after, count: header.count, checkpoint: header.checkpoint)
        var limit = Int64.max
        if case .quarantine(let maximumBytes) = admission { limit = maximumBytes }
        let spooled = try await spool.spool(range, maximumBytes: limit)
        defer { withExtendedLifetime(spooled) {} }
        return try await store.receive(
            office: header.office, after: header.after, count: header.count, checkpoint: header.checkpoint, now: now,
            idleTimeout: rangeIdleTimeout, events: spooled.parsedEvents())
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
