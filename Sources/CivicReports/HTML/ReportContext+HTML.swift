import CivicDomain
import LedgerCore

/// What the pages say about the context: the filter in words, the command that reproduces a report,
/// and money for reading and for scaling charts.
extension ReportContext {
    /// The time filter in words, e.g. `as of 2024-03-01 (end of day, UTC)`; `latest` without one.
    var filterDescription: String { TimeTravel.describe(filter) }

    /// The `civic report` options that select this context: the time filter and the currency.
    var commandOptions: [String] {
        var options: [String] = []
        if let asOf = filter.asOf { options += ["--as-of", Self.instantArgument(asOf)] }
        if let knownAt = filter.knownAt { options += ["--known-at", Self.instantArgument(knownAt)] }
        if let effectiveOn = filter.effectiveOn { options += ["--effective-on", effectiveOn.description] }
        if let currency { options += ["--currency", currency.code] }
        return options
    }

    /// Money for reading, thousands grouped: `37,700,415.51`.
    func readableMoney(_ minor: Int64) -> String {
        let text = money(minor)
        let sign = text.hasPrefix("-") ? "-" : ""
        let digits = text.drop { $0 == "-" }
        let whole = digits.prefix { $0 != "." }
        var grouped = ""
        for (index, digit) in whole.enumerated() {
            if index > 0, (whole.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return sign + grouped + digits.dropFirst(whole.count)
    }

    /// Minor units as major units, for scaling charts.
    func major(_ minor: Int64) -> Double {
        var divisor = 1.0
        for _ in 0..<(currency?.exponent ?? 0) { divisor *= 10 }
        return Double(minor) / divisor
    }

    /// A point in time as the CLI prints it: the date alone when it is a day's last millisecond.
    static func instantDescription(_ milliseconds: Int64) -> String {
        let (date, time) = parts(milliseconds)
        if time == Self.day - 1 { return "\(date) (end of day, UTC)" }
        let clock = clockText(time)
        return time % 1000 == 0 ? "\(date)T\(clock)Z" : "\(date)T\(clock).\(pad(time % 1000, to: 3))Z"
    }

    /// A point in time as `--as-of` takes it back: a date, a UTC time to the second, or Unix milliseconds.
    static func instantArgument(_ milliseconds: Int64) -> String {
        let (date, time) = parts(milliseconds)
        if time == Self.day - 1 { return date.description }
        return time % 1000 == 0 ? "\(date)T\(clockText(time))Z" : String(milliseconds)
    }

    private static let day: Int64 = 86_400_000

    private static func parts(_ milliseconds: Int64) -> (LedgerDate, Int64) {
        let time = ((milliseconds % day) + day) % day
        return (LedgerDate(unixMilliseconds: milliseconds), time)
    }

    private static func clockText(_ time: Int64) -> String {
        "\(pad(time / 3_600_000, to: 2)):\(pad(time / 60_000 % 60, to: 2)):\(pad(time / 1000 % 60, to: 2))"
    }

    private static func pad(_ value: Int64, to width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
