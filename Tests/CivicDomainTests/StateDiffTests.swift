import CivicDomain
import LedgerCore
import Testing

/// `civic diff` compares arrays element by element where their elements are named: systems by
/// id, cost lines by system, year, category, source and currency.
@Suite("What changed between two states")
struct StateDiffTests {
    static func line(_ system: String, _ year: String, _ category: String, amount: Int64) -> JSONValue {
        .object([
            ("amount", .integer(amount)), ("category", .string(category)), ("currency", .string("USD")), ("events", .integer(1)),
            ("source", .string("general-fund")), ("system", .string(system)), ("year", .string(year)),
        ])
    }

    /// One cost line changed, one added, one gone: three changes, each named by its line, never
    /// the whole array (a large city's cost lines are tens of megabytes of JSON).
    @Test func costLinesAreComparedLineByLine() {
        let before = JSONValue.object([
            ("costs", .array([
                Self.line("cams", "2025", "licence", amount: 100), Self.line("cams", "2025", "energy", amount: 5),
                Self.line("lpr", "2024", "licence", amount: 7),
            ])),
            ("systems", .array([.object([("system", .string("cams")), ("vendor", .string("Acme"))])])),
        ])
        let after = JSONValue.object([
            ("costs", .array([
                Self.line("cams", "2025", "licence", amount: 150), Self.line("cams", "2025", "energy", amount: 5),
                Self.line("cams", "2026", "licence", amount: 9),
            ])),
            ("systems", .array([.object([("system", .string("cams")), ("vendor", .string("Beta"))])])),
        ])
        let changes = StateDiff.changes(from: before, to: after)
        #expect(changes.map(\.path) == [
            "costs[cams, 2025, licence, general-fund, USD].amount", "costs[cams, 2026, licence, general-fund, USD]",
            "costs[lpr, 2024, licence, general-fund, USD]", "systems[cams].vendor",
        ])
        #expect(changes[0].before == .integer(100) && changes[0].after == .integer(150))
        #expect(changes[1].before == nil && changes[1].after == Self.line("cams", "2026", "licence", amount: 9))
        #expect(changes[2].after == nil)
    }

    /// Elements that share a name are compared as a whole array, as before.
    @Test func arraysWhoseNamesRepeatAreComparedWhole() {
        let twice = JSONValue.array([Self.line("cams", "2025", "licence", amount: 1), Self.line("cams", "2025", "licence", amount: 2)])
        let changes = StateDiff.changes(from: .object([("costs", twice)]), to: .object([("costs", .array([]))]))
        #expect(changes.map(\.path) == ["costs"])
    }
}
