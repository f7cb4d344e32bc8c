import Foundation
import GRDB
import LedgerCore
import LedgerStore

/// The fold's test vectors (`Protocol/vectors/fold/`): a small city of four offices whose offline
/// decisions conflict in most of the ways VOCABULARY.md ("Conflicts") resolves, with the state and
/// the findings every node must compute from them, so another implementation can check its fold.
///
/// Keys are derived from fixed seeds (`civicledger fold vectors v1/<office>`) and every clock is
/// fixed, so the files are the same on every run; never use these keys for a real office.
public enum FoldVectors {
    public static let city = "testville"
    public static let registrar = "cityhall"
    public static let offices = ["cityhall", "transport", "police", "it"]

    /// File name (below `fold/`) → contents. `scratch` is an empty folder for the ledgers it builds.
    public static func files(scratch: String) throws -> [String: String] {
        var ledgers: [String: LedgerDirectory.Opened] = [:]
        for office in offices {
            let signer = try NoteSigner(
                name: Identifiers.origin(city: city, office: office), seed: Hash.sha256(Array("civicledger fold vectors v1/\(office)".utf8)).bytes)
            ledgers[office] = try LedgerDirectory(path: scratch + "/" + office).initialize(
                identity: LedgerIdentity(city: city, office: office, registrar: registrar), projector: CivicProjector(), signer: signer)
        }
        for (office, opened) in ledgers {
            for (other, peer) in ledgers where other != office { try opened.store.trust(office: other, verifier: peer.signer.verifier) }
        }
        var clock: Int64 = 0
        @discardableResult
        func record(_ office: String, _ time: String, _ type: String, _ effective: String, _ body: String, checked: Bool = true) throws -> Event {
            guard let opened = ledgers[office], let instant = TimeFilter.instant(time), let date = LedgerDate(effective) else {
                throw StoreError.refused(index: 0, "bad fold vector input")
            }
            clock = instant
            let store = checked ? opened.store : try LedgerStore.open(at: LedgerDirectory(path: scratch + "/" + office).databasePath, projector: Unchecked())
            let draft = try EventDraft(type: type, effective: date, body: JSONParser.parse(Array(body.utf8), profile: .strict))
            let now = instant
            guard let event = try store.append([draft], signer: opened.signer, now: { now }).lastEvent else {
                throw StoreError.refused(index: 0, "nothing recorded")
            }
            return event
        }
        func syncAll() throws {
            for office in offices {
                for other in offices where other != office {
                    guard let source = ledgers[other]?.store, let target = ledgers[office]?.store, let head = try source.head(office: other),
                        let note = head.checkpoint
                    else { continue }
                    let held = try target.head(office: other)?.size ?? 0
                    guard head.size > held else { continue }
                    var events: [Event] = []
                    try source.forEachEvent(office: other) { stored in
                        if stored.seq > held { events.append(try Event(canonical: stored.canonical)) }
                        return true
                    }
                    let now = clock
                    try target.receive(events: events, checkpoint: note, now: { now })
                }
            }
        }
        // Shared facts, synced everywhere.
        for office in offices where office != registrar {
            guard let key = ledgers[office]?.signer.verifier.vkey else { continue }
            try record(registrar, "2025-01-02T09:00:00Z", "office.registered", "2025-01-02", #"{"office":"\#(office)","name":"\#(office.capitalized)","key":"\#(key)"}"#)
        }
        try record(registrar, "2025-01-02T09:10:00Z", "district.defined", "2025-01-02", district("d1", 5000, 80, true))
        try record(registrar, "2025-01-02T09:11:00Z", "district.defined", "2025-01-02", district("d2", 9000, 25, false))
        clock = TimeFilter.instant("2025-01-02T20:00:00Z") ?? 0
        try syncAll()
        try record("transport", "2025-01-10T10:00:00Z", "system.procured", "2025-01-10", system("cam-1", "cameras", "Acme"))
        try record("transport", "2025-01-10T10:01:00Z", "deployment.recorded", "2025-01-10", #"{"system":"cam-1","district":"d1","units":5}"#)
        clock = TimeFilter.instant("2025-01-31T20:00:00Z") ?? 0
        try syncAll()

        // Offline work that conflicts.
        let paid = try record("police", "2025-03-01T10:00:00Z", "cost.incurred", "2025-03-01", cost("cam-1", 1_000))
        clock = TimeFilter.instant("2025-03-01T20:00:00Z") ?? 0
        try syncAll()
        try record("police", "2025-03-02T10:00:00Z", "event.corrected", "2025-03-02", correction(paid, cost("cam-1", 900)))
        try record(registrar, "2025-03-03T10:00:00Z", "event.corrected", "2025-03-03", correction(paid, cost("cam-1", 800)))
        try record("police", "2025-05-01T10:00:00Z", "deployment.removed", "2025-05-01", #"{"system":"cam-1","district":"d1","units":3}"#)
        try record("it", "2025-05-02T10:00:00Z", "deployment.removed", "2025-05-02", #"{"system":"cam-1","district":"d1","units":4}"#)
        try record("it", "2025-05-10T09:00:00Z", "system.procured", "2025-05-10", system("wifi", "broadband", "NetCo"))
        try record("police", "2025-05-10T09:30:00Z", "system.procured", "2025-05-10", system("wifi", "broadband", "AirLink"))
        try record("police", "2025-05-10T09:31:00Z", "deployment.recorded", "2025-05-10", #"{"system":"wifi","district":"harbour","units":2}"#, checked: false)
        try record("police", "2025-05-11T09:00:00Z", "contract.amended", "2025-05-11", #"{"system":"cam-1","value_change":250000,"currency":"USD","reason":"More cameras"}"#, checked: false)
        try record("transport", "2025-06-01T10:00:00Z", "system.retired", "2025-06-01", #"{"system":"cam-1","reason":"Replaced"}"#)
        try record("police", "2025-06-01T11:00:00Z", "cost.incurred", "2025-05-20", cost("cam-1", 45_000))
        try record(registrar, "2025-06-02T09:00:00Z", "district.defined", "2025-06-02", district("harbour", 800, 60, false))
        try record("it", "2025-06-03T09:00:00Z", "budget.planned", "2025-06-03", #"{"system":"wifi","amount":5}"#, checked: false)
        clock = TimeFilter.instant("2025-06-30T20:00:00Z") ?? 0
        try syncAll()
        try syncAll()

        // Every office's log, as received, and the signed checkpoints that authenticate them.
        var lines: [String] = []
        var checkpoints: [JSONValue] = []
        guard let auditor = ledgers[registrar]?.store else { return [:] }
        for office in offices {
            try auditor.forEachEvent(office: office) { stored in
                lines.append(String(decoding: stored.canonical, as: UTF8.self))
                return true
            }
            guard let head = try auditor.head(office: office), let note = head.checkpoint, let key = try auditor.officeKeys()[office] else { continue }
            checkpoints.append(.object([("office", .string(office)), ("key", .string(key.vkey)), ("checkpoint", .string(note))]))
        }
        var state = try CityState.load(from: auditor, filter: .none)
        state.findings = state.findings.filter { $0.scope == .ledger }
        var asOf = try CityState.load(from: auditor, filter: TimeFilter(asOf: TimeFilter.instant("2025-05-31")))
        asOf.findings = asOf.findings.filter { $0.scope == .ledger }
        let input: JSONValue = .object([
            ("city", .string(city)), ("registrar", .string(registrar)), ("checkpoints", .array(checkpoints)),
        ])
        return [
            "events.jsonl": lines.joined(separator: "\n") + "\n",
            "input.json": try input.prettyPrinted(),
            "state.json": try state.json.prettyPrinted(),
            "state-as-of-2025-05-31.json": try asOf.json.prettyPrinted(),
            "findings.json": try state.findingsJSON.prettyPrinted(),
        ]
    }

    private static func district(_ id: String, _ population: Int, _ need: Int, _ priority: Bool) -> String {
        #"{"district":"\#(id)","name":"\#(id.capitalized)","population":\#(population),"need_index":\#(need),"priority":\#(priority)}"#
    }

    private static func system(_ id: String, _ category: String, _ vendor: String) -> String {
        #"""
        {"system":"\#(id)","title":"System \#(id)","category":"\#(category)","vendor":"\#(vendor)","method":"open-tender",\#
        "contract":{"value":2000000,"currency":"USD","start":"2025-01-01","end":"2027-12-31"},\#
        "terms":{"data_portability":true,"open_formats":true,"source_available":false,"exit_clause":true},\#
        "funding":[{"source":"general-fund","share_bps":10000}]}
        """#
    }

    private static func cost(_ system: String, _ amount: Int) -> String {
        #"{"system":"\#(system)","amount":\#(amount),"currency":"USD","category":"maintenance","source":"general-fund"}"#
    }

    private static func correction(_ event: Event, _ replacement: String) -> String {
        #"{"event":"\#(event.id)","reason":"Invoice corrected","replacement":\#(replacement)}"#
    }

    /// Recording without the context checks: what an office whose checks saw another past (or an
    /// older version) could have signed. Only the vectors use it.
    private struct Unchecked: LedgerProjector {
        /// The same tables as the civic projection.
        var name: String { CivicProjector().name }

        func registerMigrations(_ migrator: inout DatabaseMigrator) { CivicProjector().registerMigrations(&migrator) }

        func begin(_ db: Database, mode: ProjectionMode) throws -> any ProjectionTransaction {
            try CivicProjector().begin(db, mode: mode == .record ? .receive : mode)
        }
    }
}
