import ArgumentParser
import CivicCommandLine
import CivicDomain
import Foundation
import LedgerCore
import LedgerStore

struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "The city as the ledger describes it: systems, costs, deployments, assessments, algorithms, districts."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: TimeOptions
    @Option(help: "table or json.") var format: TableOrJSON = .table

    func run() throws {
        let opened = try global.openForOneReading()
        let state = try CityState.load(from: opened.store, filter: try time.filter(), systemsInOrder: true)
        switch format {
        case .json: try state.writeJSON { FileHandle.standardOutput.write(Data($0)) }
        case .table: FileHandle.standardOutput.write(Data(try Self.table(state)))
        }
        keepUntilExit(state)
    }

    /// The systems by id, then the districts by id, in columns: UTF-8 bytes, written row by row
    /// into one buffer (a city of 20,000 systems makes a table of some 2 MB).
    static func table(_ state: CityState) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(130 * (state.facts.systems.count + state.facts.districts.count + 4))
        out += "\(state.eventCount) events; \(state.facts.districts.count) districts, \(state.facts.systems.count) systems, ".utf8
        out += "\(state.facts.algorithms.count) algorithms, \(state.corrections.count) corrections applied\n\n".utf8
        for (title, width) in [("SYSTEM", 22), ("CATEGORY", 22), ("VENDOR", 22), ("STATUS", 9), ("CONTRACT", 16), ("SPENT", 16)] {
            pad(title, width, into: &out)
        }
        out += "UNITS\n".utf8
        // The records come in id order (``CityState/systemsByID``, ordered during the load); the
        // totals are summed, then each half of the rows is written on a core of its own (nothing
        // else runs while the table is written).
        let records = state.systemsByID
        let totals = state.costs.totals
        let writing = ParallelChunks<[UInt8]>()
        for half in [records[..<(records.count / 2)], records[(records.count / 2)...]] {
            writing.run { systemRows(half, totals: totals) }
        }
        for rows in try writing.values() { out += rows }
        if !state.facts.districts.isEmpty {
            out += "\n".utf8
            for (title, width) in [("DISTRICT", 22), ("POPULATION", 12), ("NEED", 6)] { pad(title, width, into: &out) }
            out += "PRIORITY\n".utf8
            for id in state.facts.districts.keys.sorted() {
                guard let district = state.facts.districts[id] else { continue }
                pad(district.district, 22, into: &out)
                pad(String(district.population), 12, into: &out)
                pad(String(district.needIndex), 6, into: &out)
                out += (district.priority ? "yes\n" : "no\n").utf8
            }
        }
        return out
    }

    /// The table's rows of `records` (by id), in their order.
    private static func systemRows(_ records: ArraySlice<SystemRecord>, totals: [String: Int64]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(130 * records.count)
        for record in records {
            let currency = record.procured.contract.currency
            pad(record.procured.system, 22, into: &out)
            pad(record.procured.category.rawValue, 22, into: &out)
            pad(record.procured.vendor, 22, into: &out)
            pad(record.retiredOn == nil ? "active" : "retired", 9, into: &out)
            func money(_ amount: Int64) {
                let start = out.count
                out += currency.code.utf8
                out.append(0x20)
                currency.format(amount, into: &out)
                padWritten(from: start, 16, into: &out)
            }
            money(record.contractValue)
            money(totals[record.procured.system] ?? 0)
            out += "\(record.deployments.values.reduce(0, +))\n".utf8
        }
        return out
    }
}

/// `text` in a column of `width` characters (cut to `width - 1` and a space when longer), appended
/// as UTF-8. Printable ASCII (nearly every cell) is one character per byte; anything else is
/// counted in characters, as ``pad(_:_:)`` does.
func pad(_ text: String, _ width: Int, into out: inout [UInt8]) {
    let start = out.count
    out += text.utf8
    padWritten(from: start, width, into: &out)
}

/// The text written to `out` from `start` in a column of `width`, as ``pad(_:_:into:)`` puts it
/// there.
func padWritten(from start: Int, _ width: Int, into out: inout [UInt8]) {
    guard out[start...].allSatisfy({ (0x20..<0x7F).contains($0) }) else {
        let text = String(decoding: out[start...], as: UTF8.self)
        out.removeSubrange(start...)
        out += pad(text, width).utf8
        return
    }
    let count = out.count - start
    if count >= width {
        out.removeLast(count - width + 1)
        out.append(0x20)
    } else {
        out += repeatElement(UInt8(0x20), count: width - count)
    }
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? String(text.prefix(width - 1)) + " " : text + String(repeating: " ", count: width - text.count)
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Every event about one system, in citywide order; corrections marked.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: TimeOptions
    @Argument(help: "The system id.") var system: String
    @Option(help: "table or json.") var format: TableOrJSON = .table

    func run() throws {
        let opened = try global.open()
        let history = try SystemHistory.load(from: opened.store, system: system, filter: try time.filter())
        guard !history.entries.isEmpty else { throw CLIFailure(message: "no events about system \"\(system)\"") }
        var output = OutputBuffer()
        for entry in history.entries {
            let envelope = entry.event.envelope
            switch format {
            case .table:
                var mark = ""
                if let by = entry.correctedBy { mark = "  [corrected by \(by.prefix(12))]" }
                if let target = entry.corrects { mark = "  [corrects \(target.prefix(12))]" }
                output.write(
                    pad(envelope.effective.description, 12) + pad("\(envelope.office)#\(envelope.seq)", 16) + pad(envelope.type, 24)
                        + String(entry.event.id.prefix(12)) + mark + "\n")
            case .json:
                var members: [(String, JSONValue)] = [
                    ("id", .string(entry.event.id)), ("office", .string(envelope.office)), ("seq", .integer(Int64(envelope.seq))),
                    ("hlc", .object([("wall", .integer(envelope.hlc.wall)), ("logical", .integer(envelope.hlc.logical))])),
                    ("type", .string(envelope.type)), ("effective", .string(envelope.effective.description)), ("body", envelope.body),
                    ("arrived_ms", .integer(entry.arrived)),
                ]
                if let by = entry.correctedBy { members.append(("corrected_by", .string(by))) }
                if let target = entry.corrects { members.append(("corrects", .string(target))) }
                output.write(bytes: try CanonicalJSON.encode(.object(members)))
                output.write("\n")
            }
        }
        output.flush()
    }
}

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changed in the state between two points in time.",
        discussion: "By default the points are recorded times (--as-of); --by known compares what this node knew (--known-at)."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The earlier point.", valueName: "T1")) var from: String
    @Option(help: ArgumentHelp("The later point.", valueName: "T2")) var to: String
    @Option(help: "recorded (as-of) or known (known-at).") var by: StateDiff.Clock = .recorded
    @Option(help: ArgumentHelp("Facts in force on date D at both points.", valueName: "YYYY-MM-DD")) var effectiveOn: String?
    @Option(help: "table or json.") var format: TableOrJSON = .table

    func run() throws {
        let opened = try global.openForOneReading()
        func instant(_ text: String, _ option: String) throws -> Int64 {
            guard let instant = TimeFilter.instant(text) else { throw CLIFailure(message: "\(option) \"\(text)\" is not a time") }
            return instant
        }
        let changes = try StateDiff.between(
            opened.store, from: try instant(from, "--from"), to: try instant(to, "--to"), by: by,
            effectiveOn: try InputFiles.date(effectiveOn, option: "--effective-on"))
        var output = OutputBuffer()
        for change in changes {
            switch format {
            case .table:
                let before = try change.before.map { String(decoding: try CanonicalJSON.encode($0), as: UTF8.self) } ?? "—"
                let after = try change.after.map { String(decoding: try CanonicalJSON.encode($0), as: UTF8.self) } ?? "—"
                output.write("\(change.path): \(before) → \(after)\n")
            case .json:
                output.write(bytes: try CanonicalJSON.encode(.object([
                    ("path", .string(change.path)), ("before", change.before ?? .null), ("after", change.after ?? .null),
                ])))
                output.write("\n")
            }
        }
        if changes.isEmpty && format == .table { output.write("no changes\n") }
        output.flush()
    }
}

extension StateDiff.Clock: ExpressibleByArgument {}
