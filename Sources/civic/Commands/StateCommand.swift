import ArgumentParser
import CivicDomain
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
        let opened = try global.open()
        let state = try CityState.load(from: opened.store, filter: try time.filter())
        switch format {
        case .json: print(try state.json.prettyPrinted(), terminator: "")
        case .table: print(Self.table(state), terminator: "")
        }
    }

    static func table(_ state: CityState) -> String {
        var out = "\(state.eventCount) events; \(state.facts.districts.count) districts, \(state.facts.systems.count) systems, "
        out += "\(state.facts.algorithms.count) algorithms, \(state.corrections.count) corrections applied\n\n"
        out += pad("SYSTEM", 22) + pad("CATEGORY", 22) + pad("VENDOR", 22) + pad("STATUS", 9) + pad("CONTRACT", 16) + pad("SPENT", 16) + "UNITS\n"
        let totals = state.costTotals
        for record in state.facts.systems.values.sorted(by: { $0.procured.system < $1.procured.system }) {
            let currency = record.procured.contract.currency
            out += pad(record.procured.system, 22) + pad(record.procured.category.rawValue, 22) + pad(record.procured.vendor, 22)
            out += pad(record.retiredOn == nil ? "active" : "retired", 9) + pad("\(currency.code) \(currency.format(record.contractValue))", 16)
            out += pad("\(currency.code) \(currency.format(totals[record.procured.system] ?? 0))", 16)
            out += "\(record.deployments.values.reduce(0, +))\n"
        }
        if !state.facts.districts.isEmpty {
            out += "\n" + pad("DISTRICT", 22) + pad("POPULATION", 12) + pad("NEED", 6) + "PRIORITY\n"
            for district in state.facts.districts.values.sorted(by: { $0.district < $1.district }) {
                out += pad(district.district, 22) + pad(String(district.population), 12) + pad(String(district.needIndex), 6)
                out += (district.priority ? "yes" : "no") + "\n"
            }
        }
        return out
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
        let opened = try global.open()
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
