import ArgumentParser
import CivicCommandLine
import CivicDomain
import Foundation
import LedgerCore
import LedgerStore
import OpenData

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Record many events in one transaction, from JSON lines, a finance CSV export or OCDS: all are stored, or none.",
        discussion: #"""
            JSON lines: {"type":"district.defined","effective":"2026-01-01","author":"…","body":{…}} per line; blank lines are skipped.
            --csv FILE --map MAP.json: one cost.incurred per line of a finance system's export of payments; the map says
            which column holds each field and how amounts and dates are written (README, "Open data").
            --ocds FILE [--map MAP.json]: OCDS 1.1 releases, each contracting process a system; releases already imported
            record nothing (Protocol/OPEN-DATA.md).
            """#
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A JSON-lines file, or - for stdin.", valueName: "FILE.jsonl"))
    var file: String?

    @Option(help: ArgumentHelp("A CSV export of payments, or - for stdin: each line a cost.incurred (with --map).", valueName: "FILE.csv"))
    var csv: String?

    @Option(help: ArgumentHelp("OCDS 1.1 releases, or - for stdin: a release package, a record package, or a release per line.", valueName: "FILE.json"))
    var ocds: String?

    @Option(help: ArgumentHelp("With --csv: how the columns map to cost.incurred; with --ocds: what OCDS does not say (JSON).", valueName: "MAP.json"))
    var map: String?

    @Option(help: ArgumentHelp("Effective date for lines without one (default: today, UTC).", valueName: "YYYY-MM-DD"))
    var effective: String?

    /// Which input was given: a JSON-lines file, a CSV export with its map, or OCDS (one line if not exactly one).
    private func checkInputs() throws {
        let given = [file, csv, ocds].compactMap { $0 }.count
        guard given == 1 else {
            throw CLIFailure(message: given == 0 ? "give a JSON-lines FILE, --csv FILE with --map MAP.json, or --ocds FILE" : "give one of FILE, --csv FILE and --ocds FILE")
        }
        if csv != nil, map == nil { throw CLIFailure(message: "--csv needs --map MAP.json (which column holds each field)") }
        if file != nil, map != nil { throw CLIFailure(message: "--map goes with --csv or --ocds") }
    }

    /// The events of OCDS releases that the ledger does not hold yet (nothing is stored if one
    /// release cannot be mapped).
    private func ocdsDrafts(_ path: String, map mapPath: String?, store: LedgerStore) throws -> [(release: String, draft: EventDraft)] {
        var importMap = OCDSImportMap()
        if let mapPath {
            let mapBytes = try InputFiles.read(mapPath, limit: 1 << 20)
            do {
                importMap = try OCDSImportMap(json: try JSONParser.parse(mapBytes, profile: .general))
            } catch let error as OCDSImportError {
                throw CLIFailure(message: "\(mapPath): \(error)")
            } catch {
                throw CLIFailure(message: "\(mapPath): not JSON: \(error)")
            }
        }
        // The ocids of this city's own prefix name their systems without it.
        if importMap.ocidPrefix == nil { importMap.ocidPrefix = try store.setting(OCDSExport.prefixSetting) }
        let source = path == "-" ? "stdin" : path
        do {
            let releases = try OCDSImport.releases(try InputFiles.read(path, limit: 1 << 30))
            return try OCDSImport.drafts(releases, map: importMap) { system in try Self.held(store, system: system) }
        } catch let error as OCDSImportError {
            throw CLIFailure(message: "\(source): \(error); nothing was imported")
        }
    }

    /// What the ledger holds of a system that an import must not record again.
    static func held(_ store: LedgerStore, system: String) throws -> OCDSImport.Held {
        var held = OCDSImport.Held()
        for entry in try SystemHistory.load(from: store, system: system).entries {
            held.add(type: entry.event.envelope.type, body: entry.event.envelope.body)
        }
        return held
    }

    /// The cost lines of a CSV export, as the map reads them (nothing is stored if one is wrong).
    private func csvDrafts(_ path: String, map mapPath: String) throws -> [(line: Int, draft: EventDraft)] {
        let mapBytes = try InputFiles.read(mapPath, limit: 1 << 20)
        let mapJSON: JSONValue
        do {
            mapJSON = try JSONParser.parse(mapBytes, profile: .general)
        } catch {
            throw CLIFailure(message: "\(mapPath): not JSON: \(error)")
        }
        do {
            let costMap = try CostCSVMap(json: mapJSON)
            return try costMap.drafts(try InputFiles.read(path, limit: 1 << 30))
        } catch let error as CostCSVError {
            throw CLIFailure(message: "\(path == "-" ? "stdin" : path): \(error); nothing was imported")
        }
    }

    func run() throws {
        try checkInputs()
        if let ocds {
            let opened = try global.open()
            let drafts = try ocdsDrafts(ocds, map: map, store: opened.store)
            guard !drafts.isEmpty else {
                print("nothing new: the ledger holds every release of \(ocds == "-" ? "stdin" : ocds) already")
                return
            }
            var next = drafts.makeIterator()
            try record(opened, what: "events", next: { next.next()?.draft }) { index in
                index < drafts.count ? drafts[index].release : nil
            }
            return
        }
        if let csv, let map {
            let drafts = try csvDrafts(csv, map: map)
            let opened = try global.open()
            var next = drafts.makeIterator()
            try record(opened, what: "cost lines", next: { next.next()?.draft }) { index in
                index < drafts.count ? "line \(drafts[index].line)" : nil
            }
            return
        }
        let opened = try global.open()
        let defaultEffective = try InputFiles.date(effective, option: "--effective") ?? InputFiles.today
        var reader = try LineReader(path: file ?? "-", maximumLineBytes: 1 << 20)
        var lineOfDraft: [Int] = []
        try record(opened, what: "events") {
            while let line = try reader.next() {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                lineOfDraft.append(reader.lineNumber)
                return try EventDraft(jsonLine: line, defaultEffective: defaultEffective)
            }
            return nil
        } place: { index in index < lineOfDraft.count ? "line \(lineOfDraft[index])" : nil }
    }

    /// Records the drafts in one transaction; a refusal names where the refused draft came from
    /// (`place` of its 0-based index: a line, a release).
    private func record(_ opened: LedgerDirectory.Opened, what: String, next: () throws -> EventDraft?, place: (Int) -> String?) throws {
        do {
            // The civic projector checks every body (structure, then the ledger) as it is stored.
            let summary = try opened.store.append(
                signer: opened.signer,
                progress: { count in Terminal.progress("imported \(count) \(what)…") },
                next: next
            )
            Terminal.endProgress()
            let range = summary.firstSeq.map { "seq \($0)–\($0 + UInt64(summary.count) - 1)" } ?? "nothing"
            print("imported \(summary.count) \(what) (\(range)); checkpoint size \(summary.checkpoint.checkpoint.size)")
        } catch let error as StoreError {
            Terminal.endProgress()
            if let index = error.refusedIndex, let origin = place(index) {
                throw CLIFailure(message: "\(origin): \(error); nothing was imported")
            }
            throw CLIFailure(message: "\(error); nothing was imported")
        }
    }
}
