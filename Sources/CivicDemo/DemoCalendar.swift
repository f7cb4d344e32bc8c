import LedgerCore

/// The demo decade's calendar: months are counted from January 2016 (0) to December 2025 (119).
///
/// ```swift
/// let march2018 = ym(2018, 3)                       // 26
/// DemoCalendar.date(march2018, day: 15)             // 2018-03-15
/// ```
enum DemoCalendar {
    static let firstYear = 2016
    static let monthCount = 120

    /// The year and month (1–12) of a month index.
    static func yearMonth(_ index: Int) -> (year: Int, month: Int) {
        (firstYear + index / 12, index % 12 + 1)
    }

    /// The number of days in the month at `index`.
    static func daysIn(_ index: Int) -> Int {
        let (year, month) = yearMonth(index)
        return LedgerDate.daysIn(month: month, year: year)
    }

    /// The date `day` of the month at `index` (days past the month's end are clamped to its last day).
    static func date(_ index: Int, day: Int) -> LedgerDate {
        let (year, month) = yearMonth(index)
        let day = min(max(day, 1), daysIn(index))
        return LedgerDate(year: year, month: month, day: day) ?? LedgerDate(unixMilliseconds: 0)
    }

    /// The first day of the month at `index`, as `YYYY-MM-DD`.
    static func first(_ index: Int) -> String { date(index, day: 1).description }

    /// The last day of the month at `index`, as `YYYY-MM-DD`.
    static func last(_ index: Int) -> String { date(index, day: daysIn(index)).description }
}

/// The month index of `year`-`month` (January 2016 is 0).
func ym(_ year: Int, _ month: Int) -> Int {
    (year - DemoCalendar.firstYear) * 12 + month - 1
}
