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
                    let report = try await SyncEngine.round(store: store, signer: signer, peer: peer)
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

extension SyncEngine {
    /// One round between this node's store and the node at `peer` (HTTP), kept as the last round
    /// with that peer (``LedgerStore/noteSyncRound(_:)``, shown on the health page) however it ends.
    ///
    /// - Throws: What the round threw, after noting it.
    public static func round(store: LedgerStore, signer: NoteSigner?, peer: String) async throws -> SyncReport {
        do {
            let report = try await round(local: LocalPeer(store: store, signer: signer), remote: HTTPPeer(base: peer))
            var problems = report.refused.sorted { $0.key < $1.key }.map { "refused \($0.key): \($0.value)" }
            problems += report.retry.sorted { $0.key < $1.key }.map { "not taken now \($0.key): \($0.value)" }
            if !report.forks.isEmpty { problems.append("fork evidence about " + report.forks.joined(separator: ", ")) }
            try? await store.noteSyncRound(SyncRoundRecord(
                peer: peer, at: LedgerStore.systemMilliseconds(), ok: problems.isEmpty, pulled: report.pulled.values.reduce(0, +),
                pushed: report.pushed.values.reduce(0, +), detail: problems.joined(separator: "; ")))
            return report
        } catch {
            try? await store.noteSyncRound(SyncRoundRecord(
                peer: peer, at: LedgerStore.systemMilliseconds(), ok: false, pulled: 0, pushed: 0, detail: "\(error)"))
            throw error
        }
    }
}
