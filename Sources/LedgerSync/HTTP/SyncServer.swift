import Foundation
import Hummingbird
import LedgerCore
import LedgerStore
import Logging
import Metrics
import NIOCore
import ServiceLifecycle

/// The sync endpoints of a node (see `Protocol/PROTOCOL.md`), with `/healthz` and `/metrics`.
///
/// ```swift
/// let app = SyncServer(store: store).application(host: "127.0.0.1", port: 8080, logger: logger)
/// try await app.runService()
/// ```
public struct SyncServer: Sendable {
    /// The largest request body accepted (a pushed range).
    public static let maximumRequestBytes = 128 * 1024 * 1024

    public let store: LedgerStore
    /// Renders `/metrics` (the executable bootstraps swift-metrics with it).
    public let metricsText: @Sendable () -> String
    /// Adds more read-only routes (the executable's dashboard pages).
    public let extraRoutes: @Sendable (Router<BasicRequestContext>) -> Void

    public init(
        store: LedgerStore, metricsText: @escaping @Sendable () -> String = { "" },
        extraRoutes: @escaping @Sendable (Router<BasicRequestContext>) -> Void = { _ in }
    ) {
        self.store = store
        self.metricsText = metricsText
        self.extraRoutes = extraRoutes
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: LogRequestsMiddleware(.info))
        let store = self.store
        let metricsText = self.metricsText
        router.get("/healthz") { _, _ in "ok\n" }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: metricsText())))
        }
        router.get("/v1/status") { _, _ in
            let status = PeerStatus(
                city: store.identity.city, office: store.identity.office, registrar: store.identity.registrar, logs: try store.heldLogs())
            return Self.json(
                try StatusJSON.encode(status, citywide: try store.citywideCheckpoint(), forks: try store.forks(), clockFlags: try store.clockFlags()))
        }
        router.get("/v1/logs/{office}/events") { request, context in
            let office = try context.parameters.require("office")
            let after = request.uri.queryParameters.get("after", as: UInt64.self) ?? 0
            guard let head = try store.head(office: office), head.size > after, let note = head.checkpoint else {
                throw HTTPError(.notFound, message: "no events of \(office) after seq \(after) here")
            }
            guard head.size - after <= UInt64(RangeBatchCodec.maximumEvents) else {
                throw HTTPError(.contentTooLarge, message: "range too long: at most \(RangeBatchCodec.maximumEvents) events per range")
            }
            let events = try store.canonicalBytes(office: office, seqs: (after + 1)...head.size)
            let bytes = try RangeBatchCodec.encode(office: office, after: after, checkpoint: note, canonical: events)
            Counter(label: "civic_events_sent_total").increment(by: events.count)
            return Response(
                status: .ok, headers: [.contentType: RangeBatchCodec.contentType], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.post("/v1/logs/{office}/events") { request, context in
            let office = try context.parameters.require("office")
            let body = try await request.body.collect(upTo: Self.maximumRequestBytes)
            let batch: RangeBatch
            let events: [Event]
            do {
                batch = try RangeBatchCodec.decode(Array(buffer: body), office: office)
                events = try batch.events()
            } catch let error as WireError {
                throw HTTPError(.badRequest, message: error.description)
            }
            let summary: ReceiveSummary
            do {
                summary = try store.receive(events: events, checkpoint: batch.checkpoint)
            } catch let error as StoreError {
                Counter(label: "civic_ranges_refused_total").increment()
                context.logger.warning("refused a range of \(office): \(error)")
                throw HTTPError(.unprocessableContent, message: error.description)
            }
            Counter(label: "civic_events_received_total").increment(by: summary.stored)
            if summary.aheadOfClock > 0 {
                context.logger.warning(
                    "events of \(office) carry clocks ahead of this node's by more than the bound",
                    metadata: ["events": "\(summary.aheadOfClock)", "bound_ms": "\(LedgerStore.clockSkewBound)"])
            }
            let value: JSONValue = .object([
                ("office", .string(summary.office)), ("stored", .integer(Int64(summary.stored))),
                ("already_held", .integer(Int64(summary.alreadyHeld))), ("size", .integer(Int64(summary.size))),
                ("ahead_of_clock", .integer(Int64(summary.aheadOfClock))),
            ])
            return Self.json(try CanonicalJSON.encode(value))
        }
        addProofRoutes(to: router)
        extraRoutes(router)
        return router
    }

    /// The application: the router on `host:port`.
    public func application(
        host: String, port: Int, logger: Logger, services: [any Service] = [],
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "civic"), services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    /// Runs the server until SIGTERM or SIGINT, then shuts down gracefully (with `services`).
    public func run(
        host: String, port: Int, logger: Logger, services: [any Service] = [],
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        try await application(host: host, port: port, logger: logger, services: services, onServerRunning: onServerRunning).runService()
    }

    static func json(_ bytes: [UInt8]) -> Response {
        var bytes = bytes
        bytes.append(0x0A)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
