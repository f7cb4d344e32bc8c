import Foundation
import GRDB
import LedgerCore
import LedgerStore

/// The civic vocabulary's projection: checks the events a transaction stores, as their origin
/// allows (VOCABULARY.md, "Two levels of checks"), and keeps the tables that answer state queries.
///
/// - Recorded here: structure and context, against everything the node holds.
/// - Received: structure only. An authentic event is never refused for its context; an event of an
///   unknown type or a later envelope version is stored and left out of the state.
///
/// Costs (the bulk of a ledger) go to `civic_costs`, which the state aggregates with the time
/// filters; every other event is indexed in `civic_facts` and folded in citywide order;
/// `civic_corrections` links each correction to the id it corrects. Rows carry their event's
/// times, so an event that arrives late simply lands in the past: nothing is recomputed from an
/// insertion point.
public struct CivicProjector: LedgerProjector {
    /// The rule facts recording loaded, kept between this store's transactions.
    private let cache = RuleCache()

    public init() {}

    public var name: String { "civic/1" }

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1-civic-projections") { db in
            try db.execute(
                sql: """
                    CREATE TABLE civic_costs (
                        event_rowid INTEGER PRIMARY KEY,
                        system TEXT NOT NULL,
                        amount INTEGER NOT NULL,
                        currency TEXT NOT NULL,
                        category TEXT NOT NULL,
                        source TEXT NOT NULL,
                        effective TEXT NOT NULL,
                        hlc_wall INTEGER NOT NULL,
                        arrived_ms INTEGER NOT NULL
                    );
                    CREATE TABLE civic_facts (
                        event_rowid INTEGER PRIMARY KEY,
                        system TEXT,
                        effective TEXT NOT NULL,
                        hlc_wall INTEGER NOT NULL,
                        arrived_ms INTEGER NOT NULL
                    );
                    CREATE INDEX civic_facts_by_system ON civic_facts(system);
                    CREATE TABLE civic_corrections (
                        event_rowid INTEGER PRIMARY KEY,
                        target_rowid INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-civic-facts-partial-index") { db in
            try db.execute(sql: "DROP INDEX civic_facts_by_system")
            try db.execute(sql: Self.factsBySystemIndex)
        }
        migrator.registerMigration("v3-civic-conflict-free-fold") { db in
            // Costs carry the whole HLC, so the fold can place each one against its system's
            // procurement and retirement; corrections name their target by id, so one that arrives
            // before the event it corrects is linked all the same.
            try db.execute(
                sql: """
                    ALTER TABLE civic_costs ADD COLUMN hlc_logical INTEGER NOT NULL DEFAULT 0;
                    UPDATE civic_costs SET hlc_logical = (SELECT hlc_logical FROM events WHERE events.rowid = civic_costs.event_rowid);
                    DROP TABLE civic_corrections;
                    CREATE TABLE civic_corrections (
                        event_rowid INTEGER PRIMARY KEY,
                        target_key INTEGER NOT NULL,
                        target_id BLOB NOT NULL
                    );
                    CREATE INDEX civic_corrections_by_target ON civic_corrections(target_key);
                    """)
            // A ledger written before any projection existed is projected by v4, with its rule keys.
            if try Self.projectedCount(db) > 0 {
                let corrections = try Row.fetchCursor(db, sql: "SELECT rowid, canonical FROM events WHERE type = 'event.corrected'")
                while let row = try corrections.next() {
                    let envelope = try JSONParser.parse(Array(row["canonical"] as Data), profile: .strict)
                    guard let text = envelope["body"]?["event"]?.stringValue, let target = Hash(lowercaseHex: text) else { continue }
                    try db.execute(
                        sql: "INSERT INTO civic_corrections(event_rowid, target_key, target_id) VALUES (?, ?, ?)",
                        arguments: [row["rowid"], LedgerStore.idKey(target), Data(target.bytes)])
                }
            }
        }
        migrator.registerMigration("v4-civic-rule-keys") { db in
            // Recording checks a new event against the fold of the keys it reads alone (RuleKey):
            // each fact that changes a district, system, algorithm or office carries that key, and
            // each correction is indexed under every key its replacement names. The facts' keys are
            // indexed (civic_rule_index) when the node next records, in key order, not while a range
            // is received: a million new districts would cost the receiver a fifth of its rate.
            try db.execute(
                sql: """
                    ALTER TABLE civic_facts ADD COLUMN rule_key TEXT;
                    CREATE TABLE civic_correction_keys (
                        rule_key TEXT NOT NULL,
                        event_rowid INTEGER NOT NULL,
                        PRIMARY KEY (rule_key, event_rowid)
                    ) WITHOUT ROWID;
                    CREATE TABLE civic_rule_index (
                        rule_key TEXT NOT NULL,
                        event_rowid INTEGER NOT NULL,
                        PRIMARY KEY (rule_key, event_rowid)
                    ) WITHOUT ROWID;
                    CREATE TABLE civic_rule_index_mark (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        through INTEGER NOT NULL
                    );
                    INSERT INTO civic_rule_index_mark(id, through) VALUES (1, 0);
                    """)
            if try Self.projectedCount(db) == 0 {
                // A ledger written before any projection existed: project what it holds, in order.
                try Self.projectInCitywideOrder(db)
                return
            }
            let rows = try Row.fetchCursor(
                db, sql: "SELECT e.rowid, e.type, e.canonical FROM civic_facts f CROSS JOIN events e ON e.rowid = f.event_rowid")
            while let row = try rows.next() {
                let type: String = row["type"]
                guard EventTypeRegistry.version1.isKnown(type) else { continue }
                let envelope = try JSONParser.parse(Array(row["canonical"] as Data), profile: .strict)
                guard envelope["v"]?.integerValue == EventEnvelope.version else { continue }
                guard let body = try? CivicBody.decode(type: type, body: envelope["body"] ?? .null) else { continue }
                try Self.indexRuleKeys(body, rowid: row["rowid"], in: db)
            }
        }
        migrator.registerMigration("v5-civic-cost-periods") { db in
            // The snapshots replay starts from (CostPeriods): a cache, filled when state is first asked for.
            try db.execute(sql: CostPeriods.schema)
        }
        migrator.registerMigration("v6-civic-fold-snapshots") { db in
            // The snapshots of the facts' fold (FoldSnapshot): a cache, filled when state is first asked for.
            try db.execute(sql: FoldSnapshots.schema)
        }
        migrator.registerMigration("v7-civic-cost-totals") { db in
            // The running totals of the cost periods (CostPeriods): a cache, made when state is first asked for.
            try db.execute(sql: CostPeriods.totalsSchema)
        }
        migrator.registerMigration("v8-civic-fact-times") { db in
            // State from a snapshot of the fold reads the facts recorded after its instant, and
            // every key event: by index, not by a scan of every fact (a city hall that only
            // receives has no rule index to find its key events in). The facts' times are indexed
            // by the snapshots' catch-up (FoldSnapshots), not while a range is received.
            try db.execute(sql: FoldSnapshots.times.schema)
            try FoldSnapshots.times.index(db, after: 0, through: try FoldSnapshots.mark(db))
            try db.execute(sql: Self.keyEventsIndex)
        }
        migrator.registerMigration("v9-civic-cost-times") { db in
            // State as of an instant reads the costs of the instant's own period that the periods
            // hold by their times, indexed as the periods catch up (CostPeriods), not while events
            // are stored: the store keeps no index of every event's time (its migration v14).
            try db.execute(sql: CostPeriods.times.schema)
            try CostPeriods.times.index(db, after: 0, through: try CostPeriods.mark(db))
        }
        migrator.registerMigration("v10-civic-fold-snapshot-bounds") { db in
            // State known at an instant, or in force on a date, starts from a snapshot when every
            // fact it folded passes that bound too: each snapshot keeps the latest arrival and the
            // latest effective date among its facts (FoldSnapshots), computed here for those held.
            try db.execute(sql: FoldSnapshots.boundsSchema)
            try FoldSnapshots.fillBounds(db)
        }
        migrator.registerMigration("v11-civic-cost-period-bounds") { db in
            // The same for the cost periods: each keeps the latest arrival and effective date among
            // its costs (CostPeriods), and those before the first that does not pass a state's
            // bounds are summed for it.
            try CostPeriods.addBounds(db)
        }
        migrator.registerMigration("v12-civic-fold-snapshots-due") { db in
            // A late fact landing in a snapshot has it made again at its own instant, one per
            // transaction: the instants waiting are kept between them (FoldSnapshots).
            try db.execute(sql: FoldSnapshots.dueSchema)
        }
        migrator.registerMigration("v13-civic-cost-period-lower-bounds") { db in
            // A state known at an instant, or in force on a date, reads the costs the periods from
            // its cut on hold only up to the last period that may hold one that passes: each
            // period keeps the earliest arrival and effective date among its costs (CostPeriods).
            try CostPeriods.addLowerBounds(db)
        }
        migrator.registerMigration("v14-civic-fold-snapshots-superseded") { db in
            // A snapshot a late fact lands in is kept aside for the states known before that fact
            // arrived (FoldSnapshots); those dropped before this migration are not.
            try db.execute(sql: FoldSnapshots.supersededSchema)
        }
    }

    /// The few key events (``RuleKey/keyEvents``) by row.
    static let keyEventsIndex = "CREATE INDEX civic_facts_key_events ON civic_facts(event_rowid) WHERE \(RuleKey.keyEvents)"

    /// Indexes the rule keys of the facts stored after the index's mark, up to `rowid`, in key
    /// order (a received range's, or another process's), and moves the mark there.
    static func catchUpRuleIndex(_ db: Database, through rowid: Int64) throws {
        let mark = try ruleIndexMark(db)
        // Only costs since the mark (the bulk of a ledger): nothing to index, and no page to write.
        let lastFact = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(event_rowid) FROM civic_facts")) ?? 0
        guard mark < rowid, lastFact > mark else { return }
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO civic_rule_index(rule_key, event_rowid)
                SELECT rule_key, event_rowid FROM civic_facts WHERE event_rowid > ? AND event_rowid <= ? AND rule_key IS NOT NULL
                ORDER BY rule_key, event_rowid
                """
        ).execute(arguments: [mark, rowid])
        try setRuleIndexMark(db, rowid)
    }

    /// The rowid up to which every fact's rule key is in `civic_rule_index`.
    static func ruleIndexMark(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT through FROM civic_rule_index_mark WHERE id = 1")) ?? 0
    }

    static func setRuleIndexMark(_ db: Database, _ rowid: Int64) throws {
        try db.cachedStatement(sql: "UPDATE civic_rule_index_mark SET through = ? WHERE id = 1 AND through < ?").execute(arguments: [rowid, rowid])
    }

    /// Indexes a stored fact under the rule key it changes, or a correction under the keys its
    /// replacement names (``RuleKey``).
    static func indexRuleKeys(_ body: CivicBody, rowid: Int64, in db: Database) throws {
        if case .eventCorrected(let correction) = body {
            for key in Set(RuleKey.named(by: correction.replacement)) {
                try db.execute(sql: "INSERT INTO civic_correction_keys(rule_key, event_rowid) VALUES (?, ?)", arguments: [key, rowid])
            }
        } else if let key = RuleKey.written(by: body) {
            try db.execute(sql: "UPDATE civic_facts SET rule_key = ? WHERE event_rowid = ?", arguments: [key, rowid])
        }
    }

    private static func projectedCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM civic_costs) + (SELECT count(*) FROM civic_facts)") ?? 0
    }

    /// Projects every stored event, in citywide order. No index keeps the events in that order
    /// (the store's migration v14), so their rowids are sorted first (a few bytes each, where
    /// sorting the rows would sort every event's bytes), then each event is read by rowid.
    private static func projectInCitywideOrder(_ db: Database) throws {
        let transaction = try CivicProjectionTransaction(db, mode: .rebuild)
        let ordered = try Int64.fetchAll(db, sql: "SELECT rowid FROM events ORDER BY \(OrderKey.orderBy())")
        let read = try db.makeStatement(sql: "SELECT canonical, arrived_ms FROM events WHERE rowid = ?")
        for rowid in ordered {
            guard let row = try Row.fetchOne(read, arguments: [rowid]) else { continue }
            let event = try Event(canonical: Array(row["canonical"] as Data))
            let prepared = try transaction.prepare(event)
            try transaction.apply(event, prepared: prepared, rowid: rowid, arrived: row["arrived_ms"], in: db)
        }
        try transaction.finish(in: db)
    }

    /// Only facts about a system are looked up by system: districts, targets, registrations and
    /// algorithms without a system stay out of the index, and cost the write path nothing there.
    static let factsBySystemIndex = "CREATE INDEX civic_facts_by_system ON civic_facts(system) WHERE system IS NOT NULL"

    public func begin(_ db: Database, mode: ProjectionMode) throws -> any ProjectionTransaction {
        try CivicProjectionTransaction(db, mode: mode, cache: cache)
    }

    public func beginRecording(_ db: Database, after: (rowid: Int64, id: Hash)) throws -> any ProjectionTransaction {
        try CivicProjectionTransaction(db, mode: .record, cache: cache, after: after)
    }
}

/// One write transaction's projection.
///
/// Recording folds the held facts of the keys each new event reads (as the state does, conflicts
/// resolved; ``RuleKey``) into ``RuleFacts``, and checks the event against them and the batch before
/// it; receiving checks structure only. `prepare` (decoding) and `apply` (the rules, database checks
/// and rows) touch disjoint state, so the append pipeline may run them on its two threads; each is
/// called in event order.
final class CivicProjectionTransaction: ProjectionTransaction, @unchecked Sendable {
    /// What `prepare` hands `apply`.
    private enum Prepared: Sendable {
        case body(CivicBody)
        /// Stored and verified, left out of the state: an unknown type, a later envelope version.
        case inert
    }

    private let mode: ProjectionMode
    /// Recording: the held facts of the keys read so far, folded, and the batch so far.
    private var rules: RuleFacts
    /// Recording: the rule keys folded into `rules`.
    private var loaded = Set<String>()
    /// Recording: what the registrar's revocations leave out, read with the first keys.
    private var revoked: RevokedRanges?
    /// Recording: the keys of events prepared (on the producer) and not yet applied.
    /// (`prepare` runs on the producer thread, `apply` on the writer: the lock is theirs.)
    private var upcoming: [String] = []
    private let upcomingLock = NSLock()
    /// Recording: the last rowid held before this transaction (its own events come after).
    private var heldThrough: Int64 = 0
    /// This ledger's office, its registrar and its city (from `ledger_meta`).
    private let office: String?
    private let registrar: String?
    private let city: String?
    /// Fact rows not inserted yet: they go in by ``rowsPerInsert`` in one statement
    /// (``insertFacts(in:)``), before a correction reads this transaction's facts, and the rest
    /// when the transaction finishes.
    private var pendingFacts: [FactRow] = []
    /// Cost rows not inserted yet: they go in by ``rowsPerInsert`` in one statement
    /// (``insertCosts(in:)``), and the rest when the transaction finishes. Nothing reads a cost row
    /// in the transaction that writes it.
    private var pendingCosts: [CostRow] = []

    /// Where recording's rule facts are kept between transactions.
    private let cache: RuleCache?
    /// Recording: whether the batch recorded a fact (anything but a cost), which moves the index's mark.
    private var recordedFacts = false
    /// Recording: the last event applied (its rowid and id), which the kept rule facts hold for.
    private var last: (rowid: Int64, id: Hash)?

    /// - Parameter after: recording right after this store's last committed append, nothing written
    ///   since: its last event, which the cache's contents must hold for (``LedgerProjector/beginRecording(_:after:)``).
    ///   The rule index needs no catching up then (that append left its mark past every fact).
    init(_ db: Database, mode: ProjectionMode, cache: RuleCache? = nil, after: (rowid: Int64, id: Hash)? = nil) throws {
        self.cache = cache
        self.mode = mode
        if mode == .record, let after, let kept = cache?.take(after: after) {
            (office, registrar, city) = (kept.meta.office, kept.meta.registrar, kept.meta.city)
            (rules, loaded, revoked) = (kept.rules, kept.loaded, kept.revoked)
            heldThrough = after.rowid
            return
        }
        let meta = try db.cachedStatement(sql: "SELECT value FROM ledger_meta WHERE key = ?")
        office = try String.fetchOne(meta, arguments: ["office"])
        registrar = try String.fetchOne(meta, arguments: ["registrar"])
        city = try String.fetchOne(meta, arguments: ["city"])
        rules = RuleFacts(registrar: registrar, city: city)
        guard mode == .record else { return }
        heldThrough = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(rowid) FROM events")) ?? 0
        try CivicProjector.catchUpRuleIndex(db, through: heldThrough)
        if let kept = try cache?.take(db, held: heldThrough) {
            (rules, loaded, revoked) = (kept.rules, kept.loaded, kept.revoked)
        }
    }

    func finish(in db: Database) throws {
        try insertCosts(in: db)
        try insertFacts(in: db)
        guard mode == .record else { return }
        // A batch of costs leaves the mark where it is (the facts after it are none).
        if let last, recordedFacts { try CivicProjector.setRuleIndexMark(db, last.rowid) }
        guard let cache else { return }
        let through = try last.map { (rowid: $0.rowid, id: Data($0.id.bytes)) }
            ?? Data.fetchOne(db, sql: "SELECT id FROM events WHERE rowid = ?", arguments: [heldThrough]).map { (rowid: heldThrough, id: $0) }
        guard let through else { return }
        cache.give(
            RuleCache.Contents(rules: rules, loaded: loaded, revoked: revoked, meta: .init(office: office, registrar: registrar, city: city)),
            rowid: through.rowid, id: through.id)
        // The cache holds the only reference now: the next transaction changes it in place.
        rules = RuleFacts(registrar: registrar, city: city)
        loaded = []
    }

    /// A row of a table the projection inserts ``rowsPerInsert`` to a statement.
    private protocol GroupedRow {
        /// The table and columns: `INSERT OR ROLLBACK INTO table(a, b, …)`.
        static var insertHead: String { get }
        static var columnCount: Int { get }
        /// Binds the row's values from parameter `base + 1` on.
        func bind(to insert: FastStatement, at base: Int32)
    }

    /// A `civic_costs` row.
    private struct CostRow: GroupedRow {
        let rowid: Int64
        let system: String
        let amount: Int64
        let currency: String
        let category: String
        let source: String
        let effective: String
        let wall: Int64
        let arrived: Int64
        let logical: Int64

        static let insertHead =
            "INSERT OR ROLLBACK INTO civic_costs(event_rowid, system, amount, currency, category, source, effective, hlc_wall, arrived_ms, hlc_logical)"
        static let columnCount = 10

        func bind(to insert: FastStatement, at base: Int32) {
            insert.bind(base + 1, rowid)
            insert.bind(base + 2, system)
            insert.bind(base + 3, amount)
            insert.bind(base + 4, currency)
            insert.bind(base + 5, category)
            insert.bind(base + 6, source)
            insert.bind(base + 7, effective)
            insert.bind(base + 8, wall)
            insert.bind(base + 9, arrived)
            insert.bind(base + 10, logical)
        }
    }

    /// A `civic_facts` row.
    private struct FactRow: GroupedRow {
        let rowid: Int64
        let system: String?
        let effective: String
        let wall: Int64
        let arrived: Int64
        let ruleKey: String?

        static let insertHead = "INSERT OR ROLLBACK INTO civic_facts(event_rowid, system, effective, hlc_wall, arrived_ms, rule_key)"
        static let columnCount = 6

        func bind(to insert: FastStatement, at base: Int32) {
            insert.bind(base + 1, rowid)
            insert.bind(base + 2, system)
            insert.bind(base + 3, effective)
            insert.bind(base + 4, wall)
            insert.bind(base + 5, arrived)
            insert.bind(base + 6, ruleKey)
        }
    }

    /// Cost or fact rows inserted by one statement. A statement per row cost each its own execution
    /// (opening the table, a descent of its tree to the end, halting and resetting): 11 % of a
    /// 10,000-event transaction of costs, a third of the writer's time receiving facts. One
    /// statement of many rows keeps its cursor at the end of the table. `OR ROLLBACK`: no
    /// statement journal, as for the events (``EventInsert``).
    static let rowsPerInsert = 32

    /// `head VALUES (…), (…), …` of 1 to ``rowsPerInsert`` rows of `Row`.
    private static func groupedInserts<Row: GroupedRow>(of _: Row.Type) -> [String] {
        let row = "(" + Array(repeating: "?", count: Row.columnCount).joined(separator: ", ") + ")"
        return (1...rowsPerInsert).map { rows in Row.insertHead + " VALUES " + Array(repeating: row, count: rows).joined(separator: ", ") }
    }

    private static let costInserts = groupedInserts(of: CostRow.self)
    private static let factInserts = groupedInserts(of: FactRow.self)

    /// Inserts the rows waiting in `rows` by one statement of `inserts`, and empties it.
    private static func insert<Row: GroupedRow>(_ rows: inout [Row], by inserts: [String], in db: Database) throws {
        guard !rows.isEmpty else { return }
        let insert = try FastStatement(db, sql: inserts[rows.count - 1])
        for (index, row) in rows.enumerated() { row.bind(to: insert, at: Int32(index * Row.columnCount)) }
        rows.removeAll(keepingCapacity: true)
        try insert.run()
    }

    private func insertFacts(in db: Database) throws { try Self.insert(&pendingFacts, by: Self.factInserts, in: db) }
    private func insertCosts(in db: Database) throws { try Self.insert(&pendingCosts, by: Self.costInserts, in: db) }

    /// Recording: folds the held facts of the keys `body` reads that are not folded yet (the
    /// batch's earlier events touched only keys loaded before them).
    private func load(keysOf body: CivicBody, in db: Database) throws {
        // The keys of the events prepared ahead of this one (taken every time, so they stay few):
        // none of those events is applied yet, so loading their keys now is as right as later, and
        // a batch of new keys costs a few queries rather than a few per event.
        let ahead = upcomingLock.withLock {
            defer { upcoming = [] }
            return upcoming
        }
        // (Filtered one by one: `subtract` may walk the whole loaded set.)
        var keys = Set(RuleKey.read(by: body).filter { !loaded.contains($0) })
        guard !keys.isEmpty || revoked == nil else { return }
        keys.formUnion(ahead.lazy.filter { !self.loaded.contains($0) })
        let facts = try LedgerFacts.load(db, keys: keys, through: heldThrough, revoked: revoked, registrar: registrar, city: city)
        CityFold.fold(facts, into: &rules)
        loaded.formUnion(keys)
        revoked = facts.revoked
    }

    func prepare(_ event: Event) throws -> (any Sendable)? {
        let envelope = event.envelope
        guard envelope.isKnownVersion else {
            guard mode != .record else {
                throw ValidationError(type: envelope.type, field: nil, reason: "only envelope version \(EventEnvelope.version) is recorded here")
            }
            return Prepared.inert
        }
        let body: CivicBody
        do {
            body = try CivicBody.decode(type: envelope.type, body: envelope.body)
        } catch {
            // Received: a type this vocabulary does not know is kept and left out; a known type's
            // body that fails its structure is refused (its office could not have recorded it).
            switch mode {
            case .record: throw error
            case .receive: if EventTypeRegistry.version1.isKnown(envelope.type) { throw error }
            case .rebuild: break
            }
            return Prepared.inert
        }
        if mode == .record {
            let keys = RuleKey.read(by: body)
            upcomingLock.withLock { upcoming += keys }
        }
        return Prepared.body(body)
    }

    func apply(_ event: Event, prepared: (any Sendable)?, rowid: Int64, arrived: Int64, in db: Database) throws {
        let envelope = event.envelope
        let effective = envelope.effective.description
        guard let prepared = prepared as? Prepared else {
            throw ValidationError(type: envelope.type, field: nil, reason: "event was not prepared")
        }
        guard case .body(let body) = prepared else {
            try insertFact(rowid: rowid, system: nil, ruleKey: nil, envelope: envelope, arrived: arrived, in: db)
            return
        }
        if mode == .record {
            last = (rowid, event.leafHash)
            try load(keysOf: body, in: db)
            let ref = EventRef(key: OrderKey(envelope), id: event.leafHash, type: envelope.type)
            try LedgerRules.check(body, type: envelope.type, at: ref, effective: effective, state: rules)
            rules.apply(body, at: ref, effective: effective)
        }
        if mode == .record, case .eventCorrected(let correction) = body {
            try LedgerRules.checkCorrection(correction, by: envelope.office, registrar: registrar) { id in
                try Row.fetchOne(db.cachedStatement(sql: Self.targetByID), arguments: ["key": LedgerStore.idKey(id), "id": Data(id.bytes)])
                    .map { LedgerRules.Target(type: $0["type"], office: $0["office"]) }
            }
        }
        try applyKeyEvent(body, from: envelope.office, seq: envelope.seq, in: db)
        switch body {
        case .costIncurred(let cost):
            pendingCosts.append(
                CostRow(
                    rowid: rowid, system: cost.system, amount: cost.amount, currency: cost.currency.code, category: cost.category.rawValue,
                    source: cost.source.rawValue, effective: effective, wall: envelope.hlc.wall, arrived: arrived, logical: envelope.hlc.logical))
            if pendingCosts.count == Self.rowsPerInsert { try insertCosts(in: db) }
        default:
            let ruleKey = RuleKey.written(by: body)
            try insertFact(rowid: rowid, system: body.system, ruleKey: ruleKey, envelope: envelope, arrived: arrived, in: db)
            // Recorded facts are indexed at once (few, and a correction later in the batch reads
            // them); received ones when the node next records.
            if mode == .record, let ruleKey {
                try db.cachedStatement(sql: "INSERT INTO civic_rule_index(rule_key, event_rowid) VALUES (?, ?)").execute(arguments: [ruleKey, rowid])
            }
            if case .eventCorrected(let correction) = body {
                try db.execute(
                    sql: "INSERT INTO civic_corrections(event_rowid, target_key, target_id) VALUES (?, ?, ?)",
                    arguments: [rowid, LedgerStore.idKey(correction.event), Data(correction.event.bytes)])
                try CivicProjector.indexRuleKeys(body, rowid: rowid, in: db)
                if mode == .record { try reload(keysChangedBy: correction, rowid: rowid, in: db) }
            }
        }
    }

    /// The type and office of the event of an id (`:key`, `:id`), and the rule key of the fact of one.
    private static let targetByID = "SELECT type, office FROM events WHERE rowid IN (\(EventIDs.rowids(withKey: ":key", id: ":id"))) AND id = :id"
    private static let ruleKeyByID = """
        SELECT f.rule_key FROM events e JOIN civic_facts f ON f.event_rowid = e.rowid
        WHERE e.rowid IN (\(EventIDs.rowids(withKey: ":key", id: ":id"))) AND e.id = :id
        """

    /// Recording a correction changes the keys of the event it corrects and those its replacement
    /// names: they are folded again from what is stored, this batch's events up to the correction
    /// included, so the events after it in the batch (and later transactions) are checked against it.
    private func reload(keysChangedBy correction: EventCorrected, rowid: Int64, in db: Database) throws {
        // The facts of this transaction up to the correction are read below.
        try insertFacts(in: db)
        var keys = Set(RuleKey.named(by: correction.replacement))
        if let key = try String.fetchOne(
            db.cachedStatement(sql: Self.ruleKeyByID), arguments: ["key": LedgerStore.idKey(correction.event), "id": Data(correction.event.bytes)])
        {
            keys.insert(key)
        }
        // A key not loaded yet was touched by no earlier event of the batch: loading it through the
        // correction is right too.
        for key in keys { rules.forget(key) }
        let facts = try LedgerFacts.load(db, keys: keys, through: rowid, revoked: revoked, registrar: registrar, city: city)
        CityFold.fold(facts, into: &rules)
        loaded.formUnion(keys)
    }

    private func insertFact(rowid: Int64, system: String?, ruleKey: String?, envelope: EventEnvelope, arrived: Int64, in db: Database) throws {
        if mode == .record { recordedFacts = true }
        pendingFacts.append(
            FactRow(rowid: rowid, system: system, effective: envelope.effective.description, wall: envelope.hlc.wall, arrived: arrived, ruleKey: ruleKey))
        if pendingFacts.count == Self.rowsPerInsert { try insertFacts(in: db) }
    }

    /// The registrar's `office.registered`, `office.key-rotated` and `office.key-revoked` change
    /// which keys this node trusts for which sizes of an office's log (in the same transaction).
    /// Recorded ones were checked by the rules; received ones that cannot stand change nothing (the
    /// fold lists them), and none replaces the key of this node's own office or the registrar's
    /// first key except by a rotation.
    private func applyKeyEvent(_ body: CivicBody, from author: String, seq: UInt64, in db: Database) throws {
        guard let registrar, author == registrar else { return }
        func named(_ key: NoteVerifier, _ office: String) -> Bool {
            city.map { key.name == Identifiers.origin(city: $0, office: office) } ?? true
        }
        switch body {
        case .officeRegistered(let registration):
            guard named(registration.key, registration.office), registration.office != registrar else { return }
            if let held = try LedgerStore.keyHistory(in: db, office: registration.office) {
                if registration.office == office, held.keys[0].verifier != registration.key, mode == .record {
                    throw ValidationError(
                        type: body.typeName, field: "key", reason: "registers this node's own office \(registration.office) with another key than its own")
                }
                return
            }
            try LedgerStore.addKey(db, office: registration.office, fromSize: 1, verifier: registration.key)
        case .officeKeyRotated(let rotation):
            guard named(rotation.key, rotation.office), let held = try LedgerStore.keyHistory(in: db, office: rotation.office),
                let current = held.current, rotation.fromSize > current.fromSize
            else { return }
            if rotation.office == registrar, rotation.fromSize != seq + 1 { return }
            try LedgerStore.addKey(db, office: rotation.office, fromSize: rotation.fromSize, verifier: rotation.key)
        case .officeKeyRevoked(let revocation):
            guard named(revocation.key, revocation.office) else { return }
            try LedgerStore.revokeKey(db, office: revocation.office, verifier: revocation.key, after: revocation.after)
        default:
            return
        }
    }
}
