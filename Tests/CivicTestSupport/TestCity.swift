import CivicDomain
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync

/// A city of offices for tests: one civic ledger per office in a temporary folder (removed with the
/// city), a clock the test moves, and helpers to record events and move them between offices.
///
/// With a `registrar`, that office is the city's registrar (it may amend, retire and correct
/// anything, and alone registers offices) and every other office trusts its key from the start.
/// Trust in the other offices comes by hand (every office trusts every other's key at once), or,
/// with `registering`, only as the real thing does: the registrar records `office.registered` for
/// each office, and the others learn those keys when its log reaches them.
///
/// ```swift
/// let city = try TestCity(offices: ["cityhall", "police"], registrar: "cityhall")
/// city.at("2025-05-01")
/// let cost = try city.record("police", "cost.incurred", "2025-05-01", Bodies.cost("cam-1", 100))
/// _ = try await city.sync("police", "cityhall")
/// ```
public final class TestCity: @unchecked Sendable {
    public let folder: TemporaryFolder
    public let city: String
    public let offices: [String]
    public let registrar: String?
    public private(set) var ledgers: [String: LedgerDirectory.Opened] = [:]
    /// The wall clock recordings use (Unix ms); arrivals use it too.
    public var clock: Int64 = LedgerDate("2026-01-01").map(\.unixMilliseconds) ?? 0

    public init(city: String = "springfield", offices: [String], registrar: String? = nil, registering: Bool = false) throws {
        folder = try TemporaryFolder("civic-city")
        self.city = city
        self.offices = offices
        self.registrar = registrar
        var registrarKey: NoteVerifier?
        for office in [registrar].compactMap({ $0 }) + offices.filter({ $0 != registrar }) {
            let opened = try LedgerDirectory(path: folder.path(office)).initialize(
                identity: LedgerIdentity(city: city, office: office, registrar: registrar),
                registrarKey: office == registrar ? nil : registrarKey, projector: CivicProjector())
            if office == registrar { registrarKey = opened.signer.verifier }
            ledgers[office] = opened
        }
        if let registrar, registering {
            let registrations = try offices.filter { $0 != registrar }.map { office in
                try Self.draft(
                    "office.registered", "2026-01-01",
                    #"{"office":"\#(office)","name":"\#(office.capitalized)","key":"\#(opened(office).signer.verifier.vkey)"}"#)
            }
            try record(registrar, registrations)
            return
        }
        for (office, opened) in ledgers {
            for (other, peer) in ledgers where other != office && other != registrar {
                try opened.store.trust(office: other, verifier: peer.signer.verifier)
            }
        }
    }

    /// Opens the ledgers a city left in `folder` (see ``copy()``).
    private init(copying other: TestCity) throws {
        folder = try TemporaryFolder("civic-city")
        city = other.city
        offices = other.offices
        registrar = other.registrar
        clock = other.clock
        for office in offices {
            try FileManager.default.copyItem(atPath: other.folder.path(office), toPath: folder.path(office))
            ledgers[office] = try LedgerDirectory(path: folder.path(office)).open(projector: CivicProjector())
        }
    }

    /// Rotates `office`'s key (``LedgerDirectory/rotateKey(projector:now:)``) at the current clock and
    /// opens its ledger again with the new key; returns the new key and the size it signs from.
    @discardableResult
    public func rotateKey(_ office: String) throws -> (key: NoteVerifier, fromSize: UInt64) {
        let now = clock
        let rotated = try LedgerDirectory(path: folder.path(office)).rotateKey(projector: CivicProjector(), now: { now })
        ledgers[office] = try LedgerDirectory(path: folder.path(office)).open(projector: CivicProjector())
        return rotated
    }

    /// A copy of every ledger as it is now, in a folder of its own: one starting point for many runs.
    public func copy() throws -> TestCity { try TestCity(copying: self) }

    public func store(_ office: String) -> LedgerStore { opened(office).store }
    public func signer(_ office: String) -> NoteSigner { opened(office).signer }

    private func opened(_ office: String) -> LedgerDirectory.Opened {
        guard let opened = ledgers[office] else { preconditionFailure("no office \(office) in this test city") }
        return opened
    }

    /// Sets the clock to noon UTC of `date` (`YYYY-MM-DD`).
    public func at(_ date: String) {
        clock = (LedgerDate(date)?.unixMilliseconds ?? 0) + 43_200_000
    }

    /// Records one event at `office` at the current clock, with the vocabulary's checks; returns it.
    @discardableResult
    public func record(_ office: String, _ type: String, _ effective: String, _ body: String) throws -> Event {
        let summary = try record(office, [try Self.draft(type, effective, body)])
        guard let event = summary.lastEvent else { throw StoreError.refused(index: 0, "nothing was recorded") }
        return event
    }

    /// Records a batch at `office` in one transaction, at the current clock.
    @discardableResult
    public func record(_ office: String, _ drafts: [EventDraft]) throws -> AppendSummary {
        let now = clock
        return try store(office).append(drafts, signer: signer(office), now: { now })
    }

    /// Records one event at `office` with its structure checked but not its context: signed and
    /// chained like any other, as an office whose checks saw another past could have recorded it.
    @discardableResult
    public func recordUnchecked(_ office: String, _ type: String, _ effective: String, _ body: String) throws -> Event {
        let unchecked = try LedgerStore.open(at: LedgerDirectory(path: folder.path(office)).databasePath, projector: UncheckedProjector())
        let now = clock
        let summary = try unchecked.append([try Self.draft(type, effective, body)], signer: signer(office), now: { now })
        guard let event = summary.lastEvent else { throw StoreError.refused(index: 0, "nothing was recorded") }
        return event
    }

    public static func draft(_ type: String, _ effective: String, _ body: String) throws -> EventDraft {
        guard let date = LedgerDate(effective) else { throw StoreError.refused(index: 0, "bad date \(effective) in a test") }
        return try EventDraft(type: type, effective: date, body: JSONParser.parse(Array(body.utf8), profile: .strict))
    }

    /// Hands all of `from`'s own events to `to` as one range, arriving at the current clock.
    @discardableResult
    public func deliver(from: String, to: String) throws -> ReceiveSummary? {
        var events: [Event] = []
        try store(from).forEachEvent(office: from) { events.append(try Event(canonical: $0.canonical)); return true }
        guard let note = try store(from).head(office: from)?.checkpoint, !events.isEmpty else { return nil }
        let now = clock
        return try store(to).receive(events: events, checkpoint: note, now: { now })
    }

    /// One sync round between two offices' nodes, in process, arriving at the current clock.
    @discardableResult
    public func sync(_ local: String, _ remote: String) async throws -> SyncReport {
        let now = clock
        return try await SyncEngine.round(local: LocalPeer(store: store(local), now: { now }), remote: LocalPeer(store: store(remote), now: { now }))
    }

    /// Every office syncs with every other, twice over, so every node holds every event; returns
    /// every range a node refused (`office: reason`), which for authentic events must be none.
    @discardableResult
    public func converge() async throws -> [String] {
        var refusals: [String] = []
        for _ in 0..<2 {
            for a in offices {
                for b in offices where a < b {
                    refusals += try await sync(a, b).refused.map { "\($0.key): \($0.value)" }
                }
            }
        }
        return refusals
    }

    /// What must be the same on every node holding the same events: the state as JSON, with the
    /// ledger's findings (not the node's own observations).
    public func ledgerView(_ office: String, _ filter: TimeFilter = .none) throws -> String {
        var state = try state(office, filter)
        state.findings = state.findings.filter { $0.scope == .ledger }
        return try state.json.prettyPrinted()
    }

    /// The state `office`'s node computes.
    public func state(_ office: String, _ filter: TimeFilter = .none) throws -> CityState {
        try CityState.load(from: store(office), filter: filter)
    }
}
