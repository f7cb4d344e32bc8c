import CivicDomain

extension DemoCity {
    /// IT's systems: a sole-source data platform and the fraud score built on it, public Wi-Fi and
    /// kiosks downtown, and a grant-funded fibre network whose promised extension to the priority
    /// districts was descoped.
    static let itSystems: [DemoSystem] = [
        DemoSystem(
            id: "data-platform", office: "it", title: "Citywide data and analytics platform", category: .platform, vendor: "Meridian Analytics",
            method: .soleSource, procured: DemoDay(2017, 1, 16), contractDollars: 220_000, termMonths: 24, terms: .locked,
            funding: [(.generalFund, 10_000)],
            amendments: [
                DemoAmendment(
                    when: DemoDay(2018, 12, 11), dollars: 640_000, newEnd: (2022, 1, 31),
                    reason: "Enterprise licence; each new data connector priced separately"),
                DemoAmendment(
                    when: DemoDay(2022, 1, 18), dollars: 1_250_000, newEnd: (2027, 1, 31),
                    reason: "Renewal; export of the city's data in open formats not included"),
            ],
            assessments: [
                DemoAssessment(
                    when: DemoDay(2017, 6, 20), dataTypes: [.personalRecords, .location, .usageData], retentionDays: 3_650,
                    sharing: [.otherAgencies, .vendor], automatedDecisions: false, districts: [], risk: .medium),
                DemoAssessment(
                    when: DemoDay(2020, 10, 13), dataTypes: [.personalRecords, .location, .usageData, .licencePlates], retentionDays: 3_650,
                    sharing: [.police, .otherAgencies, .vendor], automatedDecisions: true, districts: [], risk: .high,
                    notes: "Feeds the benefit fraud score and receives plate reads from the police licence-plate readers."),
            ],
            costs: [
                .once(.capital, DemoDay(2017, 1, 24), dollars: 220_000, source: .generalFund),
                DemoCost(.licence, .annual, from: ym(2018, 1), dollars: 90_000, growthBps: 900, source: .generalFund),
                DemoCost(
                    .professionalServices, .monthly, from: ym(2017, 3), dollars: 7_000, growthBps: 600, source: .generalFund,
                    note: "Connectors and dashboards (vendor-only)"),
                DemoCost(.data, .quarterly, from: ym(2019, 1), dollars: 8_000, growthBps: 500, source: .generalFund, note: "Hosting and storage"),
            ]),
        DemoSystem(
            id: "fraud-scoring", office: "it", title: "Benefit fraud risk scoring", category: .analytics, vendor: "Meridian Analytics",
            method: .soleSource, procured: DemoDay(2020, 6, 9), contractDollars: 160_000, termMonths: 36, terms: .locked,
            funding: [(.generalFund, 5_000), (.grant, 5_000)],
            amendments: [
                DemoAmendment(when: DemoDay(2023, 6, 13), dollars: -60_000, newEnd: nil, reason: "Licence reduced while the score is suspended")
            ],
            assessments: [
                DemoAssessment(
                    when: DemoDay(2020, 9, 22), dataTypes: [.personalRecords], retentionDays: 2_555, sharing: [.otherAgencies, .vendor],
                    automatedDecisions: true, districts: ["southfield", "riverside", "eastgate", "millbrook"],
                    communities: ["Households receiving housing and food assistance"], risk: .high,
                    mitigations: ["Caseworker review before any benefit is stopped"])
            ],
            costs: [
                .once(.capital, DemoDay(2020, 6, 23), dollars: 160_000, source: .grant, note: "State anti-fraud grant"),
                DemoCost(.licence, .quarterly, from: ym(2020, 7), dollars: 18_000, growthBps: 500, source: .generalFund),
                DemoCost(.professionalServices, .quarterly, from: ym(2020, 10), dollars: 10_000, source: .generalFund),
            ],
            retired: (DemoDay(2024, 8, 20), "Discontinued after an independent audit found error rates three times higher in priority districts")),
        DemoSystem(
            id: "public-wifi", office: "it", title: "Free public Wi-Fi", category: .broadband, vendor: "Skyline Fiber", method: .framework,
            procured: DemoDay(2017, 8, 8), contractDollars: 300_000, termMonths: 60,
            terms: DemoTerms(dataPortability: false, openFormats: true, sourceAvailable: false, exitClause: true),
            funding: [(.bond, 4_000), (.generalFund, 6_000)],
            deployments: [
                .add(DemoDay(2017, 9, 12), "harbourfront", 120), .add(DemoDay(2017, 9, 12), "old-town", 80),
                .add(DemoDay(2017, 9, 12), "university-hill", 90), .add(DemoDay(2018, 4, 10), "northbridge-heights", 40),
                .add(DemoDay(2018, 4, 10), "lakeshore", 50), .add(DemoDay(2020, 7, 14), "riverside", 12, note: "Pandemic hotspots"),
                .add(DemoDay(2020, 7, 14), "eastgate", 10, note: "Pandemic hotspots"),
                .add(DemoDay(2020, 7, 14), "millbrook", 6, note: "Pandemic hotspots"),
            ],
            assessments: [
                DemoAssessment(
                    when: DemoDay(2017, 10, 17), dataTypes: [.deviceIDs, .location, .usageData], retentionDays: 180,
                    sharing: [.vendor, .thirdParties],
                    automatedDecisions: false, risk: .medium,
                    notes: "Footfall analytics from device probes are sold by the vendor to the downtown business improvement district.")
            ],
            costs: [
                .once(.capital, DemoDay(2017, 8, 22), dollars: 300_000, source: .bond),
                DemoCost(.licence, .monthly, from: ym(2017, 9), dollars: 4_000, growthBps: 400, source: .generalFund),
                DemoCost(.maintenance, .quarterly, from: ym(2018, 1), dollars: 15_000, growthBps: 300, source: .generalFund),
                .once(.hardwareRefresh, DemoDay(2022, 5, 17), dollars: 260_000, source: .bond),
            ]),
        DemoSystem(
            id: "broadband-fiber", office: "it", title: "Municipal fibre network", category: .broadband, vendor: "Skyline Fiber",
            method: .openTender, procured: DemoDay(2018, 5, 15), contractDollars: 2_400_000, termMonths: 60, ocid: "ocds-nb7x2q-2018-0047",
            terms: DemoTerms(dataPortability: true, openFormats: true, sourceAvailable: false, exitClause: true),
            funding: [(.grant, 5_000), (.bond, 5_000)],
            amendments: [
                DemoAmendment(
                    when: DemoDay(2021, 2, 9), dollars: 900_000, newEnd: (2025, 6, 30),
                    reason: "Phase 3: extension to Riverside, Eastgate and Millbrook"),
                DemoAmendment(
                    when: DemoDay(2023, 3, 14), dollars: -650_000, newEnd: nil,
                    reason: "Phase 3 descoped after cost overruns; only Riverside connected"),
            ],
            deployments: [
                .add(DemoDay(2018, 10, 16), "harbourfront", 4_200, note: "Premises passed"),
                .add(DemoDay(2018, 10, 16), "university-hill", 3_800, note: "Premises passed"),
                .add(DemoDay(2019, 5, 14), "northbridge-heights", 5_100, note: "Premises passed"),
                .add(DemoDay(2019, 5, 14), "old-town", 2_600, note: "Premises passed"),
                .add(DemoDay(2019, 5, 14), "lakeshore", 2_900, note: "Premises passed"),
                .add(DemoDay(2019, 11, 12), "port-industrial", 600, note: "Premises passed"),
                .add(DemoDay(2019, 11, 12), "southfield", 700, note: "Premises passed"),
                .add(DemoDay(2023, 9, 19), "riverside", 900, note: "Phase 3, premises passed"),
            ],
            costs: [
                .once(.capital, DemoDay(2018, 6, 12), dollars: 1_200_000, source: .bond),
                .once(.capital, DemoDay(2019, 3, 12), dollars: 1_200_000, source: .grant, note: "Federal broadband infrastructure grant"),
                DemoCost(.maintenance, .quarterly, from: ym(2019, 1), dollars: 45_000, growthBps: 300, source: .generalFund),
                DemoCost(
                    .staff, .monthly, from: ym(2018, 6), dollars: 8_000, growthBps: 300, source: .generalFund, payee: inHouse,
                    note: "Network operations team"),
                .once(.capital, DemoDay(2021, 6, 15), dollars: 250_000, source: .grant, note: "Phase 3 design"),
                .once(.capital, DemoDay(2023, 8, 15), dollars: 400_000, source: .grant, note: "Phase 3: Riverside build"),
            ]),
        DemoSystem(
            id: "wifi-kiosks", office: "it", title: "Smart Wi-Fi kiosks", category: .broadband, vendor: "CivicStack", method: .vendorSubsidisedPilot,
            procured: DemoDay(2019, 4, 9), contractDollars: 25_000, termMonths: 12, terms: .locked, funding: [(.vendorSubsidy, 10_000)],
            deployments: [
                .add(DemoDay(2019, 5, 21), "harbourfront", 24), .add(DemoDay(2019, 5, 21), "old-town", 16),
                .add(DemoDay(2019, 5, 21), "university-hill", 10),
            ],
            assessments: [
                DemoAssessment(
                    when: DemoDay(2019, 6, 11), dataTypes: [.video, .deviceIDs, .location, .usageData], retentionDays: 30,
                    sharing: [.vendor, .thirdParties, .police], automatedDecisions: false, risk: .high,
                    notes: "Kiosk cameras and Wi-Fi probes feed the vendor's advertising analytics.")
            ],
            costs: [
                DemoCost(
                    .licence, .monthly, from: ym(2019, 5), dollars: 1_500, growthBps: 500, source: .vendorSubsidy, then: [(ym(2020, 5), .generalFund)]
                ),
                DemoCost(.maintenance, .quarterly, from: ym(2020, 4), dollars: 6_000, growthBps: 300, source: .generalFund),
            ]),
    ]
}
