import LedgerCore

/// `district.defined`: reference data for one district; a later definition replaces an earlier one.
///
/// Body: `{"district": "riverside", "name": "Riverside", "population": 41200, "need_index": 72, "priority": true}`;
/// the need index is 0–100 (e.g. an environmental-justice or income index), higher is needier. An
/// optional `geometry` says where the district is (``DistrictGeometry``); older definitions have none.
public struct DistrictDefined: Sendable, Equatable, Codable {
    public let district: String
    public let name: String
    public let population: Int64
    public let needIndex: Int64
    public let priority: Bool
    public let geometry: DistrictGeometry?

    public init(_ reader: BodyReader) throws(ValidationError) {
        try reader.onlyFields(["district", "name", "population", "need_index", "priority", "geometry"])
        district = try reader.identifier("district")
        name = try reader.string("name")
        population = try reader.integer("population", in: 0...100_000_000)
        needIndex = try reader.integer("need_index", in: 0...100)
        priority = try reader.bool("priority")
        geometry = reader.has("geometry") ? try DistrictGeometry(reader, field: "geometry") : nil
    }
}

/// `policy.target-declared`: a stated value the city measures itself against.
public struct TargetDeclared: Sendable, Equatable, Codable {
    public let target: String
    public let title: String
    public let metric: TargetMetric
    public let comparison: Comparison
    public let thresholdBasisPoints: Int64
    /// The system categories covered; nil means all.
    public let categories: [SystemCategory]?

    public init(_ reader: BodyReader) throws(ValidationError) {
        try reader.onlyFields(["target", "title", "metric", "comparison", "threshold_bps", "categories"])
        target = try reader.identifier("target")
        title = try reader.string("title")
        metric = try reader.code("metric", as: TargetMetric.self)
        comparison = try reader.code("comparison", as: Comparison.self)
        thresholdBasisPoints = try reader.integer("threshold_bps", in: 0...10_000)
        categories = reader.has("categories") ? try reader.codes("categories", as: SystemCategory.self, nonEmpty: true) : nil
    }
}
