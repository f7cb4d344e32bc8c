import Foundation
import LedgerCore
import LedgerStore

/// A fresh event store without the vocabulary (the bare log), in its own temporary folder, removed
/// when the test ends. (``TestCity`` is the same with the civic projector, for several offices.)
public final class TestLedger: @unchecked Sendable {
    public let temporary: TemporaryFolder
    public let directory: LedgerDirectory
    public let opened: LedgerDirectory.Opened
    public var folder: String { temporary.path }
    public var store: LedgerStore { opened.store }
    public var signer: NoteSigner { opened.signer }

    public init(office: String = "transport") throws {
        temporary = try TemporaryFolder("civic-ledger")
        directory = LedgerDirectory(path: temporary.path("ledger"))
        opened = try directory.initialize(identity: LedgerIdentity(city: "springfield", office: office))
    }

    public static func draft(_ index: Int, type: String = "district.defined") throws -> EventDraft {
        try EventDraft(
            type: type, effective: LedgerDate("2026-01-0\(index % 9 + 1)") ?? LedgerDate(unixMilliseconds: 0),
            body: .object([
                ("district", .string("d\(index)")), ("name", .string("District \(index)")), ("population", .integer(Int64(1000 + index))),
                ("need_index", .integer(Int64(index % 100))), ("priority", .bool(index % 2 == 0)),
            ]))
    }
}
