import CivicDomain
import Foundation
import LedgerCore
import Testing

/// The Swift vocabulary and the published JSON Schemas agree on every example.
@Suite("Protocol/schemas examples")
struct SchemaExampleTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Protocol/schemas")

    static func files(_ relative: String) -> [URL] {
        let directory = folder.appendingPathComponent(relative)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test func everyTypeHasASchemaAndAValidExample() throws {
        #expect(Self.files("examples/invalid").count >= 20)
        for type in CivicBody.types {
            #expect(FileManager.default.fileExists(atPath: Self.folder.appendingPathComponent("\(type).schema.json").path), "\(type)")
            let example = try Data(contentsOf: Self.folder.appendingPathComponent("examples/\(type).json"))
            _ = try CivicBody.decode(type: type, body: JSONParser.parse(Array(example), profile: .strict))
        }
    }

    @Test(arguments: files("examples/invalid"))
    func invalidExamplesAreRefused(file: URL) throws {
        let name = file.deletingPathExtension().lastPathComponent
        let type = String(name[..<(name.range(of: "--")?.lowerBound ?? name.endIndex)])
        let bytes = Array(try Data(contentsOf: file))
        do {
            let body = try JSONParser.parse(bytes, profile: .strict)
            _ = try CivicBody.decode(type: type, body: body)
            Issue.record("\(name) was accepted")
        } catch {
            // Refused by the strict profile or by the type's checks, as the schema refuses it.
        }
    }
}
