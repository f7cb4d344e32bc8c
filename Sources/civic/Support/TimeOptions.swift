import ArgumentParser
import CivicCommandLine
import CivicDomain
import LedgerCore

/// The three times of DESIGN §4, taken by every read command.
struct TimeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Events recorded at or before T (a date means its end, UTC; or YYYY-MM-DDTHH:MM:SSZ).", valueName: "T"))
    var asOf: String?

    @Option(help: ArgumentHelp("Events this node had received at or before T.", valueName: "T"))
    var knownAt: String?

    @Option(help: ArgumentHelp("Facts in force on date D.", valueName: "YYYY-MM-DD"))
    var effectiveOn: String?

    func filter() throws -> TimeFilter {
        func instant(_ text: String?, _ option: String) throws -> Int64? {
            guard let text else { return nil }
            guard let value = TimeFilter.instant(text) else {
                throw CLIFailure(message: "\(option) \"\(text)\" is not a time (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or Unix ms)")
            }
            return value
        }
        return TimeFilter(
            asOf: try instant(asOf, "--as-of"), knownAt: try instant(knownAt, "--known-at"),
            effectiveOn: try InputFiles.date(effectiveOn, option: "--effective-on"))
    }
}

/// Output formats of the read commands.
enum TableOrJSON: String, ExpressibleByArgument, CaseIterable {
    case table, json
}
