import LedgerCore

/// An office of the demo city: its id (`^[a-z0-9-]{1,32}$`) and display name.
public struct DemoOffice: Sendable, Equatable {
    public let id: String
    public let name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// One event of the demo city, as its office records it.
public struct DemoEvent: Sendable {
    /// The recording office.
    public let office: String
    /// The event type, e.g. `cost.incurred`.
    public let type: String
    /// The valid time; it always falls in the event's ``DemoMonth``.
    public let effective: LedgerDate
    /// The body, in the strict profile (integers only, money in US cents).
    public let body: JSONValue

    public init(office: String, type: String, effective: LedgerDate, body: JSONValue) {
        self.office = office
        self.type = type
        self.effective = effective
        self.body = body
    }
}

/// The events of one calendar month, in recording order.
///
/// Events of different offices are interleaved by date; an office records its own events in the
/// order given. An event refers only to facts of its own office recorded before it, or to facts of
/// other offices recorded in an earlier month (the offices sync at the end of every month).
public struct DemoMonth: Sendable {
    public let year: Int
    public let month: Int
    public let events: [DemoEvent]

    public init(year: Int, month: Int, events: [DemoEvent]) {
        self.year = year
        self.month = month
        self.events = events
    }
}

/// Northbridge: a fictional city's decade of civic technology (2016–2025), as ledger events.
///
/// The story follows the project's essay: small vendor-subsidised pilots and sole-source contracts
/// with weak terms grow to many times their initial value; streetlights, broadband and traffic
/// systems go first to the wealthier and commercial districts while cameras and licence-plate
/// readers concentrate in the three needy priority districts; the equity target city hall declares
/// in 2018 is missed. Pure data: no I/O, no clock, no system randomness.
///
/// ```swift
/// let city = DemoCity.generate()
/// for month in city.months {
///     for event in month.events where event.office == "transport" { /* record it */ }
/// }
/// ```
public struct DemoCity: Sendable {
    /// The city id.
    public static let name = "northbridge"
    /// The registrar office (it defines the districts and the equity target).
    public static let registrar = "cityhall"

    /// City hall first, then transport, police, it and publicworks.
    public let offices: [DemoOffice]
    /// 120 months, January 2016 to December 2025, in order.
    public let months: [DemoMonth]
    /// The seed the city was generated from.
    public let seed: UInt64

    /// Generates the city; the same seed gives identical events, another seed moves amounts, units
    /// and days a little but tells the same story.
    ///
    /// - Parameter seed: the jitter's seed.
    /// - Returns: the offices and the 120 months of events.
    public static func generate(seed: UInt64 = 2026) -> DemoCity {
        var generator = DemoGenerator(seed: seed, offices: officeList.map(\.id))
        generator.addDistricts(districts)
        generator.addTarget(equityTarget)
        for system in systems { generator.addSystem(system) }
        for algorithm in algorithms { generator.addAlgorithm(algorithm) }
        for decision in offlineDecisions { generator.add(decision) }
        return DemoCity(offices: officeList, months: generator.months(), seed: seed)
    }

    /// Every event of the decade, month after month.
    public var events: [DemoEvent] { months.flatMap(\.events) }

    /// The number of events of the decade.
    public var eventCount: Int { months.reduce(0) { $0 + $1.events.count } }

    /// The offices of Northbridge, the registrar first.
    static let officeList = [
        DemoOffice(id: "cityhall", name: "City Hall"),
        DemoOffice(id: "transport", name: "Department of Transportation"),
        DemoOffice(id: "police", name: "Northbridge Police Department"),
        DemoOffice(id: "it", name: "Department of Information Technology"),
        DemoOffice(id: "publicworks", name: "Department of Public Works"),
    ]

    /// Every system of the decade, office by office.
    static var systems: [DemoSystem] {
        cityHallSystems + transportSystems + policeSystems + itSystems + publicWorksSystems
    }
}
