import LedgerCore

/// The optional `geometry` of `district.defined`: where the district is, as a GeoJSON Polygon or
/// MultiPolygon (RFC 7946) on WGS84 whose positions are integer **microdegrees**
/// (`[longitude × 10⁶, latitude × 10⁶]`), because ledger JSON has no floats.
///
/// ```json
/// {"type": "Polygon", "coordinates": [[[-79600000, 44250000], [-79560000, 44250000], [-79560000, 44280000], [-79600000, 44250000]]]}
/// ```
///
/// Validated on recording: only `type` and `coordinates`; 1 to ``maximumPolygons`` polygons of 1
/// to ``maximumRings`` rings; each ring closed (its last position repeats its first) with at least
/// four positions; longitudes within ±180°, latitudes within ±90°; at most ``maximumPositions``
/// positions in all. Ring orientation and self-intersection are not checked (RFC 7946 asks readers
/// not to refuse on orientation).
public struct DistrictGeometry: Sendable, Equatable, Codable {
    public struct Position: Sendable, Equatable, Codable {
        /// Longitude in microdegrees.
        public let longitude: Int64
        /// Latitude in microdegrees.
        public let latitude: Int64

        public init(longitude: Int64, latitude: Int64) {
            self.longitude = longitude
            self.latitude = latitude
        }
    }

    public static let maximumPositions = 2_000
    public static let maximumPolygons = 50
    public static let maximumRings = 50

    /// Polygons, each an outer ring then its holes; a Polygon is one.
    public let polygons: [[[Position]]]
    /// True when written as a MultiPolygon.
    public let isMulti: Bool

    public init(polygons: [[[Position]]], isMulti: Bool) {
        self.polygons = polygons
        self.isMulti = isMulti
    }

    /// Reads and validates the `geometry` member at `field` of the body `reader` reads.
    init(_ reader: BodyReader, field: String) throws(ValidationError) {
        guard let value = reader.body[field] else { throw reader.fail(field, "is missing") }
        guard value.objectValue != nil else { throw reader.fail(field, "must be a GeoJSON Polygon or MultiPolygon object") }
        let nested = BodyReader(type: reader.type, body: value, path: reader.path + field + ".")
        try nested.onlyFields(["type", "coordinates"])
        guard let type = value["type"]?.stringValue, type == "Polygon" || type == "MultiPolygon" else {
            throw reader.fail(field + ".type", "must be \"Polygon\" or \"MultiPolygon\"")
        }
        guard let coordinates = value["coordinates"]?.arrayValue else { throw reader.fail(field + ".coordinates", "must be an array") }
        var count = 0
        func ring(_ value: JSONValue, _ path: String) throws(ValidationError) -> [Position] {
            guard let positions = value.arrayValue, positions.count >= 4 else {
                throw reader.fail(path, "must be a ring: an array of at least four positions")
            }
            count += positions.count
            guard count <= Self.maximumPositions else { throw reader.fail(field, "has more than \(Self.maximumPositions) positions") }
            var ring: [Position] = []
            ring.reserveCapacity(positions.count)
            for (index, position) in positions.enumerated() {
                guard let pair = position.arrayValue, pair.count == 2, let longitude = pair[0].integerValue, let latitude = pair[1].integerValue else {
                    throw reader.fail("\(path)[\(index)]", "must be [longitude, latitude] in integer microdegrees")
                }
                guard (-180_000_000...180_000_000).contains(longitude), (-90_000_000...90_000_000).contains(latitude) else {
                    throw reader.fail("\(path)[\(index)]", "is outside ±180° longitude, ±90° latitude (microdegrees)")
                }
                ring.append(Position(longitude: longitude, latitude: latitude))
            }
            guard ring.first == ring.last else { throw reader.fail(path, "must be closed: its last position repeats its first") }
            return ring
        }
        func polygon(_ value: JSONValue, _ path: String) throws(ValidationError) -> [[Position]] {
            guard let rings = value.arrayValue, !rings.isEmpty, rings.count <= Self.maximumRings else {
                throw reader.fail(path, "must be a polygon: 1 to \(Self.maximumRings) rings")
            }
            var result: [[Position]] = []
            for (index, value) in rings.enumerated() { result.append(try ring(value, "\(path)[\(index)]")) }
            return result
        }
        let path = field + ".coordinates"
        if type == "Polygon" {
            polygons = [try polygon(.array(coordinates), path)]
            isMulti = false
        } else {
            guard !coordinates.isEmpty, coordinates.count <= Self.maximumPolygons else {
                throw reader.fail(path, "must hold 1 to \(Self.maximumPolygons) polygons")
            }
            var result: [[[Position]]] = []
            for (index, value) in coordinates.enumerated() { result.append(try polygon(value, "\(path)[\(index)]")) }
            polygons = result
            isMulti = true
        }
    }

    /// The geometry as the body holds it.
    public var json: JSONValue {
        func ring(_ positions: [Position]) -> JSONValue { .array(positions.map { .array([.integer($0.longitude), .integer($0.latitude)]) }) }
        func polygon(_ rings: [[Position]]) -> JSONValue { .array(rings.map(ring)) }
        let coordinates: JSONValue = isMulti ? .array(polygons.map(polygon)) : polygon(polygons.first ?? [])
        return .object([("type", .string(isMulti ? "MultiPolygon" : "Polygon")), ("coordinates", coordinates)])
    }
}
