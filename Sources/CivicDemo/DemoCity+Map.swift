import CivicDomain
import LedgerCore

/// Where Northbridge's districts are: a fictional town of about 12 km by 10 km on a lake, drawn
/// on a 4 × 4 grid of blocks whose corners are nudged so the borders look surveyed rather than
/// ruled. Districts share their corners, so the map tiles without gaps:
///
/// ```
///  north (the lake)
///  harbourfront  lakeshore      lakeshore            lakeshore
///  harbourfront  old-town       university-hill      northbridge-heights
///  port-ind.     riverside      southfield           northbridge-heights
///  port-ind.     riverside      millbrook            eastgate
/// ```
extension DemoCity {
    /// Corners of the grid as (column, row), 0...4 each, row 0 in the south.
    static let districtOutlines: [String: [(Int, Int)]] = [
        "harbourfront": [(0, 2), (1, 2), (1, 3), (1, 4), (0, 4), (0, 3)],
        "lakeshore": [(1, 3), (2, 3), (3, 3), (4, 3), (4, 4), (3, 4), (2, 4), (1, 4)],
        "old-town": [(1, 2), (2, 2), (2, 3), (1, 3)],
        "university-hill": [(2, 2), (3, 2), (3, 3), (2, 3)],
        "northbridge-heights": [(3, 1), (4, 1), (4, 2), (4, 3), (3, 3), (3, 2)],
        "port-industrial": [(0, 0), (1, 0), (1, 1), (1, 2), (0, 2), (0, 1)],
        "riverside": [(1, 0), (2, 0), (2, 1), (2, 2), (1, 2), (1, 1)],
        "southfield": [(2, 1), (3, 1), (3, 2), (2, 2)],
        "millbrook": [(2, 0), (3, 0), (3, 1), (2, 1)],
        "eastgate": [(3, 0), (4, 0), (4, 1), (3, 1)],
    ]

    /// The town's south-west corner, in microdegrees.
    static let mapOrigin = (longitude: Int64(-79_612_000), latitude: Int64(44_231_000))

    /// A grid corner in microdegrees: 3 km between columns, 2.5 km between rows, nudged by up to
    /// about 400 m (a fixed pattern, so the demo stays the same byte for byte).
    static func corner(_ column: Int, _ row: Int) -> DistrictGeometry.Position {
        let nudge = [0, 3, -2, 4, -3, 1, -4, 2, -1]
        let dx = Int64(nudge[(column * 3 + row * 5) % nudge.count]) * 100, dy = Int64(nudge[(column * 7 + row * 2 + 4) % nudge.count]) * 100
        let eastMetres = Int64(column) * 3_000 + dx, northMetres = Int64(row) * 2_500 + dy
        // At 44.2° N a degree of latitude is about 111.1 km and one of longitude about 79.7 km.
        return DistrictGeometry.Position(
            longitude: mapOrigin.longitude + eastMetres * 1_000_000 / 79_700, latitude: mapOrigin.latitude + northMetres * 1_000_000 / 111_100)
    }

    /// The district's outline as its `geometry` member, or nil for a district not on the map.
    static func geometry(of district: String) -> JSONValue? {
        guard let outline = districtOutlines[district] else { return nil }
        let ring = (outline + [outline[0]]).map { corner($0.0, $0.1) }
        return DistrictGeometry(polygons: [[ring]], isMulti: false).json
    }
}
