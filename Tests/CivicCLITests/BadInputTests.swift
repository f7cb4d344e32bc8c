import Foundation
import Testing

@Suite("civic: bad input gets one clear line and stores nothing")
struct BadInputTests {
    struct Case: CustomStringConvertible, Sendable {
        let description: String
        let arguments: [String]
        let stdin: String?
        let message: String
    }

    /// Structurally valid (400 mitigations of 200 characters) but over the 64 KiB event limit.
    static let bigBody =
        #"{"system":"s","data_types":["video"],"retention_days":1,"sharing":[],"automated_decisions":false,"districts":[],"risk":"low","mitigations":["#
        + Array(repeating: "\"" + String(repeating: "y", count: 200) + "\"", count: 400).joined(separator: ",") + "]}"

    static let cases: [Case] = [
        Case(description: "malformed JSON", arguments: ["record", "district.defined", "--json", "-"], stdin: #"{"district":"#, message: "malformed JSON"),
        Case(description: "a float", arguments: ["record", "cost.incurred", "--json", "-"], stdin: #"{"amount":12.5}"#, message: "floats are not allowed"),
        Case(description: "a duplicate key", arguments: ["record", "cost.incurred", "--json", "-"], stdin: #"{"a":1,"a":2}"#, message: "duplicate key"),
        Case(description: "an unknown type", arguments: ["record", "budget.spent", "--json", "-"], stdin: "{}", message: "unknown event type"),
        Case(description: "a malformed type", arguments: ["record", "Budget", "--json", "-"], stdin: "{}", message: "type"),
        Case(description: "a body that is not an object", arguments: ["record", "cost.incurred", "--json", "-"], stdin: "[1]", message: "body"),
        Case(description: "a bad district body", arguments: ["record", "district.defined", "--json", "-"],
             stdin: #"{"district":"x","name":"X","population":-1,"need_index":1,"priority":false}"#, message: "population"),
        Case(description: "a bad effective date", arguments: ["record", "cost.incurred", "--json", "-", "--effective", "2026-02-30"], stdin: "{}", message: "--effective"),
        Case(description: "a body over the size limit", arguments: ["record", "surveillance.assessed", "--json", "-"], stdin: bigBody, message: "over the limit"),
        Case(description: "an import line missing its type", arguments: ["import", "-"],
             stdin: #"{"effective":"2026-01-01","body":{}}"# + "\n", message: "line 1: missing field \"type\""),
        Case(description: "an import line with a mistyped effective", arguments: ["import", "-"],
             stdin: #"{"type":"cost.incurred","effective":20260101,"body":{}}"# + "\n", message: "\"effective\" must be a string"),
        Case(description: "an import line with an unknown envelope field", arguments: ["import", "-"],
             stdin: #"{"type":"cost.incurred","seq":9,"body":{}}"# + "\n", message: "unknown field \"seq\""),
        Case(description: "a bad third import line", arguments: ["import", "-"],
             stdin: #"{"type":"district.defined","body":\#(CivicSandbox.district("a"))}"# + "\n\n" + #"{"type":"district.defined","body":\#(CivicSandbox.district("b"))}"# + "\n" + #"{"type":"cost.incurred","body":{"x":1.0}}"#,
             message: "line 4"),
        Case(description: "a non-existent data directory", arguments: ["log", "--data", "/nonexistent/ledger"], stdin: nil, message: "no ledger at /nonexistent/ledger"),
        Case(description: "a missing body file", arguments: ["record", "cost.incurred", "--json", "/nonexistent.json"], stdin: nil, message: "cannot read"),
        Case(description: "a cost of an unknown system", arguments: ["record", "cost.incurred", "--system", "nope", "--amount", "10.00",
             "--currency", "USD", "--source", "general-fund", "--category", "maintenance"], stdin: nil, message: "\"nope\" has not been procured"),
        Case(description: "an amount with too many decimals", arguments: ["record", "cost.incurred", "--system", "x", "--amount", "10.001",
             "--currency", "USD", "--source", "bond", "--category", "capital"], stdin: nil, message: "--amount"),
        Case(description: "a bad time option", arguments: ["state", "--as-of", "yesterday"], stdin: nil, message: "--as-of"),
    ]

    @Test(arguments: cases)
    func refusesAndStoresNothing(_ example: Case) throws {
        let sandbox = try LedgerCommandTests.initialized()
        #expect(try sandbox.run(["record", "district.defined", "--json", "-"], stdin: CivicSandbox.district("first")).status == 0)
        let logBefore = try sandbox.run(["log", "--format", "json"]).stdout
        let checkpointBefore = try sandbox.run(["checkpoint"]).stdout

        let result = try sandbox.run(example.arguments, stdin: example.stdin)
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix("civic: error: "), "stderr: \(result.stderr)")
        #expect(result.stderr.contains(example.message), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)

        #expect(try sandbox.run(["log", "--format", "json"]).stdout == logBefore)
        #expect(try sandbox.run(["checkpoint"]).stdout == checkpointBefore)
        #expect(try sandbox.run(["verify"]).status == 0)
    }

    @Test func initTwiceIsRefused() throws {
        let sandbox = try LedgerCommandTests.initialized()
        let again = try sandbox.run(["init", "--office", "transport", "--city", "springfield"])
        #expect(again.status != 0 && again.stderr.contains("already exists"))
        let badOffice = try CivicSandbox().run(["init", "--office", "Transport!", "--city", "springfield"])
        #expect(badOffice.status != 0 && badOffice.stderr.contains("office"))
    }
}
