import Foundation
import LedgerCore
import LedgerStore

/// A fresh ledger in its own temporary folder, removed when the test ends.
final class TestLedger {
    let folder: String
    let directory: LedgerDirectory
    let opened: LedgerDirectory.Opened
    var store: LedgerStore { opened.store }
    var signer: NoteSigner { opened.signer }

    init(office: String = "transport") throws {
        folder = NSTemporaryDirectory() + "civic-test-\(UUID().uuidString)"
        directory = LedgerDirectory(path: folder)
        opened = try directory.initialize(identity: LedgerIdentity(city: "springfield", office: office))
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    static func draft(_ index: Int, type: String = "district.defined") throws -> EventDraft {
        try EventDraft(
            type: type, effective: LedgerDate("2026-01-0\(index % 9 + 1)") ?? LedgerDate(unixMilliseconds: 0),
            body: .object([
                ("district", .string("d\(index)")), ("name", .string("District \(index)")), ("population", .integer(Int64(1000 + index))),
                ("need_index", .integer(Int64(index % 100))), ("priority", .bool(index % 2 == 0)),
            ]))
    }
}
