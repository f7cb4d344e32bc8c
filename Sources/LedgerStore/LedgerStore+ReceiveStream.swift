import Foundation
import GRDB
import LedgerCore

extension LedgerStore {
    /// Stores a range of another office's events as it streams in, with memory bounded by a few
    /// chunks whatever the range's length.
    ///
    /// The range is verified and stored in one write transaction, held while the events arrive:
    /// the office's trusted key must sign `checkpoint`, whose size must be `after + count`; the
    /// events must be that office's `after + 1 … after + count`, continuing the log held here
    /// (events already held are skipped when identical; a different one is a fork, kept as
    /// evidence); the projection must accept each new event; and the final Merkle root must be the
    /// checkpoint's. A refusal, or an error thrown by `chunks` (a stream cut short), rolls the whole
    /// range back: nothing of it is stored.
    ///
    /// ```swift
    /// let summary = try await store.receive(
    ///     office: "police", after: 0, count: 3, checkpoint: note, events: eventChunks)
    /// ```
    /// Events are checked and prepared on one thread while the previous chunk is stored on another
    /// (SQLite writes are synchronous); this task only feeds them, suspending while they catch up.
    /// - Parameters:
    ///   - office: the office whose log the range extends.
    ///   - after: the range starts at seq `after + 1`.
    ///   - count: the number of events announced.
    ///   - checkpoint: the office's signed checkpoint at the range's end.
    ///   - now: this node's clock, for the arrival log.
    ///   - idleTimeout: how long the write transaction waits for the next chunk before the range
    ///     is given up (a stalled sender must not hold every other write back).
    ///   - chunks: the events in order, parsed, in chunks of any size.
    /// - Returns: what the range changed.
    /// - Throws: ``StoreError`` naming the first refused event, or the sender's stall
    ///   (``StoreError/isStall``), or the error `chunks` threw.
    @discardableResult
    public func receive<Chunks: AsyncSequence & Sendable>(
        office: String, after: UInt64, count: UInt64, checkpoint: String, now: @escaping @Sendable () -> Int64 = LedgerStore.systemMilliseconds,
        idleTimeout: Duration = LedgerStore.rangeIdleTimeout, events chunks: Chunks
    ) async throws -> ReceiveSummary where Chunks.Element == [Event] {
        if try needsQuarantine(office) {
            // Not trusted yet: held whole (bounded) until the registration arrives.
            guard count <= Self.quarantineLimit else {
                throw StoreError.refused(
                    index: 0, "office \(office) has no trusted key here, and \(count) events are more than quarantine holds (\(Self.quarantineLimit))")
            }
            var events: [Event] = []
            var bytes = 0
            for try await chunk in chunks {
                events += chunk
                bytes += chunk.reduce(0) { $0 + $1.canonical.count + 1 }
                guard events.count <= count else { throw StoreError.refused(index: Int(count), "the range carries more events than its header's count \(count)") }
                guard Int64(bytes) <= Self.quarantineRangeBytes else {
                    throw StoreError.refused(
                        index: 0, "office \(office) has no trusted key here, and the range is larger than quarantine holds (\(Self.quarantineRangeBytes) bytes)")
                }
            }
            guard events.count == count else {
                throw StoreError.refused(index: events.count, "the range announced \(count) events but carried \(events.count)")
            }
            return try quarantine(office: office, after: after, checkpoint: checkpoint, events: events, now: now())
        }
        let summary = try await received(
            office: office, after: after, count: count, checkpoint: checkpoint, now: now, idleTimeout: idleTimeout, events: chunks)
        try releaseQuarantine(now: now)
        return summary
    }

    /// Feeds the range's transaction from `chunks` in a child task. Once the transaction ends, the
    /// feeding stops too: a refused or stalled range does not keep reading its sender.
    private func received<Chunks: AsyncSequence & Sendable>(
        office: String, after: UInt64, count: UInt64, checkpoint: String, now: @escaping @Sendable () -> Int64, idleTimeout: Duration,
        events chunks: Chunks
    ) async throws -> ReceiveSummary where Chunks.Element == [Event] {
        let inbox = AsyncInbox<[Event]>(capacity: 4, idleTimeout: idleTimeout)
        let range = IncomingRange(office: office, after: after, count: count, checkpoint: checkpoint, idleTimeout: idleTimeout)
        return try await withThrowingTaskGroup(of: ReceiveSummary?.self) { group in
            group.addTask {
                do {
                    for try await chunk in chunks { try await inbox.send(chunk) }
                    inbox.finish()
                } catch {
                    // The writer either stopped early (its refusal is the answer) or gets this error in order.
                    inbox.finish(throwing: error)
                }
                return nil
            }
            group.addTask { try await self.write(range, from: inbox, now: now) }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let summary = result { return summary }
            }
            throw StoreError(.internalFault("the range's writer ended without an answer"))
        }
    }

    /// Runs the range's transaction on the database writer, fed by `inbox`; stops the inbox's
    /// sender however it ends.
    private func write(_ range: IncomingRange, from inbox: AsyncInbox<[Event]>, now: @escaping @Sendable () -> Int64) async throws
        -> ReceiveSummary
    {
        defer { inbox.cancel() }
        // A long range fills the WAL; a pool copies it into the database file beside the writer once
        // the answer is out (``WALCheckpointer``). A short one is checkpointed as local appends are,
        // and so is any range on a single connection (only servers and sync rounds receive, on pools).
        let checkpointer = range.count >= Self.deferredCheckpointEvents ? checkpointer : nil
        do {
            checkpointer?.hold()
            defer { checkpointer?.release() }
            return try await pool.write { db in try self.storeRange(db, range, next: inbox.receive, stop: inbox.cancel, now: now) }
        } catch let fork as ForkFound {
            inbox.cancel()
            do {
                _ = try await pool.write { db in try Self.keep(fork.proof, office: fork.office, in: db, detected: now()) }
            } catch let error as DatabaseError {
                throw StoreError.database(error)
            }
            throw fork.refusal
        } catch is AsyncInboxIdle {
            throw StoreError(
                .stalled("the range of \(range.office) stalled: nothing arrived for \(range.idleTimeoutText); nothing of it was stored"))
        } catch let error as DatabaseError {
            throw StoreError.database(error)
        }
    }
}

extension LedgerStore {
    /// How long a range's write transaction waits for its sender's next chunk.
    public static let rangeIdleTimeout: Duration = .seconds(30)

    /// Ranges of at least this many events (some 6 MB of WAL, past the automatic checkpoint's
    /// 1,000 pages) are checkpointed after the answer instead of at their commit. A committed
    /// range is durable in the WAL (fsynced at commit); copying its pages into the database file
    /// takes about 2 s per million events, which the sender need not wait for.
    public static let deferredCheckpointEvents: UInt64 = 10_000
}
