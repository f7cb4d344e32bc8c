import Hummingbird
import LedgerCore
import LedgerStore
import Logging
import Metrics
import NIOCore

extension SyncServer {
    /// `GET /v1/logs/{office}/events?after=N`: the range up to the held size now, with the signed
    /// checkpoint at that size in the header, streamed as it is read from the ledger in chunks.
    static func sendRange(office: String, after: UInt64, store: LedgerStore) async throws -> Response {
        let range: RangeStream
        do {
            range = try await LocalPeer(store: store).fetch(office: office, after: after)
        } catch is SyncError {
            throw HTTPError(.notFound, message: "no events of \(office) after seq \(after) here")
        }
        let wire = try range.wire()
        let count = Int(clamping: range.header.count)
        return Response(
            status: .ok, headers: [.contentType: RangeBatchCodec.contentType],
            body: ResponseBody { writer in
                for try await chunk in wire { try await writer.write(chunk) }
                try await writer.finish(nil)
                Counter(label: "civic_events_sent_total").increment(by: count)
            })
    }

    /// `POST /v1/logs/{office}/events`: verifies and stores the range while its body streams in,
    /// in one transaction; answers with the receive summary.
    static func receiveRange(office: String, body: RequestBody, store: LedgerStore, idleTimeout: Duration, logger: Logger) async throws
        -> Response
    {
        let summary: ReceiveSummary
        do {
            let range = try await RangeStream.read(ByteChunks(body), office: office)
            var limits = RangeSpool.Limits()
            limits.idleTimeout = idleTimeout
            summary = try await LocalPeer(store: store, rangeIdleTimeout: idleTimeout, spool: .shared(for: store, limits: limits)).push(range)
        } catch {
            switch HTTPStatusMapping.status(for: error) {
            case .unprocessableContent?, .badRequest?, .contentTooLarge?:
                Counter(label: "civic_ranges_refused_total").increment()
                logger.warning("refused a range of \(office): \(error)")
            case .requestTimeout?: logger.warning("gave up a range of \(office): \(error)")
            case .serviceUnavailable?: logger.notice("could not take a range of \(office) now: \(error)")
            default: logger.error("a range of \(office) failed: \(error)")
            }
            throw HTTPStatusMapping.httpError(error)
        }
        Counter(label: "civic_events_received_total").increment(by: summary.stored)
        if summary.aheadOfClock > 0 {
            logger.warning(
                "events of \(office) carry clocks ahead of this node's by more than the bound",
                metadata: ["events": "\(summary.aheadOfClock)", "bound_ms": "\(LedgerStore.clockSkewBound)"])
        }
        let value: JSONValue = .object([
            ("office", .string(summary.office)), ("stored", .integer(Int64(summary.stored))),
            ("already_held", .integer(Int64(summary.alreadyHeld))), ("size", .integer(Int64(summary.size))),
            ("ahead_of_clock", .integer(Int64(summary.aheadOfClock))), ("quarantined", .integer(Int64(summary.quarantined))),
        ])
        return json(try CanonicalJSON.encode(value))
    }
}
