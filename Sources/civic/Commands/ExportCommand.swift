import ArgumentParser
import CivicCommandLine
import CivicDomain
import Foundation
import LedgerCore
import LedgerStore
import OpenData

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "The ledger in an open standard: `civic export ocds --out DIR` writes OCDS 1.1 release and record packages.",
        discussion: """
            One release per event about a system with an ocid (system.procured's own, or --ocid-prefix and the system id):
            procured (award, contract), amended (contractAmendment), paid (implementation), retired (contractTermination).
            Records carry the compiled and versioned releases of the OCDS merge routine. Protocol/OPEN-DATA.md has the mapping.
            """
    )

    enum Standard: String, ExpressibleByArgument, CaseIterable { case ocds }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: TimeOptions
    @Argument(help: "The standard: ocds.") var standard: Standard
    @Option(help: ArgumentHelp("The folder to write release-package.json and record-package.json to.", valueName: "DIR")) var out: String
    @Option(help: ArgumentHelp("The city's OCDS prefix: a system without its own ocid gets PREFIX-<system> (default: civic init's).", valueName: "PREFIX"))
    var ocidPrefix: String?
    @Option(help: ArgumentHelp("The packages' uri (default: file URLs in DIR).", valueName: "URI")) var uri: String?
    @Option(help: ArgumentHelp("The publisher's name (default: the city).", valueName: "NAME")) var publisher: String?

    func run() throws {
        if let ocidPrefix, !OCDSExport.isPrefix(ocidPrefix) {
            throw CLIFailure(message: "--ocid-prefix \(ocidPrefix) is not an OCDS prefix (ocds- and the code the Open Contracting Partnership registered)")
        }
        let opened = try global.open()
        let store = opened.store
        let ocidPrefix = try self.ocidPrefix ?? store.setting(OCDSExport.prefixSetting)
        let state = try CityState.load(from: store, filter: try time.filter())
        let events = try Self.events(store, state: state, bounds: try time.filter().bounds)
        let (releases, withoutOCID) = OCDSExport.releases(events, ocidPrefix: ocidPrefix)
        let now = LedgerStore.systemMilliseconds()
        let folder = URL(fileURLWithPath: out)
        let name = publisher ?? store.identity.city
        let base = uri ?? folder.standardizedFileURL.absoluteString
        let releasePackage = OCDSExport.releasePackage(releases, uri: base + "/release-package.json", publisher: name, published: now)
        let recordPackage: JSONValue
        do {
            recordPackage = try OCDSExport.recordPackage(releases, rules: .ocds115, uri: base + "/record-package.json", publisher: name, published: now)
        } catch {
            throw CLIFailure(message: "cannot merge the releases: \(error)")
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (file, package) in [("release-package.json", releasePackage), ("record-package.json", recordPackage)] {
                let target = folder.appendingPathComponent(file)
                let temporary = folder.appendingPathComponent("." + file + ".tmp")
                try Data(try package.prettyPrinted().utf8).write(to: temporary)
                guard rename(temporary.path, target.path) == 0 else { throw CLIFailure(message: "cannot write \(target.path): \(String(cString: strerror(errno)))") }
            }
        } catch let error as CLIFailure {
            throw error
        } catch {
            throw CLIFailure(message: "cannot write to \(out): \(error.localizedDescription)")
        }
        let records = recordPackage["records"]?.arrayValue?.count ?? 0
        print("exported \(releases.count) releases of \(records) contracting processes to \(out)")
        if !withoutOCID.isEmpty {
            print("left out \(withoutOCID.count) systems without an ocid (give --ocid-prefix): \(withoutOCID.joined(separator: ", "))")
        }
    }

    /// The events under the time bounds in citywide order, with the bodies that stand: events the
    /// fold leaves out are skipped, and a corrected event's place holds its correction's
    /// replacement, with the correction's id and time.
    static func events(_ store: LedgerStore, state: CityState, bounds: TimeBounds) throws -> [OCDSExport.Event] {
        let ignored = Set(state.findings.filter { $0.resolution == .ignored }.flatMap(\.events).map(\.id.hex))
        let applied = Set(state.corrections.map(\.correctedBy))
        var stored: [(key: OrderKey, event: Event)] = []
        try store.forEachEvent(recordedBy: bounds.recordedBy, arrivedBy: bounds.arrivedBy, effectiveBy: bounds.effectiveBy) { row in
            let event = try Event(canonical: row.canonical)
            stored.append((OrderKey(event.envelope), event))
            return true
        }
        stored.sort { $0.key < $1.key }
        let types = Dictionary(stored.map { ($0.event.id, $0.event.envelope.type) }, uniquingKeysWith: { first, _ in first })
        var replacements: [String: OCDSExport.Event] = [:]
        for (_, event) in stored where applied.contains(event.id) {
            guard case .eventCorrected(let correction)? = try? CivicBody.decode(type: event.envelope.type, body: event.envelope.body),
                let type = types[correction.event.hex], let body = try? CivicBody.decode(type: type, body: correction.replacement)
            else { continue }
            replacements[correction.event.hex] = OCDSExport.Event(id: event.id, office: event.envelope.office, recorded: event.envelope.hlc.wall, body: body)
        }
        var events: [OCDSExport.Event] = []
        for (_, event) in stored where !ignored.contains(event.id) {
            if let replacement = replacements[event.id] {
                events.append(replacement)
                continue
            }
            let envelope = event.envelope
            guard let body = try? CivicBody.decode(type: envelope.type, body: envelope.body) else { continue }
            if case .eventCorrected = body { continue }
            events.append(OCDSExport.Event(id: event.id, office: envelope.office, recorded: envelope.hlc.wall, body: body))
        }
        return events
    }
}
