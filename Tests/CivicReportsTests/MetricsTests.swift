import CivicReports
import Testing

@Suite("Report metrics, by hand")
struct MetricsTests {
    @Test func basisPointsRoundHalfUp() {
        #expect(Metrics.basisPoints(1, of: 3) == 3333)
        #expect(Metrics.basisPoints(2, of: 3) == 6667)
        #expect(Metrics.basisPoints(1, of: 20_000) == 1)  // 0.5 bp rounds up
        #expect(Metrics.basisPoints(5, of: 5) == 10_000)
        #expect(Metrics.basisPoints(0, of: 0) == nil)
        #expect(Metrics.basisPoints(1, of: -1) == nil)
    }

    @Test func perCapitaWithoutResidentsIsUndefined() {
        #expect(Metrics.perCapita(1000, people: 3) == 333)
        #expect(Metrics.perCapita(1000, people: 6) == 167)
        #expect(Metrics.perCapita(1000, people: 0) == nil)
    }

    @Test func multiplierNeedsAnInitialContract() {
        #expect(Metrics.multiplier(lifetime: 1_250_000, initial: 100_000) == 12.5)
        #expect(Metrics.multiplier(lifetime: 200, initial: 300) == 0.67)
        #expect(Metrics.multiplier(lifetime: 500, initial: 0) == nil)
    }

    @Test func herfindahlHirschman() {
        #expect(Metrics.herfindahlHirschman([100]) == 10_000)
        #expect(Metrics.herfindahlHirschman([50, 50]) == 5_000)
        #expect(Metrics.herfindahlHirschman([60, 30, 10]) == 4_600)  // 3600 + 900 + 100
        #expect(Metrics.herfindahlHirschman([25, 25, 25, 25]) == 2_500)
        #expect(Metrics.herfindahlHirschman([]) == nil)
        #expect(Metrics.herfindahlHirschman([0, 0]) == nil)
    }

    @Test func allocationAddsUpExactly() throws {
        let parts = try #require(Metrics.allocate(100, weights: [("a", 1), ("b", 1), ("c", 1)]))
        #expect(parts == ["a": 34, "b": 33, "c": 33])  // the remainder goes to the earlier key
        let uneven = try #require(Metrics.allocate(1000, weights: [("a", 3), ("b", 1)]))
        #expect(uneven == ["a": 750, "b": 250])
        #expect(Metrics.allocate(100, weights: []) == nil)
        #expect(Metrics.allocate(100, weights: [("a", 0)]) == nil)
        let large = try #require(Metrics.allocate(9_000_000_000_000_000, weights: [("a", 999_999), ("b", 1)]))
        #expect(large.values.reduce(0, +) == 9_000_000_000_000_000)
    }

    @Test func concentrationIndexSignFollowsWhoGetsTheMoney() {
        // Two districts of equal size: ranks 0.25 (needier) and 0.75.
        #expect(Metrics.concentrationIndex([(80, 100, 1000), (20, 100, 0)]) == -0.5)
        #expect(Metrics.concentrationIndex([(80, 100, 0), (20, 100, 1000)]) == 0.5)
        #expect(Metrics.concentrationIndex([(80, 100, 500), (20, 100, 500)]) == 0)
        // Population-weighted ranks: 300 needy residents (rank 0.375), 100 others (rank 0.875);
        // equal money per resident gives 0: 2·(0.75·0.375 + 0.25·0.875) − 1.
        #expect(Metrics.concentrationIndex([(90, 300, 750), (10, 100, 250)]) == 0)
        // Same money to both: the smaller, richer district gets three times as much per resident.
        // 2·(0.5·0.375 + 0.5·0.875) − 1 = 0.25.
        #expect(Metrics.concentrationIndex([(90, 300, 500), (10, 100, 500)]) == 0.25)
    }

    @Test func concentrationIndexEdgeCases() {
        // A district without residents is left out.
        #expect(Metrics.concentrationIndex([(80, 100, 1000), (50, 0, 5000), (20, 100, 0)]) == -0.5)
        // Equal need shares one rank: no ordering within the tie can move the index.
        #expect(Metrics.concentrationIndex([(50, 100, 1000), (50, 100, 0)]) == 0)
        #expect(Metrics.concentrationIndex([(50, 0, 1000)]) == nil)
        #expect(Metrics.concentrationIndex([(50, 100, 0)]) == nil)
        #expect(Metrics.concentrationIndex([]) == nil)
    }
}
