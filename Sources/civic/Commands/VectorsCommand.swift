import ArgumentParser
import Foundation
import LedgerCore

struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Write the protocol test vectors (fixed test key) to a folder, e.g. Protocol/vectors.",
        shouldDisplay: false
    )

    @Option(help: "The folder to write.") var out: String

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for (name, contents) in try ProtocolVectors.files().sorted(by: { $0.key < $1.key }) {
            let path = (out as NSString).appendingPathComponent(name)
            try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
            print(path)
        }
    }
}
