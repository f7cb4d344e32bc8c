import CivicDomain
import LedgerCore

extension DemoCity {
    /// The algorithm register: five entries, each recorded by the office that runs the system.
    static let algorithms: [DemoAlgorithm] = [
        DemoAlgorithm(
            id: "signal-timing-optimisation", office: "transport", registered: DemoDay(2017, 9, 12), system: "traffic-platform",
            name: "Adaptive signal timing",
            purpose: "Adjusts green times at connected intersections to reduce vehicle delay on the arterial network.",
            decisionProcess:
                """
                The vendor's model predicts queue lengths from detector counts every 90 seconds and picks the timing plan that minimises total \
                vehicle delay. The objective weights every vehicle equally, so the busiest commuter corridors get the most green time.
                """,
            humanOversight:
                """
                Traffic engineers can pin a fixed plan at any intersection. The model itself is a black box: changing its objective requires the \
                vendor's professional services.
                """,
            dataSources: ["Intersection detector counts", "Journey-time cameras"],
            risks:
                """
                Optimising for vehicle throughput may lengthen pedestrian waits and favour through traffic over residents of the neighbourhoods \
                it crosses.
                """,
            riskCategory: .limited, status: .inUse, contact: "Traffic Engineering, Department of Transportation",
            updates: [
                (
                    DemoDay(2022, 10, 11),
                    [
                        (
                            "data_sources",
                            .array([.string("Intersection detector counts"), .string("Journey-time cameras"), .string("Transit vehicle locations")])
                        ),
                        (
                            "decision_process",
                            .string("As before, with a priority extension of up to 12 seconds for late buses on the four transit-priority corridors.")
                        ),
                    ]
                )
            ]),
        DemoAlgorithm(
            id: "lpr-hotlist-matching", office: "police", registered: DemoDay(2018, 2, 13), system: "lpr-fixed",
            name: "Licence-plate hotlist matching",
            purpose: "Alerts officers when a fixed or mobile reader sees a plate on a hotlist (stolen vehicles, warrants, missing persons).",
            decisionProcess:
                """
                Every plate read is compared with the state hotlist, refreshed twice a day. A match raises an alert to the dispatcher and nearby \
                patrol cars.
                """,
            humanOversight: "An officer must visually confirm the plate and the hotlist entry before a stop.",
            dataSources: ["Fixed and mobile plate readers", "State hotlist"],
            risks:
                """
                Misreads and stale hotlist entries lead to wrongful stops. Readers sit mostly in the priority districts, so residents there are \
                stopped more often.
                """,
            riskCategory: .high, status: .inUse, contact: "Office of the Chief, Northbridge Police Department",
            updates: [
                (
                    DemoDay(2021, 6, 15),
                    [
                        (
                            "data_sources",
                            .array([.string("Fixed and mobile plate readers"), .string("State hotlist"), .string("Vendor national plate network")])
                        ),
                        (
                            "risks",
                            .string(
                                """
                                As before; in addition, reads are now shared with the vendor's national network, beyond the city's control, and \
                                kept three years.
                                """
                            )
                        ),
                    ]
                )
            ]),
        DemoAlgorithm(
            id: "pothole-prioritisation", office: "publicworks", registered: DemoDay(2020, 6, 16), system: "pothole-ai",
            name: "Pothole repair prioritisation",
            purpose: "Ranks reported and detected road defects for repair crews.",
            decisionProcess:
                "Each defect is scored by severity from survey imagery and by the number of 311 reports about it; crews work down the ranked list.",
            humanOversight: "District supervisors review the weekly list and may reorder up to ten percent of it.",
            dataSources: ["Survey vehicle imagery", "NB311 reports"],
            risks: "Counting reports rewards the districts that report most, which are the wealthier ones.",
            riskCategory: .limited, status: .inUse, contact: "Streets Division, Department of Public Works",
            updates: [
                (
                    DemoDay(2023, 2, 14),
                    [
                        (
                            "decision_process",
                            .string(
                                """
                                Each defect is scored by severity from survey imagery, weighted by the district's need index; report counts no \
                                longer raise the score.
                                """
                            )
                        ),
                        (
                            "risks",
                            .string("Report counts removed after an equity review found repairs concentrated in Northbridge Heights and Lakeshore.")
                        ),
                    ]
                )
            ]),
        DemoAlgorithm(
            id: "benefit-fraud-scoring", office: "it", registered: DemoDay(2020, 9, 22), system: "fraud-scoring", name: "Benefit fraud risk score",
            purpose: "Flags benefit claims for investigation.",
            decisionProcess:
                """
                A proprietary model scores each claim from household records; claims above a threshold are referred to investigators, and \
                payments may be paused meanwhile.
                """,
            humanOversight: "Investigators review referred claims; payment pauses happen automatically.",
            dataSources: ["Benefit claims", "Housing records", "Data platform address history"],
            risks: "The vendor will not disclose the model's features. Address changes weigh heavily, which penalises tenants who move often.",
            riskCategory: .high, status: .pilot, contact: "Chief Data Officer, Department of Information Technology",
            updates: [
                (DemoDay(2021, 4, 13), [("status", .string(AlgorithmStatus.inUse.rawValue))]),
                (
                    DemoDay(2023, 5, 16),
                    [
                        ("status", .string(AlgorithmStatus.suspended.rawValue)),
                        ("human_oversight", .string("Suspended pending an independent audit; no referrals are made.")),
                    ]
                ),
            ],
            retired: (DemoDay(2024, 7, 16), "The audit found error rates three times higher for households in priority districts")),
        DemoAlgorithm(
            id: "video-object-search", office: "police", registered: DemoDay(2021, 11, 16), system: "rtcc-analytics",
            name: "Video person and vehicle search",
            purpose: "Lets analysts search live and recorded video for people and vehicles by appearance.",
            decisionProcess:
                """
                The vendor's models tag objects in every frame; analysts query by attributes such as clothing colour or vehicle type and receive \
                ranked matches.
                """,
            humanOversight: "Matches are leads only; a supervisor approves each search and searches are logged.",
            dataSources: ["CCTV network", "Streetlight video", "Licence-plate reads"],
            risks: "Attribute search can target groups rather than suspects; the cameras it searches sit mostly in the priority districts.",
            riskCategory: .high, status: .inUse, contact: "Real-Time Crime Centre, Northbridge Police Department"),
    ]
}
