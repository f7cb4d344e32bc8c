import ArgumentParser
import CivicDomain
import LedgerCore
import LedgerStore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Record many events from JSON lines in one transaction: all are stored, or none.",
        discussion: #"Each line: {"type":"district.defined","effective":"2026-01-01","author":"…","body":{…}}. Blank lines are skipped."#
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A JSON-lines file, or - for stdin.", valueName: "FILE.jsonl"))
    var file: String

    @Option(help: ArgumentHelp("Effective date for lines without one (default: today, UTC).", valueName: "YYYY-MM-DD"))
    var effective: String?

    func run() throws {
        let opened = try global.open()
        let defaultEffective = try InputFiles.date(effective, option: "--effective") ?? InputFiles.today
        var reader = try LineReader(path: file, maximumLineBytes: 1 << 20)
        var lineOfDraft: [Int] = []
        do {
            // The civic projector checks every body (structure, then the ledger) as it is stored.
            let summary = try opened.store.append(
                signer: opened.signer,
                progress: { count in Terminal.progress("imported \(count) events…") }
            ) {
                while let line = try reader.next() {
                    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                    lineOfDraft.append(reader.lineNumber)
                    return try EventDraft(jsonLine: line, defaultEffective: defaultEffective)
                }
                return nil
            }
            Terminal.endProgress()
            let range = summary.firstSeq.map { "seq \($0)–\($0 + UInt64(summary.count) - 1)" } ?? "nothing"
            print("imported \(summary.count) events (\(range)); checkpoint size \(summary.checkpoint.checkpoint.size)")
        } catch let error as StoreError {
            Terminal.endProgress()
            if let index = error.refusedIndex, index < lineOfDraft.count {
                throw CLIFailure(message: "line \(lineOfDraft[index]): \(error); nothing was imported")
            }
            throw CLIFailure(message: "\(error); nothing was imported")
        }
    }
}
