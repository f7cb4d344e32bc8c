import Foundation
import Testing

@Suite("civic import")
struct ImportTests {
    static func lines(_ count: Int) -> String {
        (0..<count).map { index in
            #"{"type":"district.defined","effective":"2026-02-01","body":{"district":"d\#(index)","name":"District \#(index)","population":\#(index),"need_index":\#(index % 101),"priority":\#(index % 2 == 0)}}"#
        }.joined(separator: "\n") + "\n"
    }

    @Test func importsManyInOneTransaction() throws {
        let sandbox = try LedgerCommandTests.initialized()
        let file = try sandbox.write("events.jsonl", Self.lines(1_000))
        let result = try sandbox.run(["import", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("imported 1000 events"))
        #expect(try sandbox.run(["checkpoint"]).stdout.hasPrefix("civic/springfield/transport\n1000\n"))
        #expect(try sandbox.run(["verify"]).stdout.hasPrefix("ok: 1000 events"))
    }

    /// SIGKILL while the import's transaction is being written: afterwards the ledger holds none or all of it.
    @Test func killedMidwayLeavesNoneOrAll() throws {
        let sandbox = try LedgerCommandTests.initialized()
        let count = 150_000
        let file = try sandbox.write("big.jsonl", Self.lines(count))
        let wal = sandbox.data + "/ledger.sqlite-wal"
        let process = try sandbox.start(["import", file])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the transaction has written pages to the WAL, then kill without warning.
        let deadline = Date().addingTimeInterval(60)
        var walSize = 0
        while Date() < deadline && process.isRunning {
            walSize = ((try? FileManager.default.attributesOfItem(atPath: wal)[.size]) as? NSNumber)?.intValue ?? 0
            if walSize > 2_000_000 { break }
            usleep(5_000)
        }
        let killedWhileRunning = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(killedWhileRunning, "the import finished before it could be killed; make the file larger")

        let verify = try sandbox.run(["verify"])
        #expect(verify.status == 0, "\(verify.stderr)")
        let log = try sandbox.run(["log", "--format", "json"]).stdout.split(separator: "\n").count
        #expect(log == 0 || log == count, "found \(log) events")
        if killedWhileRunning { #expect(log == 0) }

        // The same import then runs to completion.
        let again = try sandbox.run(["import", file])
        #expect(again.status == 0)
        #expect(try sandbox.run(["verify"]).stdout.hasPrefix("ok: \(count) events"))
    }
}
