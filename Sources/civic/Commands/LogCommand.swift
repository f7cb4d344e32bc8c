import ArgumentParser
import CivicCommandLine
import CivicDomain
import LedgerCore
import LedgerStore

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List events in (office, seq) order.",
        discussion: "--format json prints one object per line: id, office, seq, hlc, type, effective, author, body, canonical (base64)."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: TimeOptions

    @Option(help: "Only this office's events.")
    var office: String?

    @Option(help: "table or json.")
    var format: TableOrJSON = .table

    func run() throws {
        let opened = try global.open()
        var output = OutputBuffer()
        if format == .table {
            output.write(pad("OFFICE", 12) + pad("SEQ", 8) + pad("HLC", 18) + pad("EFFECTIVE", 12) + pad("TYPE", 26) + "ID\n")
        }
        let filter = try time.filter()
        try opened.store.forEachEvent(
            office: office, recordedBy: filter.asOf, arrivedBy: filter.knownAt, effectiveBy: filter.effectiveOn?.description
        ) { stored in
            switch format {
            case .table:
                output.write(
                    pad(stored.office, 12) + pad(String(stored.seq), 8) + pad(stored.hlc.description, 18) + pad(stored.effective, 12)
                        + pad(stored.type, 26) + String(stored.id.hex.prefix(16)) + "\n")
            case .json:
                let event = try Event(canonical: stored.canonical)
                output.write(bytes: try CanonicalJSON.encode(event.logLine))
                output.write("\n")
            }
            return true
        }
        output.flush()
    }
}
