import CivicDomain

/// A district of Northbridge as city hall defines it.
struct DemoDistrict: Sendable {
    let id: String
    let name: String
    let population: Int64
    /// 0–100, higher is needier (an income and environmental-justice index).
    let needIndex: Int64
    let priority: Bool
}

/// A stated value the city measures itself against.
struct DemoTarget: Sendable {
    let when: DemoDay
    let id: String
    let title: String
    let comparison: Comparison
    let thresholdBps: Int64
    let categories: [SystemCategory]?
}

extension DemoCity {
    /// The ten districts, defined by city hall in the first days of January 2016.
    ///
    /// Harbourfront (downtown), Old Town, University Hill, Lakeshore and Northbridge Heights are the
    /// commercial and wealthier districts; Millbrook, Eastgate and Riverside are the three neediest
    /// and the priority districts; the Port Industrial District has no residents (an edge case for
    /// per-capita figures) but the worst air.
    static let districts: [DemoDistrict] = [
        DemoDistrict(id: "harbourfront", name: "Harbourfront", population: 18_400, needIndex: 24, priority: false),
        DemoDistrict(id: "old-town", name: "Old Town", population: 26_300, needIndex: 38, priority: false),
        DemoDistrict(id: "northbridge-heights", name: "Northbridge Heights", population: 31_500, needIndex: 9, priority: false),
        DemoDistrict(id: "university-hill", name: "University Hill", population: 27_800, needIndex: 31, priority: false),
        DemoDistrict(id: "lakeshore", name: "Lakeshore", population: 22_700, needIndex: 14, priority: false),
        DemoDistrict(id: "southfield", name: "Southfield", population: 33_900, needIndex: 57, priority: false),
        DemoDistrict(id: "riverside", name: "Riverside", population: 41_200, needIndex: 72, priority: true),
        DemoDistrict(id: "eastgate", name: "Eastgate", population: 52_300, needIndex: 81, priority: true),
        DemoDistrict(id: "millbrook", name: "Millbrook", population: 38_600, needIndex: 88, priority: true),
        DemoDistrict(id: "port-industrial", name: "Port Industrial District", population: 0, needIndex: 63, priority: false),
    ]

    /// The council's equity pledge of March 2018: at least 40 % of the investment in benefit
    /// infrastructure deployed in the priority districts.
    static let equityTarget = DemoTarget(
        when: DemoDay(2018, 3, 14), id: "priority-share-2018",
        title: "At least 40% of smart-city infrastructure investment in priority districts",
        comparison: .atLeast, thresholdBps: 4_000, categories: [.streetlights, .broadband, .traffic, .sensors])
}
