import Foundation
import Hummingbird
import HummingbirdCore
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
    public let store: LedgerStore
    /// Renders `/metrics` (the executable bootstraps swift-metrics with it).
    public let metricsText: @Sendable () -> String
    /// Adds more read-only routes (the executable's dashboard pages).
    public let extraRoutes: @Sendable (Router<BasicRequestContext>) -> Void
    /// How long a pushed range may go quiet before it is given up (408), freeing the writer.
    public let rangeIdleTimeout: Duration
    /// The node's office key, with which it witnesses (cosigns) the other offices' checkpoints it
    /// holds before it answers a status or cosignatures request; nil: it only relays others'.
    public let witness: NoteSigner?

    public init(
        store: LedgerStore, metricsText: @escaping @Sendable () -> String = { "" },
        extraRoutes: @escaping @Sendable (Router<BasicRequestContext>) -> Void = { _ in },
        rangeIdleTimeout: Duration = LedgerStore.rangeIdleTimeout, witness: NoteSigner? = nil
    ) {
        self.witness = witness
        self.store = store
        self.metricsText = metricsText
        self.extraRoutes = extraRoutes
        self.rangeIdleTimeout = rangeIdleTimeout
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: LogRequestsMiddleware(.info))
        let store = self.store
        let metricsText = self.metricsText
        let idleTimeout = rangeIdleTimeout
        router.get("/healthz") { _, _ in "ok\n" }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: metricsText())))
        }
        let witness = self.witness
        router.get("/v1/status") { _, _ in
            let snapshot: StatusSnapshot
            let witnessing: Bool
            do {
                snapshot = try await store.statusSnapshot()
                witnessing = witness != nil ? try await store.hasUncosignedHeads() : false
            } catch {
                throw HTTPStatusMapping.httpError(error)
            }
            let status = PeerStatus(
                city: store.identity.city, office: store.identity.office, registrar: store.identity.registrar, logs: snapshot.logs,
                cosignatureDigest: witnessing ? nil : snapshot.cosignatureDigest)
            return Self.json(try StatusJSON.encode(status, citywide: snapshot.citywide, forks: snapshot.forks, clockFlags: snapshot.clockFlags))
        }
        router.get("/v1/logs/{office}/events") { request, context in
            try await Self.sendRange(
                office: try context.parameters.require("office"), after: request.uri.queryParameters.get("after", as: UInt64.self) ?? 0, store: store)
        }
        router.post("/v1/logs/{office}/events") { request, context in
            try await Self.receiveRange(
                office: try context.parameters.require("office"), body: request.body, store: store, idleTimeout: idleTimeout, logger: context.logger)
        }
        addProofRoutes(to: router)
        addForkRoutes(to: router)
        addCosignatureRoutes(to: router)
        extraRoutes(router)
        return router
    }

    /// Connections served at once: more wait in the listen backlog until one closes.
    public static let maximumConnections = 256
    /// A connection that sends nothing for this long while idle, or while its request is read, is closed.
    /// (Longer than a range's idle timeout, so a stalled range gets its 408 before its connection closes.)
    public static let connectionIdleTimeout: TimeAmount = .seconds(60)

    /// The application: the router on `host:port`, with bounded connections (at most
    /// ``maximumConnections``; one idle for ``connectionIdleTimeout`` is closed, so a client that
    /// trickles a request line holds nothing for long) and bounded headers (16 KiB a field, 32 KiB
    /// in all, 100 fields). Bodies are bounded where each route reads them.
    public func application(
        host: String, port: Int, logger: Logger, services: [any Service] = [],
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let http1 = HTTP1Channel.Configuration(
            idleTimeout: Self.connectionIdleTimeout,
            httpDecoderConfiguration: .init(maxHeaderFieldSize: 16 * 1024, maxHeaderListSize: 32 * 1024, maxHeaderFieldCount: 100))
        return Application(
            router: router(), server: .http1(configuration: http1),
            configuration: .init(
                address: .hostname(host, port: port), serverName: "civic",
                availableConnectionsDelegate: MaximumAvailableConnections(Self.maximumConnections)),
            services: services, onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) }, logger: logger)
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
