import Foundation
import Testing

/// Keys over a city's life, with real `civic serve` nodes on 127.0.0.1: an office rotates its key
/// mid-life and every node keeps verifying its whole log; a revoked key's later checkpoints are
/// refused on every node; the registrar rotates its key and an office made with the old one follows.
@Suite("Key lifecycle over loopback", .serialized)
struct KeyLifecycleEndToEndTests {
    static func trimmed(_ result: CivicSandbox.Result) -> String { result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) }

    @Test func keysRotateAndAreRevokedAcrossTheCity() throws {
        let sandbox = try CivicSandbox()
        let firstRegistrarKey = Self.trimmed(try sandbox.run(["init", "--office", "cityhall", "--city", "springfield", "--registrar", "--data", "cityhall"]))
        for office in ["transport", "police"] {
            let key = Self.trimmed(try sandbox.run(["init", "--office", office, "--city", "springfield", "--registrar-key", firstRegistrarKey, "--data", office]))
            #expect(try sandbox.run(["register", office, "--key", key, "--name", office.capitalized, "--data", "cityhall"]).status == 0)
        }
        func record(_ office: String, _ district: String) throws {
            let result = try sandbox.run(["record", "district.defined", "--json", "-", "--data", office], stdin: CivicSandbox.district(district))
            #expect(result.status == 0, "\(office): \(result.stderr)")
        }
        let hall = try ServedNode(sandbox, data: "cityhall")
        defer { hall.stop() }
        func sync(_ office: String) throws -> CivicSandbox.Result {
            try sandbox.run(["sync", hall.url, "--data", office, "--format", "json"])
        }
        try record("transport", "t1")
        try record("transport", "t2")
        for office in ["transport", "police", "transport", "police"] { #expect(try sync(office).status == 0) }

        // 1. Transport rotates its key; the registrar records it; the log goes on under the new key.
        try FileManager.default.copyItem(atPath: sandbox.folder + "/transport", toPath: sandbox.folder + "/thief")
        let rotated = try sandbox.run(["key", "rotate", "--data", "transport"])
        #expect(rotated.status == 0 && rotated.stderr.contains("--from-size 3"), "\(rotated.stderr)")
        let newKey = Self.trimmed(rotated)
        #expect(Self.trimmed(try sandbox.run(["key", "--data", "transport"])) == newKey)
        #expect(try sandbox.run(["register", "transport", "--rotate", "--key", newKey, "--from-size", "3", "--data", "cityhall"]).status == 0)
        try record("transport", "t3")
        for office in ["transport", "police", "transport", "police"] { #expect(try sync(office).status == 0) }
        for data in ["cityhall", "transport", "police"] {
            let verified = try sandbox.run(["verify", "--data", data])
            #expect(verified.status == 0 && verified.stdout.contains("transport@3"), "\(data): \(verified.stdout)\(verified.stderr)")
        }

        // 2. The old key was on a stolen laptop: the registrar revokes it after size 2. What the thief
        //    signs with it next is refused on every node.
        #expect(try sandbox.run(["revoke", "transport", "--after", "2", "--key", Self.trimmed(try sandbox.run(["key", "--data", "thief"])), "--reason", "laptop stolen", "--data", "cityhall"]).status == 0)
        for office in ["police", "transport"] { #expect(try sync(office).status == 0) }
        try record("thief", "stolen-1")
        try record("thief", "stolen-2")
        let police = try ServedNode(sandbox, data: "police")
        defer { police.stop() }
        for peer in [hall.url, police.url] {
            let pushed = try sandbox.run(["sync", peer, "--data", "thief", "--format", "json"])
            #expect(pushed.status == 2 && pushed.stdout.contains(#""refused":{"transport":"#), "status \(pushed.status): \(pushed.stdout)\(pushed.stderr)")
        }
        #expect(Self.trimmed(try sandbox.run(["checkpoint", "--city", "--data", "cityhall"])).contains("sha256"))

        // 3. The registrar rotates its own key. An office made with the registrar's first key, and
        //    registered after the rotation, follows the chain.
        let registrarRotation = try sandbox.run(["key", "rotate", "--data", "cityhall"])
        #expect(registrarRotation.status == 0, "\(registrarRotation.stderr)")
        let worksKey = Self.trimmed(try sandbox.run(["init", "--office", "works", "--city", "springfield", "--registrar-key", firstRegistrarKey, "--data", "works"]))
        #expect(try sandbox.run(["register", "works", "--key", worksKey, "--name", "Works", "--data", "cityhall"]).status == 0)
        try record("works", "w1")
        let joined = try sync("works")
        #expect(joined.status == 0 && joined.stdout.contains(#""refused":{}"#), "\(joined.stdout)\(joined.stderr)")
        for office in ["police", "transport", "works"] { _ = try sync(office) }
        for data in ["cityhall", "transport", "police", "works"] {
            let verified = try sandbox.run(["verify", "--data", data])
            #expect(verified.status == 0, "\(data): \(verified.stdout)\(verified.stderr)")
        }
        let checkpoints = try ["cityhall", "works", "police"].map { Self.trimmed(try sandbox.run(["checkpoint", "--city", "--data", $0])) }
        #expect(Set(checkpoints).count == 1, "\(checkpoints)")
    }
}
