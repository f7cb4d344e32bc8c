import Foundation
import GRDB
import LedgerCore
import LedgerStore

/// The rule facts recording has loaded, kept between the write transactions of one open store, so
/// that a transaction loads only keys no earlier one did, or that changed since (DESIGN §4, "stay
/// cheap"): recording one event then costs the same on a ledger of millions of facts as on an empty one.
///
/// The contents hold for the events up to one rowid, named with that event's id. A transaction
/// takes them (the cache is empty meanwhile) and gives them back with its own events applied,
/// valid through its last event; whether it committed is found out when the next one takes them:
/// the event named must be the one held at that rowid. Events stored since (received ranges, late
/// events, another process's recordings) forget only the keys they touch; a revocation, or anything
/// unexpected, forgets everything.
final class RuleCache: @unchecked Sendable {
    /// What a transaction takes and gives back.
    struct Contents {
        var rules: RuleFacts
        var loaded: Set<String>
        var revoked: RevokedRanges?
        /// The ledger's office, registrar and city (`ledger_meta`, set when it was made).
        var meta: Meta
    }

    struct Meta {
        let office: String?
        let registrar: String?
        let city: String?
    }

    /// At most this many keys are kept; past that the cache starts again.
    static let capacity = 250_000

    private let lock = NSLock()
    private var contents: Contents?
    /// The last event the contents hold for: its rowid and id.
    private var through: (rowid: Int64, id: Data)?

    /// The contents, brought up to the events held now (up to `held`), or nil to start from nothing.
    func take(_ db: Database, held: Int64) throws -> Contents? {
        let (kept, mark) = lock.withLock { () -> (Contents?, (rowid: Int64, id: Data)?) in
            defer { (contents, through) = (nil, nil) }
            return (contents, through)
        }
        guard var kept, let mark, mark.rowid <= held,
            try Data.fetchOne(db.cachedStatement(sql: "SELECT id FROM events WHERE rowid = ?"), arguments: [mark.rowid]) == mark.id
        else { return nil }
        guard mark.rowid < held else { return kept }
        // Events stored since: forget the keys they change, or that corrections stored since may change.
        let changed = try String.fetchSet(
            db,
            sql: """
                SELECT rule_key FROM civic_facts WHERE event_rowid > :after AND rule_key IS NOT NULL
                UNION SELECT rule_key FROM civic_correction_keys WHERE event_rowid > :after
                UNION SELECT f.rule_key FROM civic_corrections c
                    CROSS JOIN events e ON e.rowid IN (\(EventIDs.rowids(withKey: "c.target_key", id: "c.target_id"))) AND e.id = c.target_id
                    CROSS JOIN civic_facts f ON f.event_rowid = e.rowid
                    WHERE c.event_rowid > :after AND f.rule_key IS NOT NULL
                UNION SELECT k.rule_key FROM civic_facts f
                    JOIN events e ON e.rowid = f.event_rowid
                    JOIN civic_corrections c ON c.target_key = e.id_key AND c.target_id = e.id
                    JOIN civic_correction_keys k ON k.event_rowid = c.event_rowid
                    WHERE f.event_rowid > :after
                """, arguments: ["after": mark.rowid])
        for key in changed {
            if key.hasPrefix("r:") { return nil }
            kept.rules.forget(key)
            kept.loaded.remove(key)
        }
        return kept
    }

    /// The contents, when they hold for exactly the event `after` (the last one stored, by this
    /// store's last append, nothing written since: no query needed), or nil; forgotten either way.
    func take(after: (rowid: Int64, id: Hash)) -> Contents? {
        lock.withLock {
            defer { (contents, through) = (nil, nil) }
            guard let through, through.rowid == after.rowid, through.id.elementsEqual(after.id.bytes) else { return nil }
            return contents
        }
    }

    /// Gives back the contents of a transaction whose last event is `rowid` with `id`.
    func give(_ given: Contents, rowid: Int64, id: Data) {
        guard given.loaded.count <= Self.capacity else { return }
        lock.withLock {
            contents = given
            through = (rowid, id)
        }
    }
}
