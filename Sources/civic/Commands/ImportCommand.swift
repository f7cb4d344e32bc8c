import ArgumentParser
import CivicDomain
import LedgerCore
import LedgerStore
import OpenData

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Record many events in one transaction, from JSON lines or a finance CSV export: all are stored, or none.",
        discussion: #"""
            JSON lines: {"type":"district.defined","effective":"2026-01-01","author":"…","body":{…}} per line; blank lines are skipped.
            --csv FILE --map MAP.json: one cost.incurred per line of a finance system's export of payments; the map says
            which column holds each field and how amounts and dates are written (README, "Open data").
            """#
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A JSON-lines file, or - for stdin.", valueName: "FILE.jsonl"))
    var file: String?

    @Option(help: ArgumentHelp("A CSV export of payments, or - for stdin: each line a cost.incurred (with --map).", valueName: "FILE.csv"))
    var csv: String?

    @Option(help: ArgumentHelp("How the CSV's columns map to cost.incurred (JSON).", valueName: "MAP.json"))
    var map: String?

    @Option(help: ArgumentHelp("Effective date for lines without one (default: today, UTC).", valueName: "YYYY-MM-DD"))
    var effective: String?

    /// Which input was given: a JSON-lines file, or a CSV export with its map (one line if neither or both).
    private func checkInputs() throws {
        switch (file, csv) {
        case (nil, nil): throw CLIFailure(message: "give a JSON-lines FILE, or --csv FILE with --map MAP.json")
        case (.some, .some): throw CLIFailure(message: "give a JSON-lines FILE or --csv FILE, not both")
        case (nil, .some): if map == nil { throw CLIFailure(message: "--csv needs --map MAP.json (which column holds each field)") }
        case (.some, nil): if map != nil { throw CLIFailure(message: "--map goes with --csv") }
        }
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
        if let csv, let map {
            let drafts = try csvDrafts(csv, map: map)
            let opened = try global.open()
            var next = drafts.makeIterator()
            try record(opened, lines: drafts.map(\.line), what: "cost lines") { next.next()?.draft }
            return
        }
        let opened = try global.open()
        let defaultEffective = try InputFiles.date(effective, option: "--effective") ?? InputFiles.today
        var reader = try LineReader(path: file ?? "-", maximumLineBytes: 1 << 20)
        var lineOfDraft: [Int] = []
        try record(opened, lines: lineOfDraft, what: "events") {
            while let line = try reader.next() {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                lineOfDraft.append(reader.lineNumber)
                return try EventDraft(jsonLine: line, defaultEffective: defaultEffective)
            }
            return nil
        } lineOf: { index in index < lineOfDraft.count ? lineOfDraft[index] : nil }
    }

    /// Records the drafts in one transaction; a refusal names the line of the draft refused.
    private func record(
        _ opened: LedgerDirectory.Opened, lines: [Int], what: String, next: () throws -> EventDraft?,
        lineOf: ((Int) -> Int?)? = nil
    ) throws {
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
            if let index = error.refusedIndex, let line = lineOf?(index) ?? (index < lines.count ? lines[index] : nil) {
                throw CLIFailure(message: "line \(line): \(error); nothing was imported")
            }
            throw CLIFailure(message: "\(error); nothing was imported")
        }
    }
}
