import CivicTestSupport
import Foundation
import GRDB
import LedgerCore
@testable import LedgerStore
import Testing

/// An append goes on from what the store's last committed append left (its head, keys, clock, last
/// event) only while nothing else has written the ledger: another connection's commit, a receipt,
/// or a failed append each make the next one read the ledger again.
@Suite("Appends that follow appends")
struct WriteMemoTests {
    /// The memo the next append would take (taking it: that append then reads the ledger), read
    /// with the writer's counters in a write transaction that changes nothing.
    static func memo(_ store: LedgerStore) throws -> WriteMemo.Contents? {
        try store.pool.write { db in store.writeMemo.take(try WriteMemo.Counters(db)) }
    }

    /// Two appends in a row: the second goes on from the first's memo, which names its head and
    /// its last event as stored.
    @Test func anAppendLeavesWhatTheNextOneTakes() throws {
        let ledger = try TestLedger()
        let first = try ledger.store.append([try TestLedger.draft(0), try TestLedger.draft(1)], signer: ledger.signer)
        let memo = try #require(try Self.memo(ledger.store))
        #expect(memo.head == (try ledger.store.head(office: "transport")))
        #expect(memo.last.rowid == 2 && memo.last.id == first.lastEvent?.leafHash)
        #expect(memo.clock == first.lastEvent?.envelope.hlc)
        // Where the office's events run: the next append checks its first seq against it.
        #expect(memo.runs?.next == 3 && memo.runs?.run?.seq == 1 && memo.runs?.run?.rowid == 1)
        // Taken once: the next append finds none and reads the ledger.
        #expect(try Self.memo(ledger.store) == nil)
        let second = try ledger.store.append([try TestLedger.draft(2)], signer: ledger.signer)
        #expect(try Self.memo(ledger.store)?.last.id == second.lastEvent?.leafHash)
        _ = try ledger.store.append([try TestLedger.draft(3)], signer: ledger.signer)
        #expect(try ledger.store.verify().eventCount == 4)
    }

    @Test func anotherConnectionsAppendIsSeen() throws {
        let ledger = try TestLedger()
        _ = try ledger.store.append([try TestLedger.draft(0), try TestLedger.draft(1)], signer: ledger.signer)
        // The same ledger opened again: another connection, as `civic record` beside `civic serve`.
        let other = try ledger.directory.open()
        let between = try other.store.append([try TestLedger.draft(2)], signer: other.signer)
        let next = try ledger.store.append([try TestLedger.draft(3)], signer: ledger.signer)
        let event = try #require(next.lastEvent)
        #expect(event.envelope.seq == 4)
        #expect(event.envelope.prev == between.lastEvent?.leafHash)
        #expect(event.envelope.hlc > (try #require(between.lastEvent)).envelope.hlc)
        // And the other way round, after the first store's append.
        let last = try other.store.append([try TestLedger.draft(4)], signer: other.signer)
        #expect(last.lastEvent?.envelope.seq == 5)
        #expect(try ledger.store.verify().eventCount == 5)
        #expect(try ledger.store.head(office: "transport")?.size == 5)
    }

    @Test func aRangeReceivedBetweenAppendsMovesTheNextOnesClock() throws {
        let city = try TestCity(offices: ["transport", "police"])
        city.at("2026-03-01")
        try city.record("transport", "district.defined", "2026-03-01", Bodies.district("d1"))
        // Police's clock runs two minutes ahead: within the skew bound, so it moves transport's clock.
        let noon = city.clock
        city.clock = noon + 2 * 60_000
        let police = try city.record("police", "district.defined", "2026-03-01", Bodies.district("d2"))
        city.clock = noon
        #expect(try city.deliver(from: "police", to: "transport")?.stored == 1)
        let next = try city.record("transport", "district.defined", "2026-03-01", Bodies.district("d3"))
        #expect(next.envelope.hlc > police.envelope.hlc)
        #expect(next.envelope.seq == 2)
    }

    @Test func aRefusedAppendLeavesTheLedgerToBeReadAgain() throws {
        let ledger = try TestLedger()
        let first = try ledger.store.append([try TestLedger.draft(0)], signer: ledger.signer)
        // Two drafts inserted, the third refused: the transaction rolls back.
        #expect(throws: StoreError.self) {
            _ = try ledger.store.append((1..<4).map { try TestLedger.draft($0) }, signer: ledger.signer, validate: { draft in
                if draft.body["district"]?.stringValue == "d3" { throw CocoaError(.fileReadUnknown) }
            })
        }
        // The refused append took the memo and left none.
        #expect(try Self.memo(ledger.store) == nil)
        let next = try ledger.store.append([try TestLedger.draft(5)], signer: ledger.signer)
        #expect(next.firstSeq == 2)
        #expect(next.lastEvent?.envelope.prev == first.lastEvent?.leafHash)
        #expect(try ledger.store.verify().eventCount == 2)
    }
}
