import Foundation
import GRDB
import LedgerCore

/// What one committed append produced.
public struct AppendSummary: Sendable {
    public let office: String
    /// Seq of the first event appended; nil when the batch was empty.
    public let firstSeq: UInt64?
    public let count: Int
    /// The last event appended, if any.
    public let lastEvent: Event?
    /// The checkpoint signed over the log after this batch.
    public let checkpoint: SignedCheckpoint
}

extension LedgerStore {
    /// Wall-clock Unix milliseconds.
    public static func systemMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Appends a batch of this office's events in one transaction and signs a checkpoint over it.
    ///
    /// Each draft gets the next seq, the previous leaf hash and a fresh HLC timestamp. The batch is
    /// acknowledged only after the transaction commits with `synchronous=FULL`; if any draft is refused
    /// or `next` throws, nothing is stored.
    ///
    /// ```swift
    /// var drafts = [draft].makeIterator()
    /// let summary = try store.append(signer: signer) { drafts.next() }
    /// ```
    /// - Parameters:
    ///   - signer: the office key; its name must be this ledger's origin.
    ///   - now: the wall clock in Unix milliseconds.
    ///   - validate: checks a draft before it is stored (the vocabulary); throwing refuses the batch.
    ///   - progress: called with the number of events appended so far, every 10,000 events.
    ///   - next: yields the drafts in order, nil at the end.
    /// - Returns: what was appended and the new signed checkpoint.
    /// - Throws: ``StoreError`` (a refusal names the 0-based index of the draft).
    public func append(
        signer: NoteSigner,
        now: () -> Int64 = LedgerStore.systemMilliseconds,
        validate: (EventDraft) throws -> Void = { _ in },
        progress: ((Int) -> Void)? = nil,
        next: () throws -> EventDraft?
    ) throws -> AppendSummary {
        guard signer.name == identity.origin else {
            throw StoreError(.keyFile("the key is for \(signer.name), not this ledger's \(identity.origin)"))
        }
        let office = identity.office
        return try Self.wrapDatabaseErrors {
            try pool.write { db in
                let keys = try Self.officeKeys(db)
                guard keys[office] == signer.verifier else {
                    throw StoreError(.keyFile("the key file does not match the office key recorded in the ledger"))
                }
                var head = try OfficeHead.fetch(db, office: office) ?? .empty(office: office)
                var clock = HybridLogicalClock(last: try Self.latestHLC(db))
                var frontier = head.frontier
                var seq = head.size
                var prev = head.lastHash
                var firstSeq: UInt64? = nil
                var lastEvent: Event? = nil
                var count = 0
                let arrived = now()
                let insert = try EventInsert(db)
                while true {
                    let draft: EventDraft
                    do {
                        guard let pulled = try next() else { break }
                        draft = pulled
                    } catch let error as StoreError {
                        throw error
                    } catch {
                        throw StoreError.refused(index: count, "\(error)")
                    }
                    do {
                        try validate(draft)
                    } catch {
                        throw StoreError.refused(index: count, "\(error)")
                    }
                    seq += 1
                    let event: Event
                    do {
                        let envelope = try EventEnvelope(
                            office: office, seq: seq, prev: prev, hlc: clock.tick(now: now()), type: draft.type,
                            effective: draft.effective, author: draft.author, body: draft.body)
                        event = try Event(envelope: envelope)
                    } catch {
                        throw StoreError.refused(index: count, "\(error)")
                    }
                    try insert.insert(event, arrived: arrived)
                    frontier.append(event.leafHash)
                    prev = event.leafHash
                    firstSeq = firstSeq ?? seq
                    lastEvent = event
                    count += 1
                    if count % 10_000 == 0 { progress?(count) }
                }
                let checkpoint = try SignedCheckpoint(
                    checkpoint: Checkpoint(origin: identity.origin, size: frontier.size, root: frontier.root), signer: signer)
                head = OfficeHead(
                    office: office, size: frontier.size, lastHash: prev, frontier: frontier, lastHLC: clock.last,
                    checkpoint: checkpoint.note.serialized)
                try head.save(db)
                return AppendSummary(office: office, firstSeq: firstSeq, count: count, lastEvent: lastEvent, checkpoint: checkpoint)
            }
        }
    }

    /// Appends the given drafts (a convenience over the pulling form).
    public func append(
        _ drafts: [EventDraft], signer: NoteSigner, now: () -> Int64 = LedgerStore.systemMilliseconds,
        validate: (EventDraft) throws -> Void = { _ in }
    ) throws -> AppendSummary {
        var iterator = drafts.makeIterator()
        return try append(signer: signer, now: now, validate: validate) { iterator.next() }
    }

    /// The greatest HLC of any office held here, so local time never runs behind what was seen.
    static func latestHLC(_ db: Database) throws -> HLCTimestamp {
        guard let row = try Row.fetchOne(db, sql: "SELECT hlc_wall, hlc_logical FROM office_heads ORDER BY hlc_wall DESC, hlc_logical DESC LIMIT 1")
        else { return .zero }
        return HLCTimestamp(wall: row["hlc_wall"], logical: row["hlc_logical"])
    }
}
