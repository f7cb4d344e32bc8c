/// `district.defined`: reference data for one district.
///
/// Body: `{"district": "riverside", "name": "Riverside", "population": 41200, "need_index": 72, "priority": true}`;
/// the need index is 0–100 (e.g. an environmental-justice or income index).
public struct DistrictDefined: Sendable, Equatable {
    public let district: String
    public let name: String
    public let population: Int64
    public let needIndex: Int64
    public let priority: Bool

    static let check: EventTypeRegistry.BodyCheck = { (reader) throws(ValidationError) in _ = try DistrictDefined(reader) }

    public init(_ reader: BodyReader) throws(ValidationError) {
        try reader.onlyFields(["district", "name", "population", "need_index", "priority"])
        district = try reader.identifier("district")
        name = try reader.string("name")
        population = try reader.integer("population", in: 0...100_000_000)
        needIndex = try reader.integer("need_index", in: 0...100)
        priority = try reader.bool("priority")
    }
}
