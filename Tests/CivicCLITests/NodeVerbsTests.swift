import CivicTestSupport
import Foundation
import Testing

/// `civic serve`, `civic sync` and `civic demo` run in `civic-node`, the executable beside `civic`
/// that holds the network; `civic` hands them over and links none of it.
@Suite("civic: the network verbs in civic-node")
struct NodeVerbsTests {
    static var node: String { URL(fileURLWithPath: CivicSandbox.binary).deletingLastPathComponent().appendingPathComponent("civic-node").path }

    @Test func civicListsTheNetworkVerbsAndHandsThemToCivicNode() throws {
        let sandbox = try CivicSandbox()
        let help = try sandbox.run(["--help"])
        #expect(help.status == 0)
        for verb in ["serve", "sync", "demo"] { #expect(help.stdout.contains("\n  \(verb) "), "\(verb) missing from civic --help") }

        // Their options are civic-node's, whichever way their help is asked for.
        for arguments in [["serve", "--help"], ["help", "serve"]] {
            let result = try sandbox.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.contains("USAGE: civic serve") && result.stdout.contains("--sync-with"), "\(arguments): \(result.stdout)")
        }
        let bad = try sandbox.run(["sync", "http://127.0.0.1:9", "--bogus"])
        #expect(bad.status == 64 && bad.stderr.contains("Unknown option '--bogus'") && bad.stderr.contains("civic sync"), "\(bad.stderr)")

        // A --data before the verb reaches civic-node (through CIVIC_DATA).
        let missing = try sandbox.run(["--data", sandbox.folder + "/nowhere", "serve", "--port", "0"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "civic: error: no ledger at \(sandbox.folder)/nowhere (run `civic init` first, or pass --data DIR)\n")
    }

    @Test func civicWithoutCivicNodeSaysWhereItLooked() throws {
        let sandbox = try CivicSandbox()
        let lone = sandbox.folder + "/bin/civic"
        try FileManager.default.createDirectory(atPath: sandbox.folder + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CivicSandbox.binary, toPath: lone)
        let process = try sandbox.start(["serve", "--port", "0"], environment: ["PATH": "/usr/bin:/bin"])
        process.executableURL = URL(fileURLWithPath: lone)
        let result = try CivicSandbox.wait(for: process)
        #expect(result.status == 1)
        #expect(
            result.stderr == "civic: error: civic serve runs in civic-node, which is neither at \(sandbox.folder)/bin/civic-node "
                + "(No such file or directory) nor on PATH: build it with `swift build --product civic-node` and install it beside civic\n")
        #expect(result.stdout.isEmpty)
        // The other verbs need nothing beside it.
        let version = Process()
        version.executableURL = URL(fileURLWithPath: lone)
        version.arguments = ["--version"]
        #expect(try CivicSandbox.wait(for: version).stdout == "0.1.0\n")
    }

    /// The networking modules' names, as Swift's mangled names spell them, are in `civic-node` and
    /// not in `civic`: adding one of them to `civic` again would fail here.
    @Test func civicLinksNoNetworkingModule() throws {
        let civic = try Data(contentsOf: URL(fileURLWithPath: CivicSandbox.binary))
        let node = try Data(contentsOf: URL(fileURLWithPath: Self.node))
        for module in ["15HummingbirdCore", "7NIOCore", "15AsyncHTTPClient", "10LedgerSync"] {
            #expect(!Self.contains(civic, module), "civic links \(module)")
            #expect(Self.contains(node, module), "civic-node does not name \(module)")
        }
    }

    /// Whether `text`'s bytes are in `data` (each of its first byte, found by `memchr`, then compared).
    static func contains(_ data: Data, _ text: String) -> Bool {
        let needle = Array(text.utf8)
        return data.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return false }
            var offset = 0
            while offset + needle.count <= bytes.count, let found = memchr(base + offset, Int32(needle[0]), bytes.count - offset - needle.count + 1) {
                if memcmp(found, needle, needle.count) == 0 { return true }
                offset = base.distance(to: UnsafeRawPointer(found)) + 1
            }
            return false
        }
    }
}
