import CivicDomain
import LedgerCore
import Testing

/// The optional `geometry` of `district.defined`: GeoJSON Polygon or MultiPolygon in integer microdegrees.
@Suite("District geometry")
struct DistrictGeometryTests {
    static let base = #""district":"r","name":"R","population":1,"need_index":1,"priority":true"#
    static let ring = "[[-79600000,44200000],[-79590000,44200000],[-79590000,44210000],[-79600000,44200000]]"

    static func district(_ geometry: String) throws -> DistrictDefined {
        let body = try JSONParser.parse(Array("{\(base),\"geometry\":\(geometry)}".utf8), profile: .strict)
        guard case .districtDefined(let district) = try CivicBody.decode(type: "district.defined", body: body) else {
            throw ValidationError(type: "district.defined", field: nil, reason: "decoded as another type")
        }
        return district
    }

    @Test func readsAPolygonAndAMultiPolygonAndWritesThemBack() throws {
        let polygon = #"{"type":"Polygon","coordinates":[\#(Self.ring)]}"#
        let read = try #require(try Self.district(polygon).geometry)
        #expect(read.polygons.count == 1 && read.polygons[0][0].count == 4 && !read.isMulti)
        #expect(read.polygons[0][0][1] == DistrictGeometry.Position(longitude: -79_590_000, latitude: 44_200_000))
        #expect(try CanonicalJSON.encode(read.json) == CanonicalJSON.encode(JSONParser.parse(Array(polygon.utf8), profile: .strict)))
        let hole = "[[-79598000,44201000],[-79592000,44201000],[-79592000,44205000],[-79598000,44201000]]"
        let multi = try #require(try Self.district(#"{"type":"MultiPolygon","coordinates":[[\#(Self.ring),\#(hole)],[\#(Self.ring)]]}"#).geometry)
        #expect(multi.isMulti && multi.polygons.count == 2 && multi.polygons[0].count == 2)
        // Older definitions, without it, stay valid.
        let body = try JSONParser.parse(Array("{\(Self.base)}".utf8), profile: .strict)
        guard case .districtDefined(let plain) = try CivicBody.decode(type: "district.defined", body: body) else { Issue.record("not a district"); return }
        #expect(plain.geometry == nil)
    }

    @Test(arguments: [
        (#"{"type":"Point","coordinates":[-79600000,44200000]}"#, "geometry.type"),
        (#"{"type":"Polygon"}"#, "geometry.coordinates"),
        (#"{"type":"Polygon","coordinates":[]}"#, "geometry.coordinates"),
        (#"{"type":"Polygon","coordinates":[[[-79600000,44200000],[-79590000,44200000],[-79590000,44210000],[-79600001,44200000]]]}"#, "geometry.coordinates[0]"),
        (#"{"type":"Polygon","coordinates":[[[-79600000,44200000],[-79590000,44200000],[-79600000,44200000]]]}"#, "geometry.coordinates[0]"),
        (#"{"type":"Polygon","coordinates":[[[-79600000,94200000],[-79590000,44200000],[-79590000,44210000],[-79600000,94200000]]]}"#, "geometry.coordinates[0][0]"),
        (#"{"type":"Polygon","coordinates":[[[-79600000,44200000,12],[-79590000,44200000],[-79590000,44210000],[-79600000,44200000]]]}"#, "geometry.coordinates[0][0]"),
        (#"{"type":"Polygon","coordinates":[[[-79600000,"44200000"],[-79590000,44200000],[-79590000,44210000],[-79600000,44200000]]]}"#, "geometry.coordinates[0][0]"),
        (#"{"type":"Polygon","coordinates":[[[-79600000,44200000],[-79590000,44200000],[-79590000,44210000],[-79600000,44200000]]],"crs":"x"}"#, "geometry.crs"),
        (#"{"type":"MultiPolygon","coordinates":[]}"#, "geometry.coordinates"),
        (#""riverside""#, "geometry"),
    ])
    func refusesABadGeometry(geometry: String, field: String?) throws {
        let error = #expect(throws: ValidationError.self) { try Self.district(geometry) }
        #expect(error?.field == field, "\(error?.description ?? "")")
    }

    @Test func refusesTooManyPositions() throws {
        let positions = (0..<2_001).map { "[\(-79_600_000 + $0),44200000]" } + ["[-79600000,44200000]"]
        let big = #"{"type":"Polygon","coordinates":[[\#(positions.joined(separator: ","))]]}"#
        let error = #expect(throws: ValidationError.self) { try Self.district(big) }
        #expect(error?.reason.contains("more than 2000 positions") == true)
        // Decimal degrees are floats: the strict reader refuses them before the vocabulary sees them.
        #expect(throws: (any Error).self) { try Self.district(#"{"type":"Polygon","coordinates":[[[-79.6,44.2],[-79.59,44.2],[-79.59,44.21],[-79.6,44.2]]]}"#) }
    }
}
