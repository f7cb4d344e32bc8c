import Foundation
import GRDB
import LedgerCore
import LedgerStore

/// The civic vocabulary's projection: checks every event against the ledger and keeps the tables
/// that answer state queries quickly. Costs (the bulk of a ledger) go to `civic_costs`, which SQL
/// aggregates over with the time filters; every other event is indexed in `civic_facts` and folded
/// in citywide order. Both carry each event's three times, so counting and filtering never read
/// the wide event rows. Rows carry their event's times, so an event that arrives late simply lands in
/// the past: queries filter and aggregate, nothing is recomputed from an insertion point.
public struct CivicProjector: LedgerProjector {
    public init() {}

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
            // Ledgers written before this projection existed: project what they hold, in order.
            let transaction = try CivicProjectionTransaction(db, checking: false)
            let rows = try Row.fetchCursor(
                db, sql: "SELECT rowid, canonical, arrived_ms FROM events ORDER BY hlc_wall, hlc_logical, office, seq")
            while let row = try rows.next() {
                let event = try Event(canonical: Array(row["canonical"] as Data))
                let prepared = try transaction.prepare(event)
                try transaction.apply(event, prepared: prepared, rowid: row["rowid"], arrived: row["arrived_ms"], in: db)
            }
        }
        migrator.registerMigration("v2-civic-facts-partial-index") { db in
            try db.execute(sql: "DROP INDEX civic_facts_by_system")
            try db.execute(sql: Self.factsBySystemIndex)
        }
    }

    /// Only facts about a system are looked up by system: districts, targets, registrations and
    /// algorithms without a system stay out of the index, and cost the write path nothing there.
    static let factsBySystemIndex = "CREATE INDEX civic_facts_by_system ON civic_facts(system) WHERE system IS NOT NULL"

    public func begin(_ db: Database) throws -> any ProjectionTransaction {
        try CivicProjectionTransaction(db, checking: true)
    }
}

/// One write transaction's projection: the held facts folded up to each new event's position.
///
/// Only what the rules read is kept (``RuleFacts``, and each held fact as a ``RuleFact``), so a long
/// range or a long ledger costs a few identifiers per fact, not its body.
///
/// `prepare` (the fold and the rules) and `apply` (database checks and rows) touch disjoint state,
/// so the append pipeline may run them on its two threads; each is called in event order.
final class CivicProjectionTransaction: ProjectionTransaction, @unchecked Sendable {
    private let checking: Bool
    /// The held facts that matter to the rules, in citywide order.
    private var held: [(key: OrderKey, fact: RuleFact)]
    private var cursor = 0
    private var facts = RuleFacts()
    /// This ledger's office and its registrar (from `ledger_meta`).
    private let office: String?
    private let registrar: String?
    /// The row inserts, prepared on the writer at their first use.
    private var costInsert: FastStatement?
    private var factInsert: FastStatement?

    init(_ db: Database, checking: Bool) throws {
        self.checking = checking
        held = []
        office = try String.fetchOne(db, sql: "SELECT value FROM ledger_meta WHERE key = 'office'")
        registrar = try String.fetchOne(db, sql: "SELECT value FROM ledger_meta WHERE key = 'registrar'")
        guard checking else { return }
        // The facts were fully checked when stored: read their bodies without re-checking the envelope.
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT e.office, e.seq, e.hlc_wall, e.hlc_logical, e.type, e.effective, e.canonical
                FROM civic_facts f CROSS JOIN events e ON e.rowid = f.event_rowid
                ORDER BY e.hlc_wall, e.hlc_logical, e.office, e.seq
                """)
        while let row = try rows.next() {
            let type: String = row["type"]
            guard let body = try JSONParser.parse(Array(row["canonical"] as Data), profile: .strict)["body"],
                let decoded = try? CivicBody.decode(type: type, body: body),
                let fact = RuleFact(decoded, effective: row["effective"])
            else { continue }
            let key = OrderKey(
                hlc: HLCTimestamp(wall: row["hlc_wall"], logical: row["hlc_logical"]), office: row["office"], seq: UInt64(row["seq"] as Int64))
            held.append((key, fact))
        }
    }

    func prepare(_ event: Event) throws -> (any Sendable)? {
        let envelope = event.envelope
        let body = try CivicBody.decode(type: envelope.type, body: envelope.body)
        let key = OrderKey(envelope)
        let effective = envelope.effective.description
        while cursor < held.count, held[cursor].key < key {
            facts.apply(held[cursor].fact)
            cursor += 1
        }
        if checking { try LedgerRules.check(body, type: envelope.type, effective: effective, state: facts) }
        facts.apply(body, effective: effective)
        return body
    }

    func apply(_ event: Event, prepared: (any Sendable)?, rowid: Int64, arrived: Int64, in db: Database) throws {
        let envelope = event.envelope
        let effective = envelope.effective.description
        guard let body = prepared as? CivicBody else { throw ValidationError(type: envelope.type, field: nil, reason: "event was not prepared") }
        if checking, case .eventCorrected(let correction) = body {
            try LedgerRules.checkCorrection(correction) { id in
                try String.fetchOne(
                    db, sql: "SELECT type FROM events WHERE id_key = ? AND id = ?", arguments: [LedgerStore.idKey(id), Data(id.bytes)])
            }
        }
        try applyRegistration(body, from: envelope.office, in: db)
        switch body {
        case .costIncurred(let cost):
            let insert = try costInsert ?? FastStatement(
                db,
                sql: """
                    INSERT INTO civic_costs(event_rowid, system, amount, currency, category, source, effective, hlc_wall, arrived_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            costInsert = insert
            insert.bind(1, rowid)
            insert.bind(2, cost.system)
            insert.bind(3, cost.amount)
            insert.bind(4, cost.currency.code)
            insert.bind(5, cost.category.rawValue)
            insert.bind(6, cost.source.rawValue)
            insert.bind(7, effective)
            insert.bind(8, envelope.hlc.wall)
            insert.bind(9, arrived)
            try insert.run()
        default:
            let insert = try factInsert ?? FastStatement(
                db, sql: "INSERT INTO civic_facts(event_rowid, system, effective, hlc_wall, arrived_ms) VALUES (?, ?, ?, ?, ?)")
            factInsert = insert
            insert.bind(1, rowid)
            insert.bind(2, body.system)
            insert.bind(3, effective)
            insert.bind(4, envelope.hlc.wall)
            insert.bind(5, arrived)
            try insert.run()
            if case .eventCorrected(let correction) = body,
                let target = try Int64.fetchOne(
                    db, sql: "SELECT rowid FROM events WHERE id_key = ? AND id = ?",
                    arguments: [LedgerStore.idKey(correction.event), Data(correction.event.bytes)])
            {
                try db.execute(sql: "INSERT INTO civic_corrections(event_rowid, target_rowid) VALUES (?, ?)", arguments: [rowid, target])
            }
        }
    }

    /// `office.registered` and `office.key-rotated` come from the registrar only, and make this node
    /// trust the office's key (in the same transaction).
    private func applyRegistration(_ body: CivicBody, from author: String, in db: Database) throws {
        let office: String
        let key: NoteVerifier
        switch body {
        case .officeRegistered(let registration): (office, key) = (registration.office, registration.key)
        case .officeKeyRotated(let rotation): (office, key) = (rotation.office, rotation.key)
        default: return
        }
        let type = body.typeName
        if !checking {
            // Projecting events stored before: trust only what the registrar said.
            guard let registrar, author == registrar else { return }
            try db.execute(
                sql: "INSERT INTO office_keys(office, vkey) VALUES (?, ?) ON CONFLICT(office) DO UPDATE SET vkey = excluded.vkey",
                arguments: [office, key.vkey])
            return
        }
        guard let registrar else {
            throw ValidationError(type: type, field: nil, reason: "this ledger has no registrar office (civic init --registrar or --registrar-key)")
        }
        guard author == registrar else {
            throw ValidationError(type: type, field: nil, reason: "only the registrar office \(registrar) may register offices, not \(author)")
        }
        let held = try String.fetchOne(db, sql: "SELECT vkey FROM office_keys WHERE office = ?", arguments: [office])
        if office == self.office, let held, held != key.vkey {
            throw ValidationError(type: type, field: "key", reason: "registers this node's own office \(office) with another key than its own")
        }
        try db.execute(
            sql: "INSERT INTO office_keys(office, vkey) VALUES (?, ?) ON CONFLICT(office) DO UPDATE SET vkey = excluded.vkey",
            arguments: [office, key.vkey])
    }
}
