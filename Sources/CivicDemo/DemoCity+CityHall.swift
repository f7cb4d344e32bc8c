import CivicDomain

extension DemoCity {
    /// City hall's systems: the citizen app that began as a vendor-subsidised pilot and became a
    /// dependency, and two open-tender platforms with good terms and modest lifetime costs.
    static let cityHallSystems: [DemoSystem] = [
        DemoSystem(
            id: "citizen-app", office: "cityhall", title: "NB311 citizen reporting app", category: .app, vendor: "CivicStack",
            method: .vendorSubsidisedPilot, procured: DemoDay(2016, 4, 7), contractDollars: 85_000, termMonths: 12, terms: .locked,
            funding: [(.vendorSubsidy, 6_000), (.generalFund, 4_000)],
            amendments: [
                DemoAmendment(
                    when: DemoDay(2017, 4, 11), dollars: 150_000, newEnd: (2020, 4, 30),
                    reason: "Pilot converted to a production licence without competition"),
                DemoAmendment(
                    when: DemoDay(2020, 4, 14), dollars: 280_000, newEnd: (2025, 4, 30),
                    reason: "Renewal: five years of report history cannot be exported"),
            ],
            assessments: [
                DemoAssessment(
                    when: DemoDay(2019, 2, 12), dataTypes: [.personalRecords, .location, .deviceIDs, .usageData], retentionDays: 1_825,
                    sharing: [.vendor, .police], automatedDecisions: false, districts: [], risk: .medium,
                    mitigations: ["Reporter names hidden from the public map"],
                    usePolicy: "Service requests only; police receive reports of suspicious activity on request.",
                    notes:
                        """
                        The vendor keeps reporters' device ids and locations and uses them for product analytics. Reports from the wealthier \
                        districts outnumber those from the priority districts four to one, and crews are dispatched by report volume.
                        """
                )
            ],
            costs: [
                DemoCost(
                    .licence, .monthly, from: ym(2016, 4), dollars: 3_000, growthBps: 800, source: .vendorSubsidy, then: [(ym(2017, 4), .generalFund)]
                ),
                DemoCost(
                    .professionalServices, .quarterly, from: ym(2017, 7), dollars: 9_000, growthBps: 600, source: .generalFund,
                    note: "Integrations with city systems (vendor-only API)"),
                DemoCost(
                    .data, .annual, from: ym(2019, 1), dollars: 20_000, growthBps: 500, source: .generalFund,
                    note: "Data export fee (proprietary format)"),
            ]),
        DemoSystem(
            id: "open-data-portal", office: "cityhall", title: "Northbridge open data portal", category: .platform, vendor: "Commons Data Co-op",
            method: .openTender, procured: DemoDay(2017, 3, 14), contractDollars: 320_000, termMonths: 36, ocid: "ocds-nb7x2q-2017-0031",
            terms: .open, funding: [(.generalFund, 10_000)],
            costs: [
                .once(.capital, DemoDay(2017, 3, 28), dollars: 200_000, source: .generalFund, note: "Portal build, first milestone"),
                .once(.capital, DemoDay(2017, 11, 14), dollars: 120_000, source: .generalFund, note: "Portal build, acceptance"),
                DemoCost(.maintenance, .quarterly, from: ym(2018, 4), dollars: 7_500, growthBps: 200, source: .generalFund),
                DemoCost(
                    .staff, .annual, from: ym(2018, 1), dollars: 25_000, growthBps: 300, source: .generalFund, payee: inHouse,
                    note: "Open data coordinator (part time)"),
            ]),
        DemoSystem(
            id: "participatory-budgeting", office: "cityhall", title: "Participatory budgeting platform", category: .app,
            vendor: "Commons Data Co-op", method: .openTender, procured: DemoDay(2021, 2, 9), contractDollars: 95_000, termMonths: 36,
            ocid: "ocds-nb7x2q-2021-0015", terms: .open, funding: [(.grant, 5_000), (.generalFund, 5_000)],
            costs: [
                .once(.capital, DemoDay(2021, 2, 23), dollars: 95_000, source: .grant, note: "Civic participation grant"),
                DemoCost(.maintenance, .annual, from: ym(2022, 2), dollars: 12_000, growthBps: 300, source: .generalFund),
            ]),
    ]

    /// The payee of the city's own staff costs.
    static let inHouse = "City of Northbridge (in-house staff)"
}
