import Foundation
import Testing

/// `civic import --csv FILE --map MAP.json`: a finance system's export of payments as cost lines.
@Suite("civic import --csv")
struct CSVImportTests {
    static let procurement = #"""
        {"system":"cams","title":"Cameras","category":"cameras","vendor":"Acme","method":"open-tender",
        "contract":{"value":1000000,"currency":"EUR","start":"2024-01-01","end":"2030-12-31"},
        "terms":{"data_portability":true,"open_formats":true,"source_available":false,"exit_clause":true},
        "funding":[{"source":"general-fund","share_bps":10000}]}
        """#

    /// A German export: `;` between fields, `,` before decimals, `.` between thousands, dates
    /// `DD.MM.YYYY`, fund codes translated, a quoted note holding the delimiter and quotes, a BOM.
    static let export = "\u{FEFF}Projekt;Betrag;Buchungsdatum;Fonds;Text\r\n"
        + "cams;1.234,50;15.03.2024;HH;\"Wartung; Quartal 1\"\r\n"
        + " cams ;99;01.04.2024;ANL;\"Ersatz \"\"Kamera\"\"\"\r\n"
        + "\r\n"
        + "cams;0,05;30.04.2024;HH;\"zwei\nZeilen\"\r\n"

    static let map = #"""
        {"delimiter":";","decimal_separator":",","thousands_separator":".","date_format":"DD.MM.YYYY","currency":"EUR",
         "columns":{"system":"Projekt","amount":"Betrag","effective":"Buchungsdatum","source":"Fonds","note":"Text"},
         "values":{"source":{"HH":"general-fund","ANL":"bond"}},"defaults":{"category":"maintenance"}}
        """#

    static func ledger() throws -> CivicSandbox {
        let sandbox = try LedgerCommandTests.initialized()
        let body = try sandbox.write("procured.json", procurement)
        let recorded = try sandbox.run(["record", "system.procured", "--json", body, "--effective", "2024-01-01"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        return sandbox
    }

    static func costs(_ sandbox: CivicSandbox) throws -> [[String: Any]] {
        try sandbox.run(["log", "--format", "json"]).stdout.split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0["type"] as? String == "cost.incurred" }
    }

    @Test func importsAnExportExactly() throws {
        let sandbox = try Self.ledger()
        let result = try sandbox.run(["import", "--csv", try sandbox.write("pay.csv", Self.export), "--map", try sandbox.write("map.json", Self.map)])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("imported 3 cost lines"), "\(result.stdout)")
        let costs = try Self.costs(sandbox)
        let bodies = costs.compactMap { $0["body"] as? [String: Any] }
        #expect(bodies.compactMap { $0["amount"] as? Int } == [123_450, 9_900, 5])
        #expect(bodies.compactMap { $0["source"] as? String } == ["general-fund", "bond", "general-fund"])
        #expect(bodies.compactMap { $0["category"] as? String } == ["maintenance", "maintenance", "maintenance"])
        #expect(bodies.compactMap { $0["note"] as? String } == ["Wartung; Quartal 1", "Ersatz \"Kamera\"", "zwei\nZeilen"])
        #expect(costs.compactMap { $0["effective"] as? String } == ["2024-03-15", "2024-04-01", "2024-04-30"])
    }

    /// Each bad input is one line naming the line and the column, and nothing is stored.
    @Test(arguments: [
        ("Projekt;Betrag;Buchungsdatum;Fonds;Text\ncams;12,345;15.03.2024;HH;x\n", "line 2, column \"Betrag\": \"12,345\" is not an amount of EUR"),
        ("Projekt;Betrag;Buchungsdatum;Fonds;Text\ncams;-5,00;15.03.2024;HH;x\n", "line 2, column \"Betrag\""),
        ("Projekt;Betrag;Buchungsdatum;Fonds;Text\ncams;0;15.03.2024;HH;x\n", "is not more than 0"),
        ("Projekt;Betrag;Buchungsdatum;Fonds;Text\ncams;5;2024-03-15;HH;x\n", "line 2, column \"Buchungsdatum\": \"2024-03-15\" is not a date written DD.MM.YYYY"),
        ("Projekt;Betrag;Buchungsdatum;Fonds;Text\ncams;5;15.03.2024;HH;x\ncams;5;15.03.2024;HH\n", "line 3: has 4 fields, the header 5"),
        ("Projekt;Summe;Buchungsdatum;Fonds;Text\ncams;5;15.03.2024;HH;x\n", "the header has no column \"Betrag\""),
        ("Projekt;Betrag;Buchungsdatum;Fonds;Text\ncams;5;15.03.2024;HH;x\n;5;15.03.2024;HH;x\n", "line 3, column \"Projekt\": is empty"),
        ("Projekt;Betrag;Buchungsdatum;Fonds;Text\ncams;5;15.03.2024;HH;\"open\n", "line 2: a quoted field is never closed"),
        ("Projekt;Betrag;Buchungsdatum;Fonds;Text\ncams;5;15.03.2024;XX;x\n", "line 2: cost.incurred: field \"source\""),
        ("Projekt;Betrag;Buchungsdatum;Fonds;Text\ncams;5;15.03.2024;HH;x\nghost;5;15.03.2024;HH;x\n", "line 3: cost.incurred: field \"system\" \"ghost\" has not been procured"),
    ])
    func aBadLineIsNamedAndNothingIsStored(csv: String, message: String) throws {
        let sandbox = try Self.ledger()
        let result = try sandbox.run(["import", "--csv", try sandbox.write("pay.csv", csv), "--map", try sandbox.write("map.json", Self.map)])
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was imported"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(try Self.costs(sandbox).isEmpty)
    }

    /// A map that cannot be used says why before anything is read.
    @Test(arguments: [
        (#"{"columns":{"system":"A","amount":"B"},"currency":"EUR","defaults":{"category":"maintenance","source":"bond"}}"#, "no column for effective"),
        (#"{"colums":{}}"#, "unknown member colums"),
        (#"{"columns":{"system":"A","amount":"B","effective":"C","fund":"D"},"currency":"EUR"}"#, "fund, which is not a field"),
        (#"{"columns":{"system":"A","amount":"B","effective":"C"},"currency":"XXX","defaults":{"category":"maintenance","source":"bond"}}"#, "currency XXX"),
        (#"{"columns":{"system":"A","amount":"B","effective":"C"},"currency":"EUR","date_format":"MMM D, YYYY","defaults":{"category":"maintenance","source":"bond"}}"#, "date_format"),
        (#"{"header":false,"columns":{"system":"A","amount":2,"effective":3},"currency":"EUR","defaults":{"category":"maintenance","source":"bond"}}"#, "must be a position"),
    ])
    func aBadMapIsOneLine(map: String, message: String) throws {
        let sandbox = try Self.ledger()
        let result = try sandbox.run(["import", "--csv", try sandbox.write("pay.csv", "A,B,C\n"), "--map", try sandbox.write("map.json", map)])
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(try Self.costs(sandbox).isEmpty)
    }
}
