import CivicDomain
import CivicTestSupport
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync
import Testing

@Suite("Clocks")
struct ClockTests {
    /// A clock beyond the bound is stored and flagged but never moves the receiver's clock; one
    /// within the bound does (so what the receiver records next sorts after it).
    @Test func eventsFromAClockFarAheadAreStoredAndFlaggedAndNeverMoveTheClock() async throws {
        let pair = try PoliceAndCityHall()
        defer { withExtendedLifetime(pair) {} }
        let (police, hall) = (pair.police, pair.hall)
        let twoMinutesAhead = LedgerStore.systemMilliseconds() + 2 * 60_000
        _ = try police.store.append([try PoliceAndCityHall.district("a")], signer: police.signer, now: { twoMinutesAhead })
        let within = try await SyncEngine.round(local: LocalPeer(store: hall.store), remote: LocalPeer(store: police.store))
        #expect(within.pulled["police"] == 1 && within.aheadOfClock.isEmpty)
        let first = try hall.store.append([try PoliceAndCityHall.district("a")], signer: hall.signer)
        #expect(try #require(first.lastEvent).envelope.hlc.wall >= twoMinutesAhead)

        let twoHoursAhead = LedgerStore.systemMilliseconds() + 2 * 3_600_000
        _ = try police.store.append([try PoliceAndCityHall.district("b")], signer: police.signer, now: { twoHoursAhead })
        let report = try await SyncEngine.round(local: LocalPeer(store: hall.store), remote: LocalPeer(store: police.store))
        #expect(report.pulled["police"] == 1)
        #expect(report.aheadOfClock["police"] == 1)
        let lead = try #require(try hall.store.clockFlags()["police"])
        #expect(lead > LedgerStore.clockSkewBound)
        let flags = try hall.store.arrivalFlags()
        #expect(flags.map(\.kind) == [.ahead] && flags.first?.firstSeq == 2 && flags.first?.lastSeq == 2)
        let next = try hall.store.append([try PoliceAndCityHall.district("b")], signer: hall.signer)
        #expect(try #require(next.lastEvent).envelope.hlc.wall < twoHoursAhead - 3_600_000)
    }
}

extension ClockTests {
    /// One office records with its clock 80 years ahead. Every other office's events recorded
    /// afterwards carry today's time, at every node, and `--as-of` today shows them; the wrong
    /// clock's events are stored, ordered by their own time, and flagged where they arrive.
    @Test func oneClockEightyYearsAheadChangesNoOtherOfficesTime() async throws {
        let city = try TestCity(offices: ["cityhall", "transport", "police"], registrar: "cityhall")
        let today = LedgerStore.systemMilliseconds()
        city.clock = today + 80 * 365 * 86_400_000
        let future = try city.record("transport", "district.defined", "2026-11-30", Bodies.district("d1"))
        city.clock = today
        try await city.converge()
        city.clock = today + 1000
        let hall = try city.record("cityhall", "district.defined", "2026-11-30", Bodies.district("d2"))
        let police = try city.record("police", "district.defined", "2026-11-30", Bodies.district("d3"))
        try await city.converge()
        for event in [hall, police] {
            #expect(event.envelope.hlc.wall < today + LedgerStore.clockSkewBound, "\(event.envelope.office)'s event was stamped \(event.envelope.hlc)")
        }
        let endOfToday = try #require(TimeFilter.instant(LedgerDate(unixMilliseconds: today).description))
        for office in city.offices {
            let state = try city.state(office, TimeFilter(asOf: endOfToday))
            #expect(state.facts.districts.keys.sorted() == ["d2", "d3"], "\(office) as of today")
            #expect(try city.state(office).facts.districts.count == 3)
            #expect(try city.store(office).eventCount() == 3)
        }
        for office in ["cityhall", "police"] {
            let flags = try city.state(office).findings.filter { $0.kind == .clockAhead }
            #expect(flags.count == 1 && flags.first?.events.map(\.id) == [future.leafHash], "\(office)")
        }
        // The office with the wrong clock sees no flag of its own events; to it, everyone else's
        // arrive 80 years late (a hint that its own clock is the wrong one).
        let seenByTransport = try city.state("transport").findings
        #expect(seenByTransport.allSatisfy { $0.kind == .arrivedLate } && Set(seenByTransport.compactMap(\.office)) == ["cityhall", "police"])
    }

    /// Events recorded long before they arrive (an office offline for a quarter) land in the past of
    /// what the receiving node held, and are flagged there (arrived-late).
    @Test func eventsRecordedLongBeforeTheyArriveAreFlagged() async throws {
        let city = try TestCity(offices: ["cityhall", "police"])
        city.at("2025-01-10")
        let first = try city.record("police", "district.defined", "2025-01-10", Bodies.district("d1"))
        city.clock += 3_600_000
        let last = try city.record("police", "district.defined", "2025-01-10", Bodies.district("d2"))
        city.at("2025-04-20")
        try city.record("cityhall", "district.defined", "2025-04-20", Bodies.district("d3"))
        try await city.sync("cityhall", "police")
        let late = try city.state("cityhall").findings.filter { $0.kind == .arrivedLate }
        #expect(late.count == 1)
        #expect(late.first?.events.map(\.id) == [first.leafHash, last.leafHash])
        #expect(late.first?.detail.contains("2 events of police#1…#2 arrived up to 100 days behind") == true, "\(late.first?.detail ?? "")")
        // Police, which was behind, flags nothing: city hall's events were ahead of its clock, not late.
        #expect(try city.state("police").findings.filter { $0.kind == .arrivedLate }.isEmpty)
        // Under --known-at before the range arrived, the finding is not there yet.
        #expect(try city.state("cityhall", TimeFilter(knownAt: city.clock - 1)).findings.isEmpty)
    }
}
