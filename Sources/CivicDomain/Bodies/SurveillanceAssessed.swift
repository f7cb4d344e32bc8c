import LedgerCore

/// `surveillance.assessed`: what a system collects, keeps and shares, whom it watches, and the risk.
public struct SurveillanceAssessed: Sendable, Equatable, Codable {
    public let system: String
    public let dataTypes: [DataType]
    public let retentionDays: Int64
    public let sharing: [Sharing]
    public let automatedDecisions: Bool
    public let districts: [String]
    public let communities: [String]
    public let risk: RiskLevel
    public let mitigations: [String]
    public let usePolicy: String?
    public let notes: String?

    public init(_ reader: BodyReader) throws(ValidationError) {
        try reader.onlyFields([
            "system", "data_types", "retention_days", "sharing", "automated_decisions", "districts", "communities", "risk",
            "mitigations", "use_policy", "notes",
        ])
        system = try reader.identifier("system")
        dataTypes = try reader.codes("data_types", as: DataType.self, nonEmpty: true)
        retentionDays = try reader.integer("retention_days", in: 0...36_500)
        sharing = try reader.codes("sharing", as: Sharing.self, nonEmpty: false)
        automatedDecisions = try reader.bool("automated_decisions")
        districts = try reader.identifiers("districts")
        communities = reader.has("communities") ? try reader.strings("communities", nonEmpty: false) : []
        risk = try reader.code("risk", as: RiskLevel.self)
        mitigations = reader.has("mitigations") ? try reader.strings("mitigations", nonEmpty: false) : []
        usePolicy = try reader.optionalString("use_policy")
        notes = try reader.optionalString("notes", maxLength: 4000)
    }
}
