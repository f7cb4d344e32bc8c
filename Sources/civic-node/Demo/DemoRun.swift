import CivicCommandLine
import CivicDemo
import CivicDomain
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync

/// The demo city run for real: a ledger per office, a `civic serve` node per office on 127.0.0.1,
/// each office recording its own events offline, and a sync night at the end of every month in
/// which each office's node syncs with city hall's over HTTP.
struct DemoRun {
    struct Office {
        let office: DemoOffice
        let data: String
        let desk: LedgerDirectory.Opened
        var node: ServeNode?
    }

    let city: DemoCity
    let folder: String
    var offices: [Office] = []
    var syncRounds = 0
    var eventsSynced = 0
    /// Wall-clock seconds spent recording at the desks and syncing over HTTP.
    var recordSeconds = 0.0
    var syncSeconds = 0.0

    /// Creates the ledgers, with keys derived from the seed so that a run is repeatable byte for
    /// byte (demo keys only: a real office's key comes from `civic init`).
    init(city: DemoCity, folder: String) throws {
        self.city = city
        self.folder = folder
        let registrar = DemoCity.registrar
        var registrarKey: NoteVerifier?
        for office in city.offices {
            let identity = try LedgerIdentity(city: DemoCity.name, office: office.id, registrar: registrar)
            let signer = try NoteSigner(name: identity.origin, seed: Hash.sha256(Array("civicledger demo key v1/\(city.seed)/\(office.id)".utf8)).bytes)
            let data = folder + "/nodes/" + office.id
            let desk = try LedgerDirectory(path: data).initialize(
                identity: identity, registrarKey: office.id == registrar ? nil : registrarKey, projector: CivicProjector(), signer: signer)
            if office.id == registrar { registrarKey = signer.verifier }
            offices.append(Office(office: office, data: data, desk: desk))
        }
    }

    var registrar: Office { offices[0] }

    /// Starts a node per office.
    mutating func startNodes() throws {
        for index in offices.indices {
            let office = offices[index]
            offices[index].node = try ServeNode(office: office.office.id, data: office.data, log: office.data + "/serve.log")
        }
    }

    func stopNodes() {
        for office in offices { office.node?.stop() }
    }

    /// City hall registers every other office with its key, on the first day.
    func registerOffices() throws {
        guard let first = city.months.first, let date = LedgerDate(year: first.year, month: first.month, day: 1) else { return }
        let drafts = try offices.dropFirst().map { office in
            try EventDraft(
                type: "office.registered", effective: date,
                body: .object([("office", .string(office.office.id)), ("name", .string(office.office.name)), ("key", .string(office.desk.signer.verifier.vkey))]))
        }
        let now = date.unixMilliseconds + 8 * 3_600_000
        _ = try registrar.desk.store.append(drafts, signer: registrar.desk.signer, now: { now })
    }

    /// Each office records its events of `month` at its own desk, a batch a day, its clock at noon
    /// of that day (UTC).
    mutating func record(_ month: DemoMonth) throws {
        let started = Date()
        defer { recordSeconds += Date().timeIntervalSince(started) }
        for office in offices {
            let events = month.events.filter { $0.office == office.office.id }
            var start = events.startIndex
            while start < events.endIndex {
                let day = events[start].effective
                let end = events[start...].firstIndex { $0.effective != day } ?? events.endIndex
                let drafts = try events[start..<end].map { try EventDraft(type: $0.type, effective: $0.effective, body: $0.body) }
                let noon = day.unixMilliseconds + 12 * 3_600_000
                _ = try office.desk.store.append(drafts, signer: office.desk.signer, now: { noon })
                start = end
            }
        }
    }

    /// One sync night: every office's node syncs with city hall's, and then each again but the last,
    /// so that what one office pushed reaches all the others the same night.
    mutating func syncNight() async throws {
        guard let hall = registrar.node else { return }
        let started = Date()
        defer { syncSeconds += Date().timeIntervalSince(started) }
        for pass in 0..<2 {
            // The last office of the first pass already holds everything.
            for office in offices.dropFirst().dropLast(pass) {
                guard let node = office.node else { continue }
                let report = try await SyncEngine.round(local: HTTPPeer(base: node.url), remote: HTTPPeer(base: hall.url), witness: false)
                if let (log, reason) = report.refused.first { throw CLIFailure(message: "sync \(office.office.id) ↔ cityhall refused \(log): \(reason)") }
                syncRounds += 1
                eventsSynced += report.pulled.values.reduce(0, +) + report.pushed.values.reduce(0, +)
            }
        }
    }

    /// The witnessing pass after the last night: every office's node exchanges cosignatures with
    /// city hall's, each cosigning the others' final checkpoints (PUBLISH.md §3), so that city hall
    /// holds every witness's cosignature of every log (`civic publish` shows them). A second pass
    /// brings city hall's collection back to every node.
    mutating func witness() async throws {
        guard let hall = registrar.node else { return }
        for _ in 0..<2 {
            for office in offices.dropFirst() {
                guard let node = office.node else { continue }
                let report = try await SyncEngine.round(local: HTTPPeer(base: node.url), remote: HTTPPeer(base: hall.url))
                syncRounds += 1
                if !report.isEmpty { throw CLIFailure(message: "the witnessing round of \(office.office.id) moved events: the nodes had not converged") }
            }
        }
    }

    /// The citywide checkpoint each node's ledger holds, by office.
    func checkpoints() throws -> [(office: String, checkpoint: CitywideCheckpoint, events: Int)] {
        try offices.map { office in
            (office.office.id, try office.desk.store.citywideCheckpoint(), try office.desk.store.eventCount())
        }
    }
}
