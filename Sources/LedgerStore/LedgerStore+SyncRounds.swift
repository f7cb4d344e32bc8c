import Foundation
import GRDB

/// The last sync round this node started with each peer: when, whether it ended well, what moved
/// and, when not, why. Node bookkeeping for the health page, not part of the ledger: one row a
/// peer, replaced by each round (the event tables are never touched).
public struct SyncRoundRecord: Sendable, Equatable {
    /// The peer's base URL, as given to `civic sync` or `--sync-with`.
    public let peer: String
    /// When the round ended, Unix ms on this node's clock.
    public let at: Int64
    /// True when every range moved or was up to date; false when the round failed or a range was refused.
    public let ok: Bool
    public let pulled: Int
    public let pushed: Int
    /// Empty when `ok`; otherwise one line on what went wrong.
    public let detail: String

    public init(peer: String, at: Int64, ok: Bool, pulled: Int, pushed: Int, detail: String) {
        self.peer = peer
        self.at = at
        self.ok = ok
        self.pulled = pulled
        self.pushed = pushed
        self.detail = detail
    }
}

extension LedgerStore {
    /// The longest detail kept for a round: a peer's error text is not for filling the disk.
    static let maximumSyncDetail = 500

    /// Keeps `record` as the last round with its peer.
    public func noteSyncRound(_ record: SyncRoundRecord) async throws {
        let detail = String(record.detail.unicodeScalars.prefix(Self.maximumSyncDetail))
        try await writeAsync { db in
            try db.execute(
                sql: """
                    INSERT INTO sync_rounds(peer, at_ms, ok, pulled, pushed, detail) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(peer) DO UPDATE SET at_ms = excluded.at_ms, ok = excluded.ok, pulled = excluded.pulled,
                        pushed = excluded.pushed, detail = excluded.detail
                    """, arguments: [record.peer, record.at, record.ok, record.pulled, record.pushed, detail])
        }
    }

    /// The last round with each peer this node synced with, by peer.
    public func syncRounds() throws -> [SyncRoundRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT peer, at_ms, ok, pulled, pushed, detail FROM sync_rounds ORDER BY peer").map { row in
                SyncRoundRecord(peer: row["peer"], at: row["at_ms"], ok: row["ok"], pulled: row["pulled"], pushed: row["pushed"], detail: row["detail"])
            }
        }
    }
}
