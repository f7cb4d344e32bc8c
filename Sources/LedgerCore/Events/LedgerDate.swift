/// A calendar date `YYYY-MM-DD` (proleptic Gregorian), the ledger's valid time.
public struct LedgerDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Parses `YYYY-MM-DD`; nil for any other shape or an impossible date.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard (0x30...0x39).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        guard year >= 1, (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `year-month-day`; nil for an impossible date.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The UTC date of a Unix time in milliseconds.
    public init(unixMilliseconds: Int64) {
        // Howard Hinnant's civil_from_days.
        let days = Int(unixMilliseconds.dividedRoundingDown(by: 86_400_000))
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
        self.day = day
    }

    /// Unix milliseconds at 00:00 UTC of this date.
    public var unixMilliseconds: Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int64(era * 146_097 + doe - 719_468) * 86_400_000
    }

    /// `YYYY-MM-DD`. A year of four digits (every date a body can carry) is written straight into
    /// the string's own ten bytes, which Swift keeps inline: no buffer on the heap (formatting an
    /// event's date was a thirtieth of a receiving node's writer thread). A year past 9999 (a Unix
    /// time far ahead) keeps all its digits.
    public var description: String {
        guard (0...9999).contains(year) else {
            var output: [UInt8] = []
            ASCIIDigits.appendPadded(year, width: 4, into: &output)
            output.append(UInt8(ascii: "-"))
            ASCIIDigits.appendPadded(month, width: 2, into: &output)
            output.append(UInt8(ascii: "-"))
            ASCIIDigits.appendPadded(day, width: 2, into: &output)
            return String(decoding: output, as: UTF8.self)
        }
        return String(unsafeUninitializedCapacity: 10) { bytes in
            let (year, month, day) = (year, month, day)
            bytes[0] = 0x30 + UInt8(year / 1000)
            bytes[1] = 0x30 + UInt8(year / 100 % 10)
            bytes[2] = 0x30 + UInt8(year / 10 % 10)
            bytes[3] = 0x30 + UInt8(year % 10)
            bytes[4] = UInt8(ascii: "-")
            bytes[5] = 0x30 + UInt8(month / 10)
            bytes[6] = 0x30 + UInt8(month % 10)
            bytes[7] = UInt8(ascii: "-")
            bytes[8] = 0x30 + UInt8(day / 10)
            bytes[9] = 0x30 + UInt8(day % 10)
            return 10
        }
    }

    /// Appends ``description`` to a byte buffer (the envelope's encoder).
    func append(into output: inout [UInt8]) {
        output.append(contentsOf: description.utf8)
    }

    public static func < (lhs: LedgerDate, rhs: LedgerDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// The number of days in `month` (1–12) of `year`.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension Int64 {
    fileprivate func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
