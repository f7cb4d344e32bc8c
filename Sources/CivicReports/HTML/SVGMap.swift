import CivicDomain
import Foundation

/// A choropleth map of the districts that have a geometry, drawn in the project: an
/// equirectangular projection scaled by the cosine of the map's middle latitude (true to shape at a
/// city's scale), one `<path>` per district (`data-district`, a tooltip with its value), a colour
/// class per value, and an HTML legend. Districts without a value are grey.
///
/// ```swift
/// let map = SVGMap(label: "Need index", districts: districts, values: ["riverside": 72], ramp: SVGMap.oranges) { "\($0)" }
/// let markup = map?.html   // nil when no district has a geometry
/// ```
struct SVGMap {
    /// Five classes from light to dark.
    static let blues = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
    static let oranges = ["#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"]
    static let reds = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"]
    static let noData = "#e4e7eb"
    static let width = 320.0

    let label: String
    private let shapes: [(district: DistrictDefined, path: String, value: Double?)]
    private let height: Double
    private let ramp: [String]
    private let breaks: [Double]
    private let format: (Double) -> String

    /// Nil when no district has a geometry.
    init?(label: String, districts: [DistrictDefined], values: [String: Double], ramp: [String], format: @escaping (Double) -> String) {
        let located = districts.filter { $0.geometry != nil }.sorted { $0.district < $1.district }
        let positions = located.flatMap { $0.geometry?.polygons.flatMap { $0.flatMap { $0 } } ?? [] }
        guard !positions.isEmpty else { return nil }
        let latitudes = positions.map { Double($0.latitude) / 1e6 }, longitudes = positions.map { Double($0.longitude) / 1e6 }
        let (south, north) = (latitudes.min() ?? 0, latitudes.max() ?? 0), (west, east) = (longitudes.min() ?? 0, longitudes.max() ?? 0)
        let squeeze = cos((south + north) / 2 * .pi / 180)
        let spanX = max((east - west) * squeeze, 1e-9), spanY = max(north - south, 1e-9)
        let margin = 4.0
        let scale = min((Self.width - 2 * margin) / spanX, (Self.width * 1.25 - 2 * margin) / spanY)
        let offsetX = (Self.width - spanX * scale) / 2
        height = spanY * scale + 2 * margin
        func point(_ position: DistrictGeometry.Position) -> String {
            let x = offsetX + (Double(position.longitude) / 1e6 - west) * squeeze * scale
            let y = margin + (north - Double(position.latitude) / 1e6) * scale
            return HTML.Interpolation.coordinate(x) + " " + HTML.Interpolation.coordinate(y)
        }
        shapes = located.map { district in
            let rings = district.geometry?.polygons.flatMap { $0 } ?? []
            let path = rings.map { ring in "M" + ring.dropLast().map(point).joined(separator: "L") + "Z" }.joined()
            return (district, path, values[district.district])
        }
        self.label = label
        self.ramp = ramp
        self.format = format
        let known = shapes.compactMap(\.value).filter(\.isFinite)
        let low = known.min() ?? 0, high = known.max() ?? 0
        breaks = (1..<ramp.count).map { low + (high - low) * Double($0) / Double(ramp.count) }
    }

    /// How many districts are drawn.
    var count: Int { shapes.count }

    private func colour(_ value: Double?) -> String {
        guard let value, value.isFinite else { return Self.noData }
        return ramp[breaks.firstIndex { value < $0 } ?? ramp.count - 1]
    }

    var html: HTML {
        let paths = shapes.map { shape -> HTML in
            let value = shape.value.map(format) ?? "no data"
            return """
                <path data-district="\(shape.district.district)" d="\(shape.path)" fill="\(colour(shape.value))" fill-rule="evenodd">\
                <title>\(shape.district.name): \(value)</title></path>
                """
        }
        let lower = ([shapes.compactMap(\.value).min() ?? 0] + breaks)
        let legend = ramp.indices.map { index -> HTML in
            let from = format(lower[index])
            let to = index + 1 < lower.count ? "–" + format(lower[index + 1]) : "+"
            return "<li><span class=\"swatch\" style=\"background:\(ramp[index])\"></span>\(from)\(to)</li>"
        }
        let missing: HTML = shapes.contains { $0.value == nil } ? "<li><span class=\"swatch\" style=\"background:\(Self.noData)\"></span>no data</li>" : .empty
        return """
            <figure class="map-figure">
            <svg class="map" role="img" aria-label="\(label)" viewBox="0 0 \(Self.width) \(height)" preserveAspectRatio="xMidYMid meet">\
            <title>\(label)</title>\(paths)</svg>
            <figcaption>\(label)</figcaption>
            <ul class="map-legend">\(legend)\(missing)</ul>
            </figure>

            """
    }

    /// Maps side by side (one column on a phone).
    static func pair(_ maps: [SVGMap?], caption: String) -> HTML {
        let drawn = maps.compactMap { $0 }
        guard !drawn.isEmpty else { return .empty }
        return "<div class=\"maps\">\n\(drawn.map(\.html))</div>\n<p class=\"map-caption\">\(caption)</p>\n"
    }
}
