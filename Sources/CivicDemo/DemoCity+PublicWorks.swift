import CivicDomain

extension DemoCity {
    /// Public works' systems: streetlights along the business corridors (paid by bonds and a
    /// surcharge on every utility bill) whose sensor nodes later fed police video, air-quality
    /// sensors placed where mounting was easy, and the one equity-first project, stormwater sensors.
    static let publicWorksSystems: [DemoSystem] = [
        DemoSystem(
            id: "smart-streetlights", office: "publicworks", title: "Smart LED streetlights", category: .streetlights, vendor: "Lumina Grid",
            method: .framework, procured: DemoDay(2016, 9, 12), contractDollars: 4_800_000, termMonths: 72, terms: .locked,
            funding: [(.bond, 7_000), (.utilitySurcharge, 3_000)],
            amendments: [
                DemoAmendment(
                    when: DemoDay(2021, 7, 13), dollars: 300_000, newEnd: nil, reason: "Police video access module added to the controller platform"),
                DemoAmendment(
                    when: DemoDay(2022, 8, 16), dollars: 1_200_000, newEnd: (2027, 12, 31),
                    reason: "Term extended; replacing the controller platform would mean new fixtures"),
            ],
            deployments: [
                .add(DemoDay(2016, 10, 18), "harbourfront", 1_400, note: "Phase 1: downtown arterials"), .add(DemoDay(2016, 10, 18), "old-town", 600),
                .add(DemoDay(2017, 5, 9), "northbridge-heights", 1_600, note: "Phase 2: arterials to the business hubs"),
                .add(DemoDay(2017, 5, 9), "university-hill", 700), .add(DemoDay(2018, 5, 15), "lakeshore", 900),
                .add(DemoDay(2018, 5, 15), "old-town", 500), .add(DemoDay(2018, 5, 15), "university-hill", 500),
                .add(DemoDay(2019, 6, 11), "southfield", 300), .add(DemoDay(2019, 6, 11), "port-industrial", 200),
                .add(DemoDay(2020, 9, 15), "riverside", 180, note: "Phase 5"), .add(DemoDay(2020, 9, 15), "eastgate", 150, note: "Phase 5"),
                .add(DemoDay(2020, 9, 15), "millbrook", 120, note: "Phase 5"),
            ],
            assessments: [
                DemoAssessment(
                    when: DemoDay(2017, 1, 17), dataTypes: [.environmental, .trafficCounts], retentionDays: 30, sharing: [],
                    automatedDecisions: false,
                    risk: .low, usePolicy: "Lighting control and environmental sensing only."),
                DemoAssessment(
                    when: DemoDay(2021, 8, 17), dataTypes: [.video, .audio, .environmental, .trafficCounts], retentionDays: 30, sharing: [.police],
                    automatedDecisions: true, risk: .high, mitigations: ["Video access requires a case number"],
                    notes:
                        """
                        Since August 2021 the sensor nodes stream video to the police real-time crime centre. The lights were bought for safety \
                        and energy savings; no public consultation preceded the change.
                        """
                ),
            ],
            costs: [
                .once(.capital, DemoDay(2016, 9, 27), dollars: 420_000, source: .bond, note: "Phase 1 fixtures and controllers"),
                DemoCost(.capital, .annual, from: ym(2017, 3), to: ym(2020, 3), dollars: 1_100_000, source: .bond, note: "Conversion phase"),
                DemoCost(
                    .energy, .monthly, from: ym(2016, 10), dollars: 28_000, growthBps: 300, source: .utilitySurcharge,
                    payee: "Northbridge Power and Light"),
                DemoCost(
                    .licence, .annual, from: ym(2017, 9), dollars: 65_000, growthBps: 800, source: .generalFund, note: "Controller platform licence"),
                DemoCost(.maintenance, .quarterly, from: ym(2018, 1), dollars: 30_000, growthBps: 300, source: .generalFund),
                .once(
                    .hardwareRefresh, DemoDay(2023, 4, 18), dollars: 600_000, source: .generalFund,
                    note: "Sensor node refresh required by platform v4"),
                DemoCost(
                    .data, .monthly, from: ym(2021, 9), dollars: 4_000, growthBps: 500, source: .generalFund, office: "police",
                    note: "Streetlight video feed to the real-time crime centre"),
            ]),
        DemoSystem(
            id: "air-quality", office: "publicworks", title: "Air-quality sensor network", category: .sensors, vendor: "AirSense Labs",
            method: .vendorSubsidisedPilot, procured: DemoDay(2017, 4, 4), contractDollars: 30_000, termMonths: 12,
            terms: DemoTerms(dataPortability: false, openFormats: false, sourceAvailable: false, exitClause: true),
            funding: [(.vendorSubsidy, 10_000)],
            deployments: [
                .add(DemoDay(2017, 5, 9), "harbourfront", 12, note: "Mounted where power and poles were easy to reach"),
                .add(DemoDay(2017, 5, 9), "university-hill", 10), .add(DemoDay(2017, 5, 9), "northbridge-heights", 8),
                .add(DemoDay(2017, 5, 9), "lakeshore", 6), .add(DemoDay(2017, 5, 9), "old-town", 6),
                .add(DemoDay(2023, 6, 13), "eastgate", 6, note: "Expansion after residents' air-quality campaign"),
                .add(DemoDay(2023, 6, 13), "millbrook", 5, note: "Expansion after residents' air-quality campaign"),
                .add(DemoDay(2023, 6, 13), "port-industrial", 4, note: "Expansion after residents' air-quality campaign"),
            ],
            assessments: [
                DemoAssessment(
                    when: DemoDay(2017, 6, 13), dataTypes: [.environmental], retentionDays: 3_650, sharing: [.public, .vendor],
                    automatedDecisions: false, risk: .low)
            ],
            costs: [
                DemoCost(
                    .licence, .monthly, from: ym(2017, 4), dollars: 1_200, growthBps: 600, source: .vendorSubsidy, then: [(ym(2018, 4), .generalFund)]
                ),
                DemoCost(.maintenance, .quarterly, from: ym(2018, 4), dollars: 3_500, growthBps: 300, source: .generalFund),
                .once(
                    .hardwareRefresh, DemoDay(2022, 2, 15), dollars: 48_000, source: .generalFund,
                    note: "Old sensors no longer supported by the platform"),
                DemoCost(.data, .annual, from: ym(2019, 1), dollars: 6_000, growthBps: 500, source: .generalFund, note: "Calibrated data export fee"),
            ]),
        DemoSystem(
            id: "smart-bins", office: "publicworks", title: "Fill-level sensing waste bins", category: .sensors, vendor: "AirSense Labs",
            method: .pilot, procured: DemoDay(2019, 7, 9), contractDollars: 48_000, termMonths: 24, terms: .locked, funding: [(.generalFund, 10_000)],
            deployments: [
                .add(DemoDay(2019, 8, 13), "harbourfront", 60), .add(DemoDay(2019, 8, 13), "old-town", 40),
                .add(DemoDay(2019, 8, 13), "university-hill", 30),
            ],
            costs: [
                .once(.capital, DemoDay(2019, 7, 23), dollars: 48_000, source: .generalFund),
                DemoCost(.licence, .monthly, from: ym(2019, 8), dollars: 900, growthBps: 300, source: .generalFund),
                DemoCost(.maintenance, .annual, from: ym(2020, 8), dollars: 6_000, source: .generalFund),
            ]),
        DemoSystem(
            id: "pothole-ai", office: "publicworks", title: "Road condition survey and pothole analytics", category: .analytics,
            vendor: "Meridian Analytics", method: .soleSource, procured: DemoDay(2020, 3, 10), contractDollars: 120_000, termMonths: 24,
            terms: .locked, funding: [(.generalFund, 10_000)],
            assessments: [
                DemoAssessment(
                    when: DemoDay(2020, 5, 19), dataTypes: [.video, .location], retentionDays: 365, sharing: [.vendor], automatedDecisions: false,
                    risk: .medium,
                    notes:
                        """
                        Vehicle-mounted cameras capture street imagery citywide, including faces and plates; the vendor keeps the imagery to \
                        train its models.
                        """
                )
            ],
            costs: [
                .once(.capital, DemoDay(2020, 3, 24), dollars: 120_000, source: .generalFund),
                DemoCost(.licence, .annual, from: ym(2021, 3), dollars: 60_000, growthBps: 600, source: .generalFund),
                DemoCost(.professionalServices, .quarterly, from: ym(2020, 7), dollars: 9_000, growthBps: 400, source: .generalFund),
                DemoCost(.data, .annual, from: ym(2020, 9), dollars: 20_000, source: .generalFund, note: "Street imagery capture"),
            ]),
        DemoSystem(
            id: "stormwater-sensors", office: "publicworks", title: "Stormwater and flood sensors", category: .sensors,
            vendor: "OpenRoad Cooperative",
            method: .openTender, procured: DemoDay(2022, 5, 10), contractDollars: 380_000, termMonths: 48, ocid: "ocds-nb7x2q-2022-0088",
            terms: .open, funding: [(.grant, 7_000), (.utilitySurcharge, 3_000)],
            deployments: [
                .add(DemoDay(2022, 7, 12), "riverside", 40, note: "Flood-prone blocks first"), .add(DemoDay(2022, 7, 12), "millbrook", 36),
                .add(DemoDay(2022, 7, 12), "eastgate", 22), .add(DemoDay(2022, 7, 12), "port-industrial", 12),
                .add(DemoDay(2022, 7, 12), "southfield", 10),
            ],
            assessments: [
                DemoAssessment(
                    when: DemoDay(2022, 8, 9), dataTypes: [.environmental], retentionDays: 3_650, sharing: [.public], automatedDecisions: false,
                    risk: .low)
            ],
            costs: [
                .once(.capital, DemoDay(2022, 5, 24), dollars: 266_000, source: .grant, note: "Climate resilience grant"),
                .once(.capital, DemoDay(2022, 11, 15), dollars: 114_000, source: .utilitySurcharge),
                DemoCost(.maintenance, .quarterly, from: ym(2023, 1), dollars: 8_000, growthBps: 300, source: .utilitySurcharge),
                DemoCost(.staff, .annual, from: ym(2023, 1), dollars: 15_000, source: .generalFund, payee: inHouse),
            ]),
    ]
}
