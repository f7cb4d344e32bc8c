import CivicTestSupport
import Foundation
import GRDB
import LedgerCore
import LedgerStore
import Testing

@Suite("Tamper evidence")
struct TamperTests {
    static func ledgerWithThreeEvents() throws -> TestLedger {
        let ledger = try TestLedger()
        _ = try ledger.store.append((0..<3).map { try TestLedger.draft($0) }, signer: ledger.signer)
        return ledger
    }

    @Test func sqliteRefusesUpdateAndDelete() throws {
        let ledger = try Self.ledgerWithThreeEvents()
        let pool = try DatabasePool(path: ledger.directory.databasePath)
        for sql in ["UPDATE events SET type = 'x' WHERE seq = 2", "DELETE FROM events WHERE seq = 3"] {
            #expect(throws: DatabaseError.self) { try pool.write { db in try db.execute(sql: sql) } }
        }
        #expect(try ledger.store.verify().eventCount == 3)
    }

    @Test(arguments: [
        ("UPDATE events SET canonical = CAST(replace(CAST(canonical AS TEXT), 'District 1', 'District 7') AS BLOB) WHERE seq = 2", "hash"),
        ("UPDATE events SET type = 'cost.incurred' WHERE seq = 2", "type"),
        // Only the guard is dropped, no event changed: verify reports the missing trigger.
        ("SELECT 1", "trigger"),
    ])
    func verifyNamesTheAlteredEvent(sql: String, expected: String) throws {
        let ledger = try Self.ledgerWithThreeEvents()
        let pool = try DatabasePool(path: ledger.directory.databasePath)
        try pool.write { db in
            try db.execute(sql: "DROP TRIGGER events_append_only_update")
            try db.execute(sql: sql)
        }
        let failure = #expect(throws: VerificationFailure.self) { try ledger.store.verify() }
        if expected == "trigger" {
            #expect(failure?.description.contains("trigger") == true)
        } else {
            #expect(failure?.seq == 2)
            #expect(failure?.office == "transport")
            #expect(failure?.description.contains(expected) == true)
        }
    }

    @Test func verifyFindsARemovedEvent() throws {
        let ledger = try Self.ledgerWithThreeEvents()
        let pool = try DatabasePool(path: ledger.directory.databasePath)
        try pool.write { db in
            try db.execute(sql: "DROP TRIGGER events_append_only_delete")
            try db.execute(sql: "DELETE FROM events WHERE seq = 2")
        }
        let failure = #expect(throws: VerificationFailure.self) { try ledger.store.verify() }
        #expect(failure?.seq == 3)
    }

    @Test func verifyFindsAForgedCheckpoint() throws {
        let ledger = try Self.ledgerWithThreeEvents()
        let pool = try DatabasePool(path: ledger.directory.databasePath)
        let forger = try NoteSigner(name: "civic/springfield/transport")
        let forged = try forger.signNote(Checkpoint(origin: forger.name, size: 3, root: Hash.leaf([1])).text)
        try pool.write { db in try db.execute(sql: "UPDATE office_heads SET checkpoint = ?", arguments: [forged.serialized]) }
        let failure = #expect(throws: VerificationFailure.self) { try ledger.store.verify() }
        #expect(failure?.description.contains("checkpoint") == true)
    }

    @Test func verifyFindsARewrittenHistoryWithAValidChain() throws {
        // An attacker who rewrites event 2 and re-chains event 3 still cannot match the signed root.
        let ledger = try Self.ledgerWithThreeEvents()
        var stored: [StoredEvent] = []
        try ledger.store.forEachEvent { stored.append($0); return true }
        let original = try stored.map { try Event(canonical: $0.canonical) }
        let e2 = try EventEnvelope(
            office: "transport", seq: 2, prev: original[0].leafHash, hlc: original[1].envelope.hlc, type: original[1].envelope.type,
            effective: original[1].envelope.effective, author: nil, body: .object([("rewritten", .bool(true))]))
        let new2 = try Event(envelope: e2)
        let e3 = try EventEnvelope(
            office: "transport", seq: 3, prev: new2.leafHash, hlc: original[2].envelope.hlc, type: original[2].envelope.type,
            effective: original[2].envelope.effective, author: nil, body: original[2].envelope.body)
        let new3 = try Event(envelope: e3)
        let pool = try DatabasePool(path: ledger.directory.databasePath)
        try pool.write { db in
            try db.execute(sql: "DROP TRIGGER events_append_only_update")
            for event in [new2, new3] {
                try db.execute(
                    sql: "UPDATE events SET canonical = ?, id = ? WHERE seq = ?",
                    arguments: [Data(event.canonical), Data(event.leafHash.bytes), Int64(event.envelope.seq)])
            }
        }
        let failure = #expect(throws: VerificationFailure.self) { try ledger.store.verify() }
        #expect(failure?.description.contains("Merkle head") == true || failure?.description.contains("root") == true)
    }
}
