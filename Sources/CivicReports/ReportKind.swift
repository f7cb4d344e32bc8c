import LedgerCore

/// The reports, by the name `civic report NAME` takes.
public enum ReportKind: String, Sendable, CaseIterable {
    case funding, equity, surveillance, vendors, algorithms, findings

    /// The question the report answers, for page titles and the index.
    public var title: String {
        switch self {
        case .funding: return "Who pays"
        case .equity: return "Who benefits"
        case .surveillance: return "Who is watched"
        case .vendors: return "Vendor capture"
        case .algorithms: return "Algorithm register"
        case .findings: return "Findings"
        }
    }

    public var summary: String {
        switch self {
        case .funding: return "Spending by funding source and year; the share borne by every resident."
        case .equity: return "Investment per district and per resident against need; the concentration index; declared targets."
        case .surveillance: return "Surveillance-assessed systems per district beside each district's share of the benefits; the register."
        case .vendors: return "Initial contracts against lifetime cost, professional services and refreshes, lock-in, concentration (HHI)."
        case .algorithms: return "Registered algorithms, after the Eurocities Algorithmic Transparency Standard."
        case .findings: return "Conflicts between offices resolved by the fold, unreadable events, clocks and forks: what an auditor should look at."
        }
    }

    /// The report's JSON (`Protocol/schemas/reports/NAME.schema.json`).
    ///
    /// - Parameter reports: the four reports the headlines quote, when already made from `context`.
    public func json(_ context: ReportContext, reports: Headlines? = nil) -> JSONValue {
        switch self {
        case .funding: return (reports?.funding ?? FundingReport(context)).json
        case .equity: return (reports?.equity ?? EquityReport(context)).json
        case .surveillance: return (reports?.surveillance ?? SurveillanceReport(context)).json
        case .vendors: return (reports?.vendors ?? VendorReport(context)).json
        case .algorithms: return AlgorithmRegister(context).json
        case .findings: return FindingsReport(context).json
        }
    }

    /// The tables a terminal shows.
    public func tables(_ context: ReportContext) -> [ReportTable] {
        switch self {
        case .funding: return FundingReport(context).tables
        case .equity: return EquityReport(context).tables
        case .surveillance: return SurveillanceReport(context).tables
        case .vendors: return VendorReport(context).tables
        case .algorithms: return AlgorithmRegister(context).tables
        case .findings: return FindingsReport(context).tables
        }
    }

    /// The tables exported as CSV files, with their file names (the first is the report's main table).
    public func csvTables(_ context: ReportContext) -> [(name: String, table: ReportTable)] {
        switch self {
        case .funding: return [("funding", FundingReport(context).table)]
        case .equity: return [("equity", EquityReport(context).table)]
        case .surveillance:
            let report = SurveillanceReport(context)
            return [("surveillance", report.table), ("surveillance-register", report.registerTable)]
        case .vendors: return [("vendors", VendorReport(context).table)]
        case .algorithms: return [("algorithms", AlgorithmRegister(context).table)]
        case .findings: return [("findings", FindingsReport(context).table)]
        }
    }
}
