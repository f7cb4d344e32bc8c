import Foundation
import LedgerCore
import LedgerStore
import Logging
import ServiceLifecycle

/// Sync rounds with a list of peers every `interval` (the nightly schedule), as a service that stops
/// on graceful shutdown.
public struct ScheduledSync: Service {
    public let store: LedgerStore
    /// The office key, so this node's own long log goes out in signed segments (``LocalPeer``).
    public let signer: NoteSigner?
    public let peers: [String]
    public let interval: Duration
    public let logger: Logger

    public init(store: LedgerStore, signer: NoteSigner? = nil, peers: [String], interval: Duration, logger: Logger) {
        self.store = store
        self.signer = signer
        self.peers = peers
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            for peer in peers {
                do {
                    let report = try await SyncEngine.round(local: LocalPeer(store: store, signer: signer), remote: HTTPPeer(base: peer))
                    logger.info("synced", metadata: ["peer": "\(peer)", "pulled": "\(report.pulled)", "pushed": "\(report.pushed)", "refused": "\(report.refused)"])
                } catch {
                    logger.warning("sync failed", metadata: ["peer": "\(peer)", "error": "\(error)"])
                }
            }
            // Sleep until the next round; a graceful shutdown ends the sleep (and the loop).
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
