import Foundation
import GRDB
import LedgerCore
import LedgerStore

/// The fold's snapshots (``FoldSnapshot``), kept in `civic_fold_snapshots` by the instant they
/// are made through, with a mark: the last `civic_facts` row they account for.
///
/// A snapshot is made at the end of a 30-day period (``CostPeriods/length``) once
/// ``factsPerSnapshot`` facts were recorded since the one before, never at the end of the period of
/// the latest fact (where most of what is still to come will land). When twice as many follow the
/// last snapshot (most of them, then, in the open period), one is made inside them, through the
/// time of the fact ``factsPerSnapshot`` facts before the latest. A fact stored after the mark and
/// recorded at or before a snapshot's instant (a late event) makes state leave that snapshot out
/// until the snapshots catch up, which drops it and makes it again at its own instant (one
/// snapshot per transaction; the instants still to be made again wait in
/// `civic_fold_snapshots_due`). State catches up as soon as a late fact lands in a snapshot
/// (``stale(_:)``): a few late facts would otherwise turn off every snapshot after them.
///
/// A snapshot dropped so is kept aside as superseded (`civic_fold_snapshots_superseded`): it is
/// still the fold of every fact recorded through its instant that arrived before the late fact
/// did, so it serves a state known at an instant from the latest arrival among its facts up to
/// that late arrival (``supersede(_:late:)``): a city whose office syncs years late still answers
/// what it knew in those years from a snapshot, not by folding them all.
enum FoldSnapshots {
    /// Facts recorded between two snapshots, at least.
    static let factsPerSnapshot = 8_192
    /// The snapshots catch up when more facts than this were stored after their mark.
    static let catchUpAfter: Int64 = 4_096

    static let schema = """
        CREATE TABLE civic_fold_snapshots (
            through INTEGER PRIMARY KEY,
            fold BLOB NOT NULL
        );
        CREATE TABLE civic_fold_snapshots_mark (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            through INTEGER NOT NULL
        );
        INSERT INTO civic_fold_snapshots_mark(id, through) VALUES (1, 0);
        """

    /// Migration v10 of the civic tables: each snapshot's bounds (``bounds(_:through:)``). A
    /// snapshot without them (none, since this migration) serves only a state as of an instant.
    static let boundsSchema = """
        ALTER TABLE civic_fold_snapshots ADD COLUMN arrived_max INTEGER;
        ALTER TABLE civic_fold_snapshots ADD COLUMN effective_max TEXT;
        """

    /// The latest arrival and the latest effective date among the facts recorded through
    /// `through`, as held now: a snapshot made through `through` serves a state known at an
    /// instant, or in force on a date, at or after them (every fact it folded passes that filter
    /// too, so the fold from it is the fold of the facts that pass). Nil for a ledger of no facts
    /// then.
    ///
    /// Taken from the newest snapshot before `through` that has them and the facts after it;
    /// a snapshot held was made after every fact recorded through its instant (one a late fact
    /// lands in is dropped when the snapshots catch up, and left out until then).
    static func bounds(_ db: Database, through: Int64) throws -> (arrived: Int64, effective: String)? {
        let before = try Row.fetchOne(
            db,
            sql: """
                SELECT through, arrived_max, effective_max FROM civic_fold_snapshots
                WHERE through < ? AND arrived_max IS NOT NULL ORDER BY through DESC LIMIT 1
                """, arguments: [through])
        let from: Int64? = before?[0]
        // The facts up to the mark by their times, those after it by row (as ``LedgerFacts`` reads them).
        let after = try Row.fetchOne(
            db,
            sql: """
                SELECT max(f.arrived_ms), max(f.effective) FROM civic_facts f WHERE f.event_rowid IN (
                    SELECT event_rowid FROM civic_fact_times WHERE (?1 IS NULL OR hlc_wall > ?1) AND hlc_wall <= ?2
                    UNION ALL SELECT event_rowid FROM civic_facts WHERE event_rowid > ?3 AND (?1 IS NULL OR hlc_wall > ?1) AND hlc_wall <= ?2)
                """, arguments: [from, through, try mark(db)])
        let arrived = [before?[1] as Int64?, after?[0] as Int64?].compactMap { $0 }.max()
        let effective = [before?[2] as String?, after?[1] as String?].compactMap { $0 }.max()
        guard let arrived, let effective else { return nil }
        return (arrived, effective)
    }

    /// Migration v12 of the civic tables: the instants of snapshots a late fact landed in, dropped
    /// and waiting to be made again (``catchUp(_:registrar:city:every:)``). Every snapshot held
    /// is before the earliest of them.
    static let dueSchema = """
        CREATE TABLE civic_fold_snapshots_due (
            through INTEGER PRIMARY KEY
        );
        """

    /// Migration v14 of the civic tables: snapshots a late fact landed in, kept for the states
    /// known before it arrived. Each is the fold of the facts recorded through `through` that
    /// arrived before `known_before` (the earliest arrival among those it does not hold), and
    /// every fact it holds arrived by `arrived_max`: it serves a state known at an instant K with
    /// `arrived_max <= K < known_before` exactly as a snapshot held serves the states after it.
    static let supersededSchema = """
        CREATE TABLE civic_fold_snapshots_superseded (
            through INTEGER NOT NULL,
            known_before INTEGER NOT NULL,
            arrived_max INTEGER NOT NULL,
            effective_max TEXT NOT NULL,
            fold BLOB NOT NULL,
            PRIMARY KEY (through, known_before)
        );
        """

    /// Superseded snapshots kept, at most: as many as the snapshots held and due, and never fewer
    /// than this (so they at most double the space the snapshots take on a grown ledger).
    static let supersededAtLeast = 8

    /// Keeps the snapshots a late fact landed in (made through `late` or after) aside as
    /// superseded, before the caller drops them, with the earliest arrival among the facts after
    /// the mark recorded through each one's instant; ends the window of every superseded one such
    /// a fact lands in at its arrival (a node's clock may step back: a late fact can arrive
    /// "before" one that came earlier); drops those whose window is empty, then the oldest
    /// superseded (by the end of their window) past the limit.
    static func supersede(_ db: Database, late: Int64) throws {
        func firstArrival(_ table: String) -> String {
            "(SELECT min(f.arrived_ms) FROM civic_facts f WHERE f.event_rowid > ?1 AND f.hlc_wall <= \(table).through)"
        }
        let mark = try mark(db)
        // Those whose window closes first (so that no two of an instant end up with one key: of
        // two superseded at one instant, the later holds the facts that ended the earlier's window).
        let arrival = firstArrival("civic_fold_snapshots_superseded")
        try db.execute(
            sql: "DELETE FROM civic_fold_snapshots_superseded WHERE through >= ?2 AND arrived_max >= coalesce(\(arrival), known_before)",
            arguments: [mark, late])
        try db.execute(
            sql: "UPDATE civic_fold_snapshots_superseded SET known_before = min(known_before, coalesce(\(arrival), known_before)) WHERE through >= ?2",
            arguments: [mark, late])
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO civic_fold_snapshots_superseded(through, known_before, arrived_max, effective_max, fold)
                SELECT through, known_before, arrived_max, effective_max, fold FROM (
                    SELECT s.through, \(firstArrival("s")) AS known_before, s.arrived_max, s.effective_max, s.fold FROM civic_fold_snapshots s
                    WHERE s.through >= ?2 AND s.arrived_max IS NOT NULL AND s.effective_max IS NOT NULL)
                WHERE known_before IS NOT NULL AND arrived_max < known_before
                """, arguments: [mark, late])
        // (No instant is both held and due: one made again leaves the due table in its transaction.)
        let kept = try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM civic_fold_snapshots) + (SELECT count(*) FROM civic_fold_snapshots_due)") ?? 0
        try db.execute(
            sql: """
                DELETE FROM civic_fold_snapshots_superseded WHERE rowid IN (
                    SELECT rowid FROM civic_fold_snapshots_superseded ORDER BY known_before DESC, through DESC LIMIT -1 OFFSET ?)
                """, arguments: [max(kept, supersededAtLeast)])
    }

    /// Whether the snapshots should catch up now: a fact stored after the mark was recorded at or
    /// before a snapshot's instant (state leaves that snapshot, and every later one, out), or
    /// dropped snapshots wait to be made again.
    static func stale(_ db: Database) throws -> Bool {
        if try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM civic_fold_snapshots_due)")) == true { return true }
        guard let late = try lateFrom(db),
            let newest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(through) FROM civic_fold_snapshots"))
        else { return false }
        return late <= newest
    }

    /// Gives every snapshot held its bounds, oldest first (migration v10).
    static func fillBounds(_ db: Database) throws {
        for through in try instants(db) {
            let bounds = try self.bounds(db, through: through)
            try db.execute(
                sql: "UPDATE civic_fold_snapshots SET arrived_max = ?, effective_max = ? WHERE through = ?",
                arguments: [bounds?.arrived, bounds?.effective, through])
        }
    }

    /// The facts up to the mark by the instant they were recorded at (those after it, a few
    /// thousand at most, are read by row): the facts after a snapshot are found without a scan of
    /// every fact, and receiving a range writes no index of their times.
    static let times = RecordedTimes(table: "civic_fact_times", rows: "civic_facts")

    /// The last `civic_facts` row the snapshots account for.
    static func mark(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT through FROM civic_fold_snapshots_mark WHERE id = 1")) ?? 0
    }

    /// How many facts were stored after the mark.
    static func behind(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM civic_facts WHERE event_rowid > ?"), arguments: [try mark(db)]) ?? 0
    }

    /// The earliest instant a fact stored after the mark was recorded at: snapshots through it or
    /// later may have missed it.
    static func lateFrom(_ db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT min(hlc_wall) FROM civic_facts WHERE event_rowid > ?"), arguments: [try mark(db)])
    }

    /// The instants the snapshots are made through, in order.
    static func instants(_ db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT through FROM civic_fold_snapshots ORDER BY through")
    }

    /// The facts under `filter`, read and folded: from the latest snapshot that serves when
    /// `snapshots` is true, else from the start. A snapshot serves an instant at or after its
    /// own, when no late fact landed in it, and (for `knownAt` and `effectiveOn`) when every fact
    /// it folded passes them too (``bounds(_:through:)``); a superseded one serves `knownAt` in
    /// its window too (``supersededSchema``).
    ///
    /// - Returns: the facts, their fold, the instant of the snapshot it started from (nil: none),
    ///   and whether that snapshot was a superseded one.
    /// - Throws: ``BinaryCoding/Failure`` for a damaged snapshot (``drop(_:)`` them and ask again).
    static func fold(_ db: Database, filter: TimeFilter, registrar: String?, city: String?, snapshots: Bool) throws -> (
        facts: LedgerFacts, fold: CityFold, from: Int64?, superseded: Bool
    ) {
        if snapshots {
            var before = try lateFrom(db) ?? Int64.max
            // The latest that serves, held or superseded (a held one first at one instant); its
            // blob is read once it is chosen.
            let latest = try db.cachedStatement(
                sql: """
                    SELECT through, NULL, 0 FROM civic_fold_snapshots WHERE through <= ?1 AND through < ?2
                    AND (?3 IS NULL OR arrived_max <= ?3) AND (?4 IS NULL OR effective_max <= ?4)
                    UNION ALL
                    SELECT through, known_before, 1 FROM civic_fold_snapshots_superseded WHERE through <= ?1 AND through < ?2
                    AND arrived_max <= ?3 AND ?3 < known_before AND (?4 IS NULL OR effective_max <= ?4)
                    ORDER BY 1 DESC, 3 LIMIT 1
                    """)
            let bounds = filter.bounds
            while let found = try Row.fetchOne(latest, arguments: [filter.asOf ?? Int64.max, before, bounds.arrivedBy, bounds.effectiveBy]),
                let snapshot = try read(db, through: found[0], knownBefore: found[1], registrar: registrar, city: city)
            {
                do {
                    let ledger = try LedgerFacts.load(db, filter: filter, registrar: registrar, city: city, from: snapshot)
                    let through = snapshot.through
                    var fold = CityFold(from: snapshot)
                    fold.fold(ledger)
                    return (ledger, fold, through, found[1] as Int64? != nil)
                } catch let unusable as FoldSnapshot.Unusable {
                    // An earlier snapshot may serve (one made before the fact a late correction changes).
                    guard let earlier = unusable.before else { break }
                    before = min(before, earlier)
                }
            }
        }
        let ledger = try LedgerFacts.load(db, filter: filter, registrar: registrar, city: city)
        var fold = CityFold(registrar: registrar, city: city)
        fold.fold(ledger)
        return (ledger, fold, nil, false)
    }

    /// The snapshot made through `through` (superseded, when `knownBefore` is given), decoded from
    /// SQLite's own copy of its blob (the row of a cursor kept until it is decoded), not from
    /// another copy made for a row to keep: a large city's snapshot is megabytes.
    private static func read(_ db: Database, through: Int64, knownBefore: Int64?, registrar: String?, city: String?) throws
        -> FoldSnapshot?
    {
        let rows =
            if let knownBefore {
                try Row.fetchCursor(
                    db.cachedStatement(sql: "SELECT fold FROM civic_fold_snapshots_superseded WHERE through = ? AND known_before = ?"),
                    arguments: [through, knownBefore])
            } else {
                try Row.fetchCursor(db.cachedStatement(sql: "SELECT fold FROM civic_fold_snapshots WHERE through = ?"), arguments: [through])
            }
        return try withExtendedLifetime(rows) {
            guard let row = try rows.next() else { return nil }
            return try row.withUnsafeData(atIndex: 0) { bytes in
                try (bytes ?? Data()).withUnsafeBytes { try FoldSnapshot(decoding: $0, registrar: registrar, city: city) }
            }
        }
    }

    /// Drops the snapshots late facts landed in (their instants wait to be made again), moves the
    /// mark to the last fact, and makes the earliest snapshot waiting to be made again, or else
    /// the next one due since the last, in the caller's write transaction (of these tables alone):
    /// one snapshot per transaction, so the writer is never held for a whole ledger's fold.
    ///
    /// - Parameter every: facts recorded between two snapshots, at least.
    /// - Returns: whether another snapshot is due (catch up again, in another transaction).
    static func catchUp(_ db: Database, registrar: String?, city: String?, every: Int = factsPerSnapshot) throws -> Bool {
        guard let last = try Int64.fetchOne(db, sql: "SELECT max(event_rowid) FROM civic_facts") else { return false }
        if let late = try lateFrom(db) {
            try supersede(db, late: late)
            try db.execute(
                sql: "INSERT OR IGNORE INTO civic_fold_snapshots_due(through) SELECT through FROM civic_fold_snapshots WHERE through >= ?",
                arguments: [late])
            try db.execute(sql: "DELETE FROM civic_fold_snapshots WHERE through >= ?", arguments: [late])
        }
        // Every snapshot left holds every fact up to the last: the new ones start from them.
        try times.index(db, after: try mark(db), through: last)
        try db.execute(sql: "UPDATE civic_fold_snapshots_mark SET through = ? WHERE id = 1", arguments: [last])
        // Those dropped are made again first, each at its own instant, from the one before it.
        if let due = try Int64.fetchOne(db, sql: "SELECT min(through) FROM civic_fold_snapshots_due") {
            try Self.snapshot(db, through: due, registrar: registrar, city: city)
            try db.execute(sql: "DELETE FROM civic_fold_snapshots_due WHERE through = ?", arguments: [due])
            return true
        }
        let newest = try Int64.fetchOne(db, sql: "SELECT max(through) FROM civic_fold_snapshots") ?? Int64.min
        // The facts recorded since, counted by period (``CostPeriods/period(of:)``, in SQL): a row
        // a period, not one a fact.
        let periods = try Row.fetchAll(
            db,
            sql: """
                SELECT CASE WHEN hlc_wall >= 0 THEN hlc_wall / :length ELSE -((:length - 1 - hlc_wall) / :length) END AS period, count(*)
                FROM civic_facts WHERE hlc_wall > :newest GROUP BY period ORDER BY period
                """, arguments: ["length": CostPeriods.length, "newest": newest]
        ).map { (period: $0[0] as Int64, facts: $0[1] as Int) }
        // The period of the latest fact is left open: most of what is still to come lands there.
        guard let open = periods.last?.period else { return false }
        func snapshot(through: Int64) throws { try self.snapshot(db, through: through, registrar: registrar, city: city) }
        var since = 0
        for (index, (period, facts)) in periods.enumerated() where period < open {
            since += facts
            guard since >= every else { continue }
            try snapshot(through: (period + 1) * CostPeriods.length - 1)
            // Another is due if as many facts follow before the open period, or many within it.
            let following = periods[(index + 1)...].reduce(0) { $0 + $1.facts }
            return following - (periods.last?.facts ?? 0) >= every || following >= 2 * every
        }
        // Many facts in the last periods (a city importing its history in a day, a benchmark
        // recording a hundred thousand): a snapshot inside them too, through the time of the fact
        // `every` facts before the latest, so that what is recorded next lands after it.
        let after = periods.reduce(0) { $0 + $1.facts }
        guard after >= 2 * every,
            let through = try Int64.fetchOne(
                db, sql: "SELECT hlc_wall FROM civic_fact_times WHERE hlc_wall > ? ORDER BY hlc_wall LIMIT 1 OFFSET ?",
                arguments: [newest, after - every - 1])
        else { return false }
        try snapshot(through: through)
        return false
    }

    /// Makes the snapshot through `through` from the latest one before it and the facts after.
    private static func snapshot(_ db: Database, through: Int64, registrar: String?, city: String?) throws {
        let (ledger, fold, _, _) = try self.fold(db, filter: TimeFilter(asOf: through), registrar: registrar, city: city, snapshots: true)
        let bounds = try self.bounds(db, through: through)
        try db.execute(
            sql: "INSERT OR REPLACE INTO civic_fold_snapshots(through, fold, arrived_max, effective_max) VALUES (?, ?, ?, ?)",
            arguments: [through, Data(try FoldSnapshot(through: through, fold: fold, ledger: ledger).encoded()), bounds?.arrived, bounds?.effective])
    }

    /// Drops every snapshot (a damaged one, or one of another format): they are made again when
    /// the snapshots next catch up.
    static func drop(_ db: Database) throws {
        try db.execute(
            sql: """
                DELETE FROM civic_fold_snapshots; DELETE FROM civic_fold_snapshots_due; DELETE FROM civic_fold_snapshots_superseded;
                DELETE FROM civic_fact_times;
                UPDATE civic_fold_snapshots_mark SET through = 0 WHERE id = 1
                """)
    }
}

extension CityState {
    /// The newest snapshot decoded `times` times from SQLite's copy of its blob, for the replay
    /// benchmark (`civic-bench --replay`): its size in bytes and the best time, in seconds (0, 0:
    /// there is none).
    package static func timeSnapshotDecoding(_ store: LedgerStore, times: Int) throws -> (bytes: Int, seconds: Double) {
        let (registrar, city) = (store.identity.registrar, store.identity.city)
        return try store.read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT through, fold FROM civic_fold_snapshots ORDER BY through DESC LIMIT 1")
            return try withExtendedLifetime(rows) {
                guard let row = try rows.next() else { return (0, 0) }
                return try row.withUnsafeData(atIndex: 1) { data in
                    try (data ?? Data()).withUnsafeBytes { bytes in
                        var best = Double.infinity
                        // Each decoded snapshot is kept until the next is decoded, so that freeing
                        // it is not timed (a state keeps its snapshot through the fold).
                        var kept: FoldSnapshot?
                        for _ in 0..<max(1, times) {
                            let start = DispatchTime.now().uptimeNanoseconds
                            let snapshot = try FoldSnapshot(decoding: bytes, registrar: registrar, city: city)
                            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                            kept = snapshot
                        }
                        withExtendedLifetime(kept) {}
                        return (bytes.count, best)
                    }
                }
            }
        }
    }

    /// The newest snapshot, decoded once, encoded again `times` times (as a catch-up writes each
    /// snapshot it makes), for the replay benchmark: the bytes written and the best time, in
    /// seconds (0, 0: there is none).
    package static func timeSnapshotEncoding(_ store: LedgerStore, times: Int) throws -> (bytes: Int, seconds: Double) {
        let (registrar, city) = (store.identity.registrar, store.identity.city)
        let blob = try store.read { db in try Data.fetchOne(db, sql: "SELECT fold FROM civic_fold_snapshots ORDER BY through DESC LIMIT 1") }
        guard let blob else { return (0, 0) }
        let snapshot = try blob.withUnsafeBytes { try FoldSnapshot(decoding: $0, registrar: registrar, city: city) }
        var (best, bytes) = (Double.infinity, 0)
        for _ in 0..<max(1, times) {
            let start = DispatchTime.now().uptimeNanoseconds
            let encoded = try snapshot.encoded()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            bytes = encoded.count
        }
        return (bytes, best)
    }

    /// Every stored cost period summed `times` times as state for all time sums them (the latest
    /// running total, then the periods after it), for the replay benchmark: the bytes read, the
    /// lines summed and the best time, in seconds.
    package static func timeCostPeriodsSum(_ store: LedgerStore, times: Int) throws -> (bytes: Int, lines: Int, seconds: Double) {
        let blobs = try store.read { db in try CostPeriods.stored(db, before: nil).blobs }
        var best = Double.infinity
        // Each sum is kept until the next is made, so that freeing it is not timed.
        var kept: CostSums?
        for _ in 0..<max(1, times) {
            let start = DispatchTime.now().uptimeNanoseconds
            let sums = try CostPeriods.sum(blobs)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            kept = sums
        }
        return (blobs.reduce(0) { $0 + $1.count }, kept?.sums.held ?? 0, best)
    }
}
