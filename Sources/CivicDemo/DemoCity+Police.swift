import CivicDomain

extension DemoCity {
    /// The police department's systems: cameras, licence-plate readers, gunshot detection and video
    /// analytics, concentrated in the priority districts and grown from pilots and sole-source deals.
    static let policeSystems: [DemoSystem] = [
        DemoSystem(
            id: "cctv-network", office: "police", title: "Public-safety CCTV network", category: .cameras, vendor: "Citadel Urban Systems",
            method: .soleSource, procured: DemoDay(2016, 3, 8), contractDollars: 350_000, termMonths: 36, terms: .locked,
            funding: [(.generalFund, 6_000), (.grant, 4_000)],
            amendments: [
                DemoAmendment(
                    when: DemoDay(2019, 2, 12), dollars: 1_100_000, newEnd: (2024, 3, 31),
                    reason: "Expansion to 240 cameras; renewed without competition"),
                DemoAmendment(
                    when: DemoDay(2024, 2, 20), dollars: 1_400_000, newEnd: (2029, 3, 31),
                    reason: "Renewal: the footage archive cannot be exported in an open format"),
            ],
            deployments: [
                .add(DemoDay(2016, 4, 12), "millbrook", 40), .add(DemoDay(2016, 4, 12), "eastgate", 36), .add(DemoDay(2016, 4, 12), "riverside", 28),
                .add(DemoDay(2017, 9, 19), "southfield", 12),
                .add(DemoDay(2017, 9, 19), "harbourfront", 10, note: "Requested by the downtown business improvement district"),
                .add(DemoDay(2019, 4, 16), "millbrook", 30), .add(DemoDay(2019, 4, 16), "eastgate", 26), .add(DemoDay(2019, 4, 16), "riverside", 18),
                .add(DemoDay(2021, 5, 11), "port-industrial", 8), .add(DemoDay(2021, 5, 11), "old-town", 6),
                .remove(DemoDay(2023, 7, 18), "riverside", 6, note: "Removed near Riverside Elementary after community objection"),
            ],
            assessments: [
                DemoAssessment(
                    when: DemoDay(2016, 5, 17), dataTypes: [.video], retentionDays: 30, sharing: [.police], automatedDecisions: false,
                    communities: ["Public housing residents in Millbrook and Eastgate"], risk: .high, mitigations: ["Footage access logged"],
                    usePolicy: "Investigation of reported crimes only."),
                DemoAssessment(
                    when: DemoDay(2019, 6, 18), dataTypes: [.video], retentionDays: 90, sharing: [.police, .otherAgencies, .vendor],
                    automatedDecisions: false, communities: ["Public housing residents in Millbrook and Eastgate", "Riverside tenants"],
                    risk: .high, mitigations: ["Footage access logged"], usePolicy: "Investigation of reported crimes only.",
                    notes:
                        """
                        Retention tripled at the 2019 renewal. The vendor hosts the footage and holds the only export tools; other agencies may \
                        request footage under a data-sharing memorandum.
                        """
                ),
                DemoAssessment(
                    when: DemoDay(2023, 8, 22), dataTypes: [.video], retentionDays: 90, sharing: [.police, .otherAgencies, .vendor],
                    automatedDecisions: false, communities: ["Public housing residents in Millbrook and Eastgate", "Riverside tenants"],
                    risk: .high, mitigations: ["Footage access logged", "Cameras near Riverside Elementary removed"],
                    usePolicy: "Investigation of reported crimes only."),
            ],
            costs: [
                .once(.capital, DemoDay(2016, 3, 22), dollars: 350_000, source: .grant, note: "Justice assistance grant"),
                DemoCost(
                    .licence, .monthly, from: ym(2016, 4), dollars: 9_000, growthBps: 600, source: .generalFund, note: "Video management software"),
                DemoCost(.maintenance, .quarterly, from: ym(2017, 1), dollars: 24_000, growthBps: 500, source: .generalFund),
                .once(.capital, DemoDay(2019, 5, 14), dollars: 620_000, source: .bond, note: "Expansion cameras"),
                .once(.hardwareRefresh, DemoDay(2021, 3, 16), dollars: 480_000, source: .bond, note: "Camera refresh bundled with software upgrade"),
                .once(.hardwareRefresh, DemoDay(2025, 5, 13), dollars: 390_000, source: .bond),
                DemoCost(
                    .data, .monthly, from: ym(2020, 1), dollars: 3_000, growthBps: 800, source: .generalFund, note: "Vendor cloud video storage"),
            ]),
        DemoSystem(
            id: "lpr-fixed", office: "police", title: "Fixed licence-plate readers", category: .licencePlateReaders, vendor: "Plateview Systems",
            method: .vendorSubsidisedPilot, procured: DemoDay(2017, 5, 2), contractDollars: 60_000, termMonths: 12, terms: .locked,
            funding: [(.vendorSubsidy, 10_000)],
            amendments: [
                DemoAmendment(
                    when: DemoDay(2018, 4, 17), dollars: 240_000, newEnd: (2021, 4, 30),
                    reason: "Pilot converted to a three-year subscription without competition"),
                DemoAmendment(
                    when: DemoDay(2021, 4, 13), dollars: 380_000, newEnd: (2026, 4, 30),
                    reason: "Renewal; hotlist integration only available from the vendor"),
            ],
            deployments: [
                .add(DemoDay(2017, 6, 13), "eastgate", 14), .add(DemoDay(2017, 6, 13), "millbrook", 12),
                .add(DemoDay(2018, 6, 12), "riverside", 10), .add(DemoDay(2018, 6, 12), "southfield", 6),
                .add(DemoDay(2018, 6, 12), "port-industrial", 8, note: "Port entrance"), .add(DemoDay(2018, 6, 12), "harbourfront", 3),
                .add(DemoDay(2020, 3, 10), "millbrook", 8), .add(DemoDay(2020, 3, 10), "eastgate", 6),
            ],
            assessments: [
                DemoAssessment(
                    when: DemoDay(2017, 7, 18), dataTypes: [.licencePlates, .location], retentionDays: 365,
                    sharing: [.police, .otherAgencies, .vendor],
                    automatedDecisions: true, communities: ["Commuters from Millbrook and Eastgate"], risk: .high,
                    mitigations: ["Hotlist hits confirmed by an officer before a stop"]),
                DemoAssessment(
                    when: DemoDay(2021, 6, 15), dataTypes: [.licencePlates, .location, .video], retentionDays: 1_095,
                    sharing: [.police, .otherAgencies, .vendor, .thirdParties], automatedDecisions: true,
                    communities: ["Commuters from Millbrook and Eastgate", "Port workers"], risk: .critical,
                    mitigations: ["Hotlist hits confirmed by an officer before a stop"],
                    notes:
                        """
                        Since the 2021 renewal, reads are shared with the vendor's national network, where out-of-state agencies and private \
                        repossession firms can query them. Retention is three years.
                        """
                ),
            ],
            costs: [
                DemoCost(
                    .licence, .monthly, from: ym(2017, 5), dollars: 2_000, growthBps: 1_000, source: .vendorSubsidy,
                    then: [(ym(2018, 5), .generalFund)]),
                DemoCost(
                    .professionalServices, .quarterly, from: ym(2018, 7), dollars: 6_000, growthBps: 500, source: .generalFund,
                    note: "Hotlist integration and custom reports"),
                .once(.hardwareRefresh, DemoDay(2022, 8, 9), dollars: 120_000, source: .bond, note: "Reader refresh bundled with software v5"),
                DemoCost(
                    .data, .annual, from: ym(2019, 1), dollars: 15_000, growthBps: 500, source: .generalFund,
                    note: "Access to the vendor's national plate database"),
            ]),
        DemoSystem(
            id: "lpr-mobile", office: "police", title: "Mobile licence-plate readers (patrol cars)", category: .licencePlateReaders,
            vendor: "Plateview Systems", method: .soleSource, procured: DemoDay(2019, 10, 8), contractDollars: 95_000, termMonths: 36, terms: .locked,
            funding: [(.generalFund, 10_000)],
            deployments: [
                .add(DemoDay(2019, 11, 12), "millbrook", 6), .add(DemoDay(2019, 11, 12), "eastgate", 6),
                .add(DemoDay(2019, 11, 12), "riverside", 4), .add(DemoDay(2019, 11, 12), "southfield", 2),
            ],
            assessments: [
                DemoAssessment(
                    when: DemoDay(2019, 12, 10), dataTypes: [.licencePlates, .location], retentionDays: 1_095,
                    sharing: [.police, .otherAgencies, .vendor],
                    automatedDecisions: true, risk: .high,
                    notes: "Cars patrol the precincts they are assigned to, so reads come mostly from the priority districts.")
            ],
            costs: [
                .once(.capital, DemoDay(2019, 10, 22), dollars: 95_000, source: .generalFund),
                DemoCost(.licence, .monthly, from: ym(2019, 11), dollars: 2_200, growthBps: 800, source: .generalFund),
                .once(.hardwareRefresh, DemoDay(2024, 3, 12), dollars: 70_000, source: .generalFund),
            ]),
        DemoSystem(
            id: "gunshot-detection", office: "police", title: "Acoustic gunshot detection", category: .sensors, vendor: "Citadel Urban Systems",
            method: .vendorSubsidisedPilot, procured: DemoDay(2018, 9, 4), contractDollars: 75_000, termMonths: 12, terms: .locked,
            funding: [(.vendorSubsidy, 5_000), (.grant, 5_000)],
            amendments: [
                DemoAmendment(
                    when: DemoDay(2019, 8, 13), dollars: 255_000, newEnd: (2022, 8, 31), reason: "Pilot converted to a three-year subscription")
            ],
            deployments: [
                .add(DemoDay(2018, 10, 9), "millbrook", 22), .add(DemoDay(2018, 10, 9), "eastgate", 18), .add(DemoDay(2018, 10, 9), "riverside", 12),
                .add(DemoDay(2021, 6, 8), "southfield", 8),
            ],
            assessments: [
                DemoAssessment(
                    when: DemoDay(2018, 11, 13), dataTypes: [.audio, .location], retentionDays: 730, sharing: [.police, .vendor],
                    automatedDecisions: true,
                    communities: ["Residents of Millbrook, Eastgate and Riverside"], risk: .high,
                    notes: "Sensors listen continuously; the vendor's reviewers classify alerts, which dispatch officers to the area.")
            ],
            costs: [
                .once(.licence, DemoDay(2018, 9, 18), dollars: 75_000, source: .vendorSubsidy, note: "Pilot year"),
                DemoCost(.licence, .annual, from: ym(2019, 9), dollars: 85_000, growthBps: 400, source: .generalFund),
            ]),
        DemoSystem(
            id: "rtcc-analytics", office: "police", title: "Real-time crime centre video analytics", category: .analytics,
            vendor: "Citadel Urban Systems", method: .soleSource, procured: DemoDay(2021, 9, 14), contractDollars: 280_000, termMonths: 48,
            terms: .locked, funding: [(.generalFund, 5_000), (.grant, 5_000)],
            assessments: [
                DemoAssessment(
                    when: DemoDay(2021, 10, 19), dataTypes: [.video, .biometrics, .licencePlates, .location], retentionDays: 365,
                    sharing: [.police, .otherAgencies, .vendor], automatedDecisions: true,
                    districts: ["harbourfront", "old-town", "southfield", "riverside", "eastgate", "millbrook", "port-industrial"],
                    communities: ["Residents of the priority districts", "Protesters"], risk: .critical,
                    mitigations: ["Face matching disabled by council resolution (the vendor can re-enable it remotely)"],
                    notes: "Searches all CCTV, streetlight and licence-plate feeds for people and vehicles by appearance.")
            ],
            costs: [
                .once(.capital, DemoDay(2021, 9, 28), dollars: 280_000, source: .grant, note: "Homeland security grant"),
                DemoCost(.licence, .monthly, from: ym(2021, 10), dollars: 11_000, growthBps: 800, source: .generalFund),
                DemoCost(.professionalServices, .quarterly, from: ym(2022, 1), dollars: 20_000, growthBps: 500, source: .generalFund),
            ]),
    ]
}
