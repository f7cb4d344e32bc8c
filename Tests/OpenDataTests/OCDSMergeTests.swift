import Foundation
import LedgerCore
import OpenData
import Testing

/// The OCDS merge routine against the reference implementation's fixtures
/// (`../shared/conformance/ocds/merge-fixtures/1.1`, with the 1.1.4 release schema they were made with).
@Suite("OCDS merge")
struct OCDSMergeTests {
    static let directory: URL = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let conformance =
            ProcessInfo.processInfo.environment["CIVIC_CONFORMANCE_DIR"].map { URL(fileURLWithPath: $0) }
            ?? root.deletingLastPathComponent().appendingPathComponent("shared/conformance")
        return conformance.appendingPathComponent("ocds/merge-fixtures")
    }()

    static func json(_ url: URL) throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: url)), profile: .general)
    }

    static let rules: OCDSMergeRules = {
        // A missing schema fails every test below with its path.
        (try? OCDSMergeRules(schema: json(directory.appendingPathComponent("release-schema-1__1__4.json")))) ?? OCDSMergeRules(rules: [:])
    }()

    /// Every fixture's releases (the files without a -compiled or -versioned suffix).
    static let inputs: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("1.1").path)) ?? []
        return files.filter { $0.hasSuffix(".json") && !$0.hasSuffix("-compiled.json") && !$0.hasSuffix("-versioned.json") }
            .map { String($0.dropLast(5)) }.sorted()
    }()

    @Test func theFixturesAreThere() throws {
        #expect(Self.inputs.count >= 17, "found \(Self.inputs) in \(Self.directory.path)")
        #expect(Self.rules.rules[["tag"]] == .omitWhenMerged)
        #expect(Self.rules.rules[["awards", "suppliers", "additionalIdentifiers"]] == .wholeListMerge)
    }

    /// The compiled and the versioned release of each fixture equal the expected JSON (members in any
    /// order, arrays in order), whichever of the two the fixture has.
    @Test(arguments: inputs)
    func mergesLikeTheReference(_ name: String) throws {
        let folder = Self.directory.appendingPathComponent("1.1")
        guard case .array(let releases) = try Self.json(folder.appendingPathComponent(name + ".json")) else {
            Issue.record("\(name).json is not an array of releases")
            return
        }
        var compared = 0
        let compiledFile = folder.appendingPathComponent(name + "-compiled.json")
        if FileManager.default.fileExists(atPath: compiledFile.path) {
            let compiled = try OCDSMerge.compiledRelease(releases, rules: Self.rules)
            let expected = try Self.json(compiledFile)
            let shown = String(decoding: try CanonicalJSON.encode(compiled), as: UTF8.self)
            #expect(compiled == expected, "\(name): compiled \(shown)")
            compared += 1
        }
        let versionedFile = folder.appendingPathComponent(name + "-versioned.json")
        if FileManager.default.fileExists(atPath: versionedFile.path) {
            let versioned = try OCDSMerge.versionedRelease(releases, rules: Self.rules)
            let expected = try Self.json(versionedFile)
            let shown = String(decoding: try CanonicalJSON.encode(versioned), as: UTF8.self)
            #expect(versioned == expected, "\(name): versioned \(shown)")
            compared += 1
        }
        #expect(compared > 0, "\(name) has neither a compiled nor a versioned release")
    }

    /// The export's built-in rules are those the 1.1.5 release schema gives.
    @Test func theBuiltInRulesAreThe115Schemas() throws {
        let schema = Self.directory.deletingLastPathComponent().appendingPathComponent("schema-1.1.5/release-schema.json")
        let read = try OCDSMergeRules(schema: Self.json(schema))
        #expect(read.rules == OCDSMergeRules.ocds115.rules)
        #expect(read.rules.count == 24)
    }

    /// Releases that cannot be put in order, or that give one field two shapes, are one clear error.
    @Test func badReleasesAreOneClearError() throws {
        let undated = try JSONParser.parse(Array(#"[{"ocid":"o","id":"1","date":"2020-01-01T00:00:00Z"},{"ocid":"o","id":"2"}]"#.utf8), profile: .general)
        let nullDate = try JSONParser.parse(Array(#"[{"ocid":"o","id":"1","date":null},{"ocid":"o","id":"2","date":"2020-01-01T00:00:00Z"}]"#.utf8), profile: .general)
        let shapes = try JSONParser.parse(
            Array(#"[{"ocid":"o","id":"1","date":"2020-01-01T00:00:00Z","buyer":"x"},{"ocid":"o","id":"2","date":"2020-01-02T00:00:00Z","buyer":{"name":"y"}}]"#.utf8),
            profile: .general)
        for (releases, reason) in [(undated, "has no date"), (nullDate, "null or non-text date"), (shapes, "two shapes")] {
            guard case .array(let list) = releases else { continue }
            let error = #expect(throws: OCDSMergeError.self) { try OCDSMerge.compiledRelease(list, rules: Self.rules) }
            #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
        }
    }
}
