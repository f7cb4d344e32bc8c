import LedgerCore

/// Checks one office's events in seq order: ids, chain links, envelope columns, roots, checkpoints.
struct ChainChecker {
    private let heads: [String: OfficeHead]
    private let keys: [String: KeyHistory]
    /// The Merkle nodes stored, by office, which must be those the events make.
    private let nodes: [String: [MerkleNode]]
    private var computed: [MerkleNode] = []
    private var results: [VerificationReport.OfficeResult] = []
    private var seenOffices: Set<String> = []

    private var office: String?
    private var officeBytes: [UInt8] = []
    private var frontier = MerkleFrontier()
    private var lastHash: Hash?
    private var lastHLC: HLCTimestamp?
    private var checkpoint: Checkpoint?
    private var checkpointMatched = false

    init(heads: [String: OfficeHead], keys: [String: KeyHistory], nodes: [String: [MerkleNode]]) {
        self.heads = heads
        self.keys = keys
        self.nodes = nodes
    }

    mutating func check(_ row: RawEventRow) throws {
        if office == nil || !officeBytes.withUnsafeBytes({ EnvelopeScanner.bytesEqual(row.office, $0) }) {
            try finishOffice()
            try startOffice(String(decoding: row.office, as: UTF8.self))
        }
        guard let office else { return }
        let expectedSeq = frontier.size + 1
        func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: row.canonical[range]) }
        func fail(_ reason: String) -> VerificationFailure {
            VerificationFailure(office: office, seq: UInt64(max(row.seq, 0)), eventID: HexEncoding.encode(row.id), reason: reason)
        }
        guard row.seq == Int64(expectedSeq) else { throw fail("expected seq \(expectedSeq): the log has a gap or was reordered") }
        let leaf = Hash(bytes: Array(row.leaf))
        guard EnvelopeScanner.bytesEqual(row.id, row.leaf) else {
            throw fail("stored bytes do not hash to the event's id (the event was altered)")
        }
        guard let fields = EnvelopeScanner.scan(row.canonical) else { throw fail("stored bytes are not a JSON object") }
        guard let officeRange = fields.office, EnvelopeScanner.bytesEqual(slice(officeRange), row.office) else {
            throw fail("the envelope's office does not match its column")
        }
        guard fields.seq == row.seq else { throw fail("the envelope's seq does not match its column") }
        if let lastHash {
            guard let prevRange = fields.prev, EnvelopeScanner.isHex(of: lastHash, in: row.canonical, range: prevRange) else {
                throw fail("the chain link `prev` does not name the previous event \(lastHash.hex)")
            }
        } else {
            guard fields.prev == nil else { throw fail("the first event of a log must not have `prev`") }
        }
        guard let typeRange = fields.type, EnvelopeScanner.bytesEqual(slice(typeRange), row.type) else {
            throw fail("the envelope's type does not match its column")
        }
        guard let effectiveRange = fields.effective, EnvelopeScanner.bytesEqual(slice(effectiveRange), row.effective) else {
            throw fail("the envelope's effective date does not match its column")
        }
        guard let hlcRange = fields.hlc, let hlc = EnvelopeScanner.hlc(in: row.canonical, range: hlcRange),
            hlc.wall == row.hlcWall, hlc.logical == row.hlcLogical
        else { throw fail("the envelope's hlc does not match its columns") }
        if let lastHLC, hlc <= lastHLC { throw fail("its hlc \(hlc) is not later than the previous event's \(lastHLC)") }
        frontier.append(leaf, completing: &computed)
        lastHash = leaf
        lastHLC = hlc
        if let checkpoint, checkpoint.size == frontier.size {
            guard checkpoint.root == frontier.root else {
                throw fail("the signed checkpoint at size \(checkpoint.size) has a different root than the events held")
            }
            checkpointMatched = true
        }
    }

    private mutating func startOffice(_ name: String) throws {
        office = name
        officeBytes = Array(name.utf8)
        frontier = MerkleFrontier()
        computed = []
        lastHash = nil
        lastHLC = nil
        checkpoint = nil
        checkpointMatched = false
        guard seenOffices.insert(name).inserted else {
            throw VerificationFailure(office: name, seq: nil, eventID: nil, reason: "events are not grouped by office")
        }
        guard let head = heads[name] else {
            throw VerificationFailure(office: name, seq: nil, eventID: nil, reason: "events are held but the office has no head")
        }
        // Every log held must be vouched for by its office: no checkpoint is a failure, not a skip.
        guard let note = head.checkpoint else {
            throw VerificationFailure(office: name, seq: nil, eventID: nil, reason: "no signed checkpoint is held for its \(head.size) events")
        }
        guard let history = keys[name] else {
            throw VerificationFailure(office: name, seq: nil, eventID: nil, reason: "no key is registered to check its checkpoint")
        }
        do {
            checkpoint = try history.verify(note).checkpoint
        } catch {
            throw VerificationFailure(office: name, seq: nil, eventID: nil, reason: "checkpoint signature: \(error)")
        }
    }

    private mutating func finishOffice() throws {
        guard let office else { return }
        let fail = { (reason: String) in VerificationFailure(office: office, seq: nil, eventID: nil, reason: reason) }
        guard let head = heads[office] else { throw fail("the office has no head") }
        guard head.size == frontier.size else { throw fail("the head says \(head.size) events but \(frontier.size) are held") }
        guard head.lastHash == lastHash, head.frontier == frontier else { throw fail("the stored Merkle head differs from the events") }
        let stored = nodes[office] ?? []
        if stored != computed {
            let first = zip(stored, computed).first { $0 != $1 }?.1 ?? (stored.count < computed.count ? computed[stored.count] : stored[computed.count])
            throw fail("the stored Merkle node at level \(first.level), index \(first.index) differs from the events (proofs from it would fail)")
        }
        if let checkpoint, !checkpointMatched {
            throw fail("the signed checkpoint at size \(checkpoint.size) is beyond the \(frontier.size) events held")
        }
        results.append(.init(office: office, size: frontier.size, root: frontier.root, checkpointSize: checkpoint?.size))
    }

    mutating func finish() throws -> [VerificationReport.OfficeResult] {
        try finishOffice()
        office = nil
        for (name, head) in heads.sorted(by: { $0.key < $1.key }) where !seenOffices.contains(name) {
            guard head.size == 0 else {
                throw VerificationFailure(office: name, seq: nil, eventID: nil, reason: "the head says \(head.size) events but none are held")
            }
            results.append(.init(office: name, size: 0, root: Hash.emptyTree, checkpointSize: nil))
        }
        return results
    }
}
