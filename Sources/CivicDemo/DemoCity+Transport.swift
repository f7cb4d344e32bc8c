import CivicDomain

extension DemoCity {
    /// Transport's systems: a sole-source traffic platform whose renewals and refreshes multiply its
    /// cost, signals and transit priority along the business corridors, and an open-tender counter
    /// network spread evenly across the city.
    static let transportSystems: [DemoSystem] = [
        DemoSystem(
            id: "traffic-platform", office: "transport", title: "Adaptive traffic management platform", category: .traffic,
            vendor: "FlowMetrics Inc.", method: .soleSource, procured: DemoDay(2016, 6, 13), contractDollars: 180_000, termMonths: 36,
            terms: .locked, funding: [(.generalFund, 7_000), (.bond, 3_000)],
            amendments: [
                DemoAmendment(
                    when: DemoDay(2019, 5, 20), dollars: 450_000, newEnd: (2024, 6, 30),
                    reason: "Renewal without competition: proprietary controller protocol"),
                DemoAmendment(
                    when: DemoDay(2023, 11, 8), dollars: 620_000, newEnd: (2028, 6, 30),
                    reason: "Second renewal; migration judged infeasible because of closed data formats"),
            ],
            deployments: [
                .add(DemoDay(2016, 8, 10), "harbourfront", 46, note: "Phase 1: downtown grid"), .add(DemoDay(2016, 8, 10), "old-town", 38),
                .add(DemoDay(2017, 5, 16), "northbridge-heights", 30, note: "Phase 2: arterial corridors"),
                .add(DemoDay(2017, 5, 16), "university-hill", 34), .add(DemoDay(2017, 5, 16), "lakeshore", 22),
                .add(DemoDay(2019, 9, 12), "southfield", 12), .add(DemoDay(2019, 9, 12), "port-industrial", 14, note: "Freight route"),
                .add(DemoDay(2019, 9, 12), "riverside", 8), .add(DemoDay(2022, 4, 19), "eastgate", 6), .add(DemoDay(2022, 4, 19), "millbrook", 4),
            ],
            assessments: [
                DemoAssessment(
                    when: DemoDay(2017, 2, 9), dataTypes: [.trafficCounts, .video], retentionDays: 30, sharing: [.vendor], automatedDecisions: true,
                    risk: .low, usePolicy: "Signal timing only; video is not recorded by the city."),
                DemoAssessment(
                    when: DemoDay(2021, 3, 17), dataTypes: [.trafficCounts, .video, .licencePlates], retentionDays: 90, sharing: [.vendor, .police],
                    automatedDecisions: true, risk: .medium, mitigations: ["Plate reads hashed after 24 hours"],
                    notes: "The journey-time module reads licence plates; the police department asked for access in 2020 and was granted it."),
            ],
            costs: [
                .once(.capital, DemoDay(2016, 6, 27), dollars: 180_000, source: .bond, note: "Central platform and first controllers"),
                DemoCost(.licence, .monthly, from: ym(2016, 7), dollars: 5_000, growthBps: 700, source: .generalFund),
                DemoCost(
                    .professionalServices, .quarterly, from: ym(2017, 1), dollars: 15_000, growthBps: 500, source: .generalFund,
                    note: "Timing plans and integrations (vendor-only tooling)"),
                .once(
                    .hardwareRefresh, DemoDay(2020, 9, 8), dollars: 260_000, source: .bond, note: "Controller refresh required by platform upgrade"),
                .once(.hardwareRefresh, DemoDay(2024, 10, 15), dollars: 320_000, source: .bond, note: "Second controller refresh"),
                DemoCost(
                    .data, .annual, from: ym(2021, 1), dollars: 25_000, growthBps: 500, source: .generalFund, note: "Cloud hosting and data egress"),
            ]),
        DemoSystem(
            id: "adaptive-signals", office: "transport", title: "Adaptive signal controllers", category: .traffic, vendor: "FlowMetrics Inc.",
            method: .framework, procured: DemoDay(2018, 4, 10), contractDollars: 640_000, termMonths: 60,
            terms: DemoTerms(dataPortability: false, openFormats: false, sourceAvailable: false, exitClause: true),
            funding: [(.bond, 8_000), (.generalFund, 2_000)],
            deployments: [
                .add(DemoDay(2018, 6, 5), "harbourfront", 40), .add(DemoDay(2018, 6, 5), "university-hill", 30),
                .add(DemoDay(2018, 6, 5), "northbridge-heights", 28), .add(DemoDay(2018, 9, 11), "old-town", 26),
                .add(DemoDay(2018, 9, 11), "lakeshore", 24), .add(DemoDay(2020, 5, 6), "southfield", 10), .add(DemoDay(2020, 5, 6), "riverside", 6),
            ],
            costs: [
                .once(.capital, DemoDay(2018, 4, 20), dollars: 320_000, source: .bond),
                .once(.capital, DemoDay(2018, 10, 16), dollars: 320_000, source: .bond),
                DemoCost(.maintenance, .quarterly, from: ym(2019, 1), dollars: 22_000, growthBps: 400, source: .generalFund),
                .once(.hardwareRefresh, DemoDay(2023, 6, 13), dollars: 180_000, source: .bond),
            ]),
        DemoSystem(
            id: "traffic-counters", office: "transport", title: "Multimodal traffic counters", category: .sensors, vendor: "OpenRoad Cooperative",
            method: .openTender, procured: DemoDay(2019, 3, 5), contractDollars: 210_000, termMonths: 48, ocid: "ocds-nb7x2q-2019-0112",
            terms: .open, funding: [(.grant, 5_000), (.generalFund, 5_000)],
            deployments: [
                ("harbourfront", 8), ("old-town", 8), ("northbridge-heights", 6), ("university-hill", 8), ("lakeshore", 6), ("southfield", 10),
                ("riverside", 12), ("eastgate", 14), ("millbrook", 12), ("port-industrial", 4),
            ].map { .add(DemoDay(2019, 4, 9), $0.0, $0.1, note: "Vision Zero high-injury network") },
            assessments: [
                DemoAssessment(
                    when: DemoDay(2019, 4, 22), dataTypes: [.trafficCounts], retentionDays: 365, sharing: [.public], automatedDecisions: false,
                    risk: .low, usePolicy: "Counts only; no images leave the device. Published weekly on the open data portal.")
            ],
            costs: [
                .once(.capital, DemoDay(2019, 3, 19), dollars: 105_000, source: .grant, note: "Road safety grant"),
                .once(.capital, DemoDay(2019, 9, 17), dollars: 105_000, source: .generalFund),
                DemoCost(.maintenance, .annual, from: ym(2020, 3), dollars: 14_000, growthBps: 300, source: .generalFund),
                DemoCost(
                    .staff, .annual, from: ym(2020, 1), dollars: 12_000, growthBps: 300, source: .generalFund, payee: inHouse,
                    note: "Traffic data analyst time"),
            ]),
        DemoSystem(
            id: "parking-sensors", office: "transport", title: "Smart parking sensors", category: .sensors, vendor: "FlowMetrics Inc.",
            method: .vendorSubsidisedPilot, procured: DemoDay(2017, 6, 6), contractDollars: 40_000, termMonths: 12, terms: .locked,
            funding: [(.vendorSubsidy, 10_000)],
            deployments: [
                .add(DemoDay(2017, 7, 11), "harbourfront", 320), .add(DemoDay(2017, 7, 11), "old-town", 180),
                .remove(DemoDay(2021, 10, 19), "harbourfront", note: "Pilot ended"), .remove(DemoDay(2021, 10, 19), "old-town", note: "Pilot ended"),
            ],
            assessments: [
                DemoAssessment(
                    when: DemoDay(2017, 8, 8), dataTypes: [.usageData], retentionDays: 365, sharing: [.vendor], automatedDecisions: false, risk: .low)
            ],
            costs: [
                DemoCost(.licence, .monthly, from: ym(2017, 6), dollars: 1_800, growthBps: 500, source: .vendorSubsidy, then: [(ym(2018, 6), .fees)]),
                DemoCost(.maintenance, .quarterly, from: ym(2018, 7), dollars: 4_000, source: .fees),
            ],
            retired: (DemoDay(2021, 11, 23), "Pilot ended: unreliable occupancy data, and a renewal priced above the parking revenue it raised")),
        DemoSystem(
            id: "transit-signal-priority", office: "transport", title: "Transit signal priority", category: .traffic, vendor: "FlowMetrics Inc.",
            method: .soleSource, procured: DemoDay(2020, 8, 11), contractDollars: 150_000, termMonths: 36, terms: .locked,
            funding: [(.grant, 6_000), (.generalFund, 4_000)],
            deployments: [
                .add(DemoDay(2020, 11, 10), "harbourfront", 20), .add(DemoDay(2020, 11, 10), "university-hill", 16),
                .add(DemoDay(2020, 11, 10), "old-town", 12), .add(DemoDay(2020, 11, 10), "northbridge-heights", 8),
                .add(DemoDay(2022, 9, 13), "eastgate", 6), .add(DemoDay(2022, 9, 13), "riverside", 4),
            ],
            costs: [
                .once(.capital, DemoDay(2020, 8, 25), dollars: 150_000, source: .grant, note: "Federal transit grant"),
                DemoCost(.licence, .monthly, from: ym(2020, 9), dollars: 3_500, growthBps: 600, source: .generalFund),
                DemoCost(.professionalServices, .quarterly, from: ym(2021, 1), dollars: 12_000, growthBps: 500, source: .generalFund),
            ]),
    ]
}
