import ArgumentParser
import Foundation
import LedgerStore

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute every leaf hash, chain link and root; check every stored checkpoint signature.",
        discussion: "Exit 0 with a one-line summary, or exit 1 naming the first bad event."
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let opened = try global.open()
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
            let list = report.forks.map { "\($0.office)#\($0.seq) (\($0.reason))" }.joined(separator: "; ")
            throw CLIFailure(message: "fork evidence held for \(report.forks.count) range(s): \(list)")
        }
    }
}
