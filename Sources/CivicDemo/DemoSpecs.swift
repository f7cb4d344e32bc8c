import CivicDomain
import LedgerCore

/// A moment of the demo decade: a month index (see ``DemoCalendar``) and a day of that month (1–28).
struct DemoDay: Sendable, Comparable {
    let month: Int
    let day: Int

    init(_ year: Int, _ month: Int, _ day: Int) {
        self.month = ym(year, month)
        self.day = day
    }

    init(month: Int, day: Int) {
        self.month = month
        self.day = day
    }

    static func < (lhs: DemoDay, rhs: DemoDay) -> Bool { (lhs.month, lhs.day) < (rhs.month, rhs.day) }
}

/// How often a cost stream is invoiced.
enum DemoCadence: Sendable {
    case once, monthly, quarterly, annual

    /// Months between two invoices (0 for a one-off).
    var months: Int {
        switch self {
        case .once: return 0
        case .monthly: return 1
        case .quarterly: return 3
        case .annual: return 12
        }
    }
}

/// A recurring (or one-off) cost of a system: what it buys, how often, how it grows and who pays.
///
/// ```swift
/// DemoCost(.licence, .monthly, from: ym(2016, 7), dollars: 5_000, growthBps: 700, sources: [(ym(2016, 7), .generalFund)])
/// ```
struct DemoCost: Sendable {
    let category: CostCategory
    let cadence: DemoCadence
    /// The first invoice's month; for a one-off, also its day.
    let from: Int
    let day: Int
    /// The last month invoiced (inclusive); nil runs to the end of 2025 or the system's retirement.
    let to: Int?
    /// The first year's amount in whole dollars, before jitter.
    let dollars: Int64
    /// The yearly escalation in basis points.
    let growthBps: Int64
    /// Who pays, from each month on (the first entry applies from `from`).
    let sources: [(from: Int, source: FundingSource)]
    /// Who is paid; nil means the system's vendor.
    let payee: String?
    /// The office that records the cost; nil means the system's office.
    let office: String?
    let note: String?

    init(
        _ category: CostCategory, _ cadence: DemoCadence, from: Int, day: Int = 15, to: Int? = nil, dollars: Int64,
        growthBps: Int64 = 0, source: FundingSource, then later: [(from: Int, source: FundingSource)] = [],
        payee: String? = nil, office: String? = nil, note: String? = nil
    ) {
        self.category = category
        self.cadence = cadence
        self.from = from
        self.day = day
        self.to = to
        self.dollars = dollars
        self.growthBps = growthBps
        self.sources = [(from, source)] + later
        self.payee = payee
        self.office = office
        self.note = note
    }

    /// A one-off cost on a given day.
    static func once(
        _ category: CostCategory, _ when: DemoDay, dollars: Int64, source: FundingSource, payee: String? = nil, note: String? = nil
    ) -> DemoCost {
        DemoCost(category, .once, from: when.month, day: when.day, dollars: dollars, source: source, payee: payee, note: note)
    }

    /// The funding source of the invoice in `month`.
    func source(in month: Int) -> FundingSource {
        sources.last { $0.from <= month }?.source ?? sources[0].source
    }
}

/// Units of a system installed in (or removed from) a district.
struct DemoDeployment: Sendable {
    let when: DemoDay
    let district: String
    /// Units to install; for a removal, units to remove (nil: all that are there).
    let units: Int64?
    let removal: Bool
    let note: String?

    static func add(_ when: DemoDay, _ district: String, _ units: Int64, note: String? = nil) -> DemoDeployment {
        DemoDeployment(when: when, district: district, units: units, removal: false, note: note)
    }

    static func remove(_ when: DemoDay, _ district: String, _ units: Int64? = nil, note: String? = nil) -> DemoDeployment {
        DemoDeployment(when: when, district: district, units: units, removal: true, note: note)
    }
}

/// A surveillance impact assessment of a system.
struct DemoAssessment: Sendable {
    let when: DemoDay
    let dataTypes: [DataType]
    let retentionDays: Int64
    let sharing: [Sharing]
    let automatedDecisions: Bool
    /// The affected districts; nil means every district where the system has units at that date.
    var districts: [String]? = nil
    var communities: [String] = []
    let risk: RiskLevel
    var mitigations: [String] = []
    var usePolicy: String? = nil
    var notes: String? = nil
}

/// A change to a system's contract.
struct DemoAmendment: Sendable {
    let when: DemoDay
    let dollars: Int64
    /// The new end date as (year, month, day), if the term changes.
    let newEnd: (year: Int, month: Int, day: Int)?
    let reason: String
}

/// The lock-in relevant terms of a contract.
struct DemoTerms: Sendable {
    let dataPortability: Bool
    let openFormats: Bool
    let sourceAvailable: Bool
    let exitClause: Bool

    /// No portability, closed formats, no source, no exit: the procurement trap.
    static let locked = DemoTerms(dataPortability: false, openFormats: false, sourceAvailable: false, exitClause: false)
    /// Everything a careful city asks for.
    static let open = DemoTerms(dataPortability: true, openFormats: true, sourceAvailable: true, exitClause: true)
}

/// Everything the demo knows about one system, from procurement to retirement.
struct DemoSystem: Sendable {
    let id: String
    let office: String
    let title: String
    let category: SystemCategory
    let vendor: String
    let method: ProcurementMethod
    let procured: DemoDay
    /// The initial contract value in whole dollars.
    let contractDollars: Int64
    /// The initial term in months.
    let termMonths: Int
    var ocid: String? = nil
    let terms: DemoTerms
    let funding: [(source: FundingSource, bps: Int64)]
    var amendments: [DemoAmendment] = []
    var deployments: [DemoDeployment] = []
    var assessments: [DemoAssessment] = []
    var costs: [DemoCost] = []
    var retired: (when: DemoDay, reason: String)? = nil
}

/// An entry of the algorithm register, with its later updates and retirement.
struct DemoAlgorithm: Sendable {
    let id: String
    let office: String
    let registered: DemoDay
    let system: String?
    let name: String
    let purpose: String
    let decisionProcess: String
    let humanOversight: String
    let dataSources: [String]
    let risks: String
    let riskCategory: AlgorithmRiskCategory
    let status: AlgorithmStatus
    let contact: String
    var updates: [(when: DemoDay, fields: [(String, JSONValue)])] = []
    var retired: (when: DemoDay, reason: String)? = nil
}
