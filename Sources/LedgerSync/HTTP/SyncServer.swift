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
    public let store: LedgerStore
    /// Renders `/metrics` (the executable bootstraps swift-metrics with it).
    public let metricsText: @Sendable () -> String
    /// Adds more read-only routes (the executable's dashboard pages).
    public let extraRoutes: @Sendable (Router<BasicRequestContext>) -> Void
    /// How long a pushed range may go quiet before it is given up (408), freeing the writer.
    public let rangeIdleTimeout: Duration

    public init(
        store: LedgerStore, metricsText: @escaping @Sendable () -> String = { "" },
        extraRoutes: @escaping @Sendable (Router<BasicRequestContext>) -> Void = { _ in },
        rangeIdleTimeout: Duration = LedgerStore.rangeIdleTimeout
    ) {
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
        router.get("/v1/status") { _, _ in
            let status = PeerStatus(
                city: store.identity.city, office: store.identity.office, registrar: store.identity.registrar, logs: try store.heldLogs())
            return Self.json(
                try StatusJSON.encode(status, citywide: try store.citywideCheckpoint(), forks: try store.forks(), clockFlags: try store.clockFlags()))
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
