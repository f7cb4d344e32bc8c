import ArgumentParser
import CivicDomain
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
        // The fold's vectors are computed by real ledgers, built in a scratch folder.
        let scratch = NSTemporaryDirectory() + "civic-fold-vectors-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let folder = (out as NSString).appendingPathComponent("fold")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, contents) in try FoldVectors.files(scratch: scratch).sorted(by: { $0.key < $1.key }) {
            let path = (folder as NSString).appendingPathComponent(name)
            try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
            print(path)
        }
    }
}
