import ArgumentParser
import CivicCommandLine
import Foundation
import LedgerCore
import LedgerStore

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute every leaf hash, chain link and root; check every stored checkpoint signature and fork proof.",
        discussion: """
            Exit 0 with a one-line summary, or exit 1 naming the first bad event (or the forks proven). With --evidence, \
            prints the fork proofs held (two checkpoints the office signed and a consistency proof) for anyone to check offline.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print the fork proofs held instead of verifying the ledger.") var evidence = false
    @Option(help: "text or json (with --evidence).") var format: TextOrJSON = .text

    func run() throws {
        let opened = try global.open()
        if evidence {
            try printEvidence(opened.store)
            return
        }
        let started = Date()
        let report: VerificationReport
        do {
            report = try opened.store.verify { done, total in
                Terminal.progress("verified \(done) of \(total) events…")
            }
        } catch let failure as VerificationFailure {
            Terminal.endProgress()
            throw CLIFailure(message: failure.description)
        }
        Terminal.endProgress()
        let seconds = Date().timeIntervalSince(started)
        let offices = report.offices.map { "\($0.office)@\($0.size)" }.joined(separator: ", ")
        print(
            "ok: \(report.eventCount) events in \(report.offices.count) office log(s) [\(offices)], "
                + "\(report.checkpointCount) signed checkpoint(s) verified in \(String(format: "%.2f", seconds)) s")
        guard report.forks.isEmpty else {
            let list = report.forks.map { "\($0.office) at size \($0.seq)" }.joined(separator: "; ")
            throw CLIFailure(message: "fork proven (the office signed two histories, see civic verify --evidence): \(list)")
        }
    }

    /// The fork proofs, each checked again, with the office's key: JSON for a checker, or a line each.
    private func printEvidence(_ store: LedgerStore) throws {
        let keys = try store.officeKeys()
        let proofs = try store.forkProofs()
        var entries: [JSONValue] = []
        for held in proofs {
            guard let key = keys[held.office] else { continue }
            try held.proof.verify(firstKey: key, secondKey: key)
            switch format {
            case .json:
                entries.append(.object([("office", .string(held.office)), ("key", .string(key.vkey)), ("proof", held.proof.json)]))
            case .text:
                print("\(held.office): checkpoints of sizes \(held.firstSize) and \(held.secondSize), both signed by \(key.vkey), cannot both hold")
            }
        }
        if format == .json { print(try JSONValue.object([("forks", .array(entries))]).prettyPrinted(), terminator: "") }
        if format == .text && proofs.isEmpty { print("no fork proofs held") }
    }
}
