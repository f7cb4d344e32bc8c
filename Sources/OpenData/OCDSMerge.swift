import Foundation
import LedgerCore

/// The merge rules an OCDS release schema gives (OCDS 1.1 "Merging"): which fields are left out
/// of merged releases (`omitWhenMerged`) and which arrays are replaced whole (`wholeListMerge`:
/// so marked, arrays of non-objects, arrays of objects without an `id`). Every other array of
/// objects is merged by the objects' `id` values; objects are merged field by field.
public struct OCDSMergeRules: Sendable {
    public enum Rule: Sendable, Equatable {
        case omitWhenMerged
        case wholeListMerge
    }

    /// Rules by JSON path, array positions left out (`["awards", "suppliers"]`).
    public let rules: [[String]: Rule]

    public init(rules: [[String]: Rule]) {
        self.rules = rules
    }

    /// The rules of the OCDS 1.1.5 release schema, which the export uses (a test checks they are
    /// what ``init(schema:)`` reads from that schema).
    public static let ocds115 = OCDSMergeRules(
        rules: Dictionary(
            uniqueKeysWithValues: [
                (["awards", "amendment", "changes"], .wholeListMerge),
                (["awards", "amendments", "changes"], .wholeListMerge),
                (["awards", "items", "additionalClassifications"], .wholeListMerge),
                (["awards", "suppliers", "additionalIdentifiers"], .wholeListMerge),
                (["buyer", "additionalIdentifiers"], .wholeListMerge),
                (["contracts", "amendment", "changes"], .wholeListMerge),
                (["contracts", "amendments", "changes"], .wholeListMerge),
                (["contracts", "implementation", "transactions", "payee", "additionalIdentifiers"], .wholeListMerge),
                (["contracts", "implementation", "transactions", "payer", "additionalIdentifiers"], .wholeListMerge),
                (["contracts", "items", "additionalClassifications"], .wholeListMerge),
                (["contracts", "relatedProcesses", "relationship"], .wholeListMerge),
                (["date"], .omitWhenMerged),
                (["id"], .omitWhenMerged),
                (["parties", "additionalIdentifiers"], .wholeListMerge),
                (["parties", "roles"], .wholeListMerge),
                (["relatedProcesses", "relationship"], .wholeListMerge),
                (["tag"], .omitWhenMerged),
                (["tender", "additionalProcurementCategories"], .wholeListMerge),
                (["tender", "amendment", "changes"], .wholeListMerge),
                (["tender", "amendments", "changes"], .wholeListMerge),
                (["tender", "items", "additionalClassifications"], .wholeListMerge),
                (["tender", "procuringEntity", "additionalIdentifiers"], .wholeListMerge),
                (["tender", "submissionMethod"], .wholeListMerge),
                (["tender", "tenderers", "additionalIdentifiers"], .wholeListMerge),
            ] as [([String], Rule)]))

    /// Reads the rules of a release schema, following its local `$ref`s (`#/definitions/…`).
    ///
    /// - Throws: ``OCDSMergeError`` when the schema has no `properties` or a reference names no definition.
    public init(schema: JSONValue) throws(OCDSMergeError) {
        guard let properties = schema["properties"] else { throw OCDSMergeError("the release schema has no properties") }
        var rules: [[String]: Rule] = [:]
        try Self.collect(properties, path: [], schema: schema, into: &rules, depth: 0)
        self.rules = rules
    }

    private static func resolve(_ value: JSONValue, schema: JSONValue) throws(OCDSMergeError) -> JSONValue {
        var value = value
        var hops = 0
        while let reference = value["$ref"]?.stringValue {
            let prefix = "#/definitions/"
            guard reference.hasPrefix(prefix), let target = schema["definitions"]?[String(reference.dropFirst(prefix.count))] else {
                throw OCDSMergeError("the release schema refers to \(reference), which it does not define")
            }
            hops += 1
            guard hops < 64 else { throw OCDSMergeError("the release schema's references loop at \(reference)") }
            value = target
        }
        return value
    }

    private static func types(_ value: JSONValue) -> [String] {
        switch value["type"] {
        case .string(let type): return [type]
        case .array(let types): return types.compactMap(\.stringValue)
        default: return []
        }
    }

    private static func collect(_ properties: JSONValue, path: [String], schema: JSONValue, into rules: inout [[String]: Rule], depth: Int)
        throws(OCDSMergeError)
    {
        guard depth < 32, let members = properties.objectValue else { return }
        for (key, declared) in members {
            let value = try resolve(declared, schema: schema)
            let path = path + [key]
            let types = Self.types(value)
            if value["omitWhenMerged"] == .bool(true) || value["mergeStrategy"] == .string("ocdsOmit") {
                rules[path] = .omitWhenMerged
            } else if types.contains("array") && (value["wholeListMerge"] == .bool(true) || value["mergeStrategy"] == .string("ocdsVersion")) {
                rules[path] = .wholeListMerge
            } else if types.contains("object"), let nested = value["properties"] {
                try collect(nested, path: path, schema: schema, into: &rules, depth: depth + 1)
            } else if types.contains("array"), let declaredItems = value["items"] {
                let items = try resolve(declaredItems, schema: schema)
                let itemTypes = Self.types(items)
                if itemTypes.contains(where: { $0 != "object" }) {
                    rules[path] = .wholeListMerge
                } else if itemTypes.contains("object"), let nested = items["properties"] {
                    if nested["id"] == nil {
                        rules[path] = .wholeListMerge
                    } else {
                        try collect(nested, path: path, schema: schema, into: &rules, depth: depth + 1)
                    }
                }
            }
        }
    }
}

/// Why releases could not be merged: one line, naming what is wrong.
public struct OCDSMergeError: Error, Sendable, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The OCDS merge routine (OCDS 1.1 "Merging", as the reference implementation ocdsmerge does it):
/// the releases of one contracting process, in date order, into a compiled release (the latest
/// value of every field) or a versioned release (every field's history: each value with the
/// release that set it).
///
/// ```swift
/// let rules = try OCDSMergeRules(schema: releaseSchema)
/// let compiled = try OCDSMerge.compiledRelease(releases, rules: rules)
/// ```
public enum OCDSMerge {
    /// The compiled release: `tag` `["compiled"]`, `id` `<ocid>-<date of the last release>`, and
    /// every field's value from the last release (by date) that set it; `null` removes a field.
    public static func compiledRelease(_ releases: [JSONValue], rules: OCDSMergeRules) throws(OCDSMergeError) -> JSONValue {
        var merged = Flat()
        merged.set([.key("tag")], .array([.string("compiled")]))
        for release in try sorted(releases) {
            let ocid = release["ocid"] ?? .null
            let date = release["date"] ?? .null
            let flat = flatten(release.removing("tag"), rules: rules)
            merged.set([.key("id")], .string("\(text(ocid))-\(text(date))"))
            merged.set([.key("date")], date)
            merged.set([.key("ocid")], ocid)
            for (path, value) in process(flat) { merged.set(path, value) }
        }
        return try unflatten(merged)
    }

    /// The versioned release: `ocid`, and for every field the list of its values, each with the
    /// `releaseID`, `releaseDate` and `releaseTag` of the release that set it (a value repeated by
    /// a later release is not listed again).
    public static func versionedRelease(_ releases: [JSONValue], rules: OCDSMergeRules) throws(OCDSMergeError) -> JSONValue {
        var merged = Flat()
        var histories: [[Part]: [JSONValue]] = [:]
        for release in try sorted(releases) {
            merged.set([.key("ocid")], release["ocid"] ?? .null)
            let releaseID = release["id"] ?? .null
            let date = release["date"] ?? .null
            let tag = release["tag"] ?? .null
            let flat = flatten(release.removing("ocid").removing("tag"), rules: rules)
            for (path, value) in process(flat) {
                var history = histories[path] ?? []
                if let last = history.last, equal(last["value"] ?? .null, value) { continue }
                history.append(.object([("releaseID", releaseID), ("releaseDate", date), ("releaseTag", tag), ("value", value)]))
                histories[path] = history
                merged.set(path, .array(history))
            }
        }
        return try unflatten(merged)
    }

    // MARK: - The releases in date order

    private static func sorted(_ releases: [JSONValue]) throws(OCDSMergeError) -> [JSONValue] {
        guard releases.count > 1 else { return releases }
        var dated: [(date: String, index: Int, release: JSONValue)] = []
        for (index, release) in releases.enumerated() {
            guard case .object = release else { throw OCDSMergeError("release \(index + 1) is not a JSON object") }
            guard let value = release["date"] else {
                throw OCDSMergeError("release \(text(release["id"] ?? .null)) has no date, so it cannot be put in order")
            }
            guard case .string(let date) = value else {
                throw OCDSMergeError("release \(text(release["id"] ?? .null)) has a null or non-text date, so it cannot be put in order")
            }
            dated.append((date, index, release))
        }
        // Stable: releases of the same date keep their order.
        return dated.sorted { ($0.date, $0.index) < ($1.date, $1.index) }.map(\.release)
    }

    // MARK: - Flattening

    /// A step of a path in a release: an object's member, or a position in an array.
    private enum RawPart: Hashable {
        case key(String)
        case index(Int)
    }

    /// A step of a merged path: a member, or the array item with an identifier (its `id`, or a
    /// fresh one for an object without `id`, which is never merged with another).
    fileprivate enum Part: Hashable {
        case key(String)
        case item(Item)
    }

    fileprivate struct Item: Hashable {
        let identifier: String
        /// The object's own `id` value, restored in the merged object.
        let original: JSONValue?

        static func == (lhs: Item, rhs: Item) -> Bool { lhs.identifier == rhs.identifier }
        func hash(into hasher: inout Hasher) { hasher.combine(identifier) }
    }

    private struct RawFlat {
        var order: [[RawPart]] = []
        var values: [[RawPart]: JSONValue] = [:]

        mutating func set(_ path: [RawPart], _ value: JSONValue) {
            if values.updateValue(value, forKey: path) == nil { order.append(path) }
        }
    }

    /// Key-value pairs in first-set order; a later set replaces the value in place.
    fileprivate struct Flat {
        var order: [[Part]] = []
        var values: [[Part]: JSONValue] = [:]

        mutating func set(_ path: [Part], _ value: JSONValue) {
            if values.updateValue(value, forKey: path) == nil { order.append(path) }
        }
    }

    private static func flatten(_ release: JSONValue, rules: OCDSMergeRules) -> RawFlat {
        var flat = RawFlat()
        flatten(release, path: [], rules: rules, into: &flat)
        return flat
    }

    private static func flatten(_ value: JSONValue, path: [RawPart], rules: OCDSMergeRules, into flat: inout RawFlat) {
        let children: [(RawPart, JSONValue)]
        switch value {
        case .object(let members):
            if members.isEmpty { flat.set(path, .object([])) }
            children = members.map { (.key($0.0), $0.1) }
        case .array(let items):
            if items.isEmpty { flat.set(path, .array([])) }
            children = items.enumerated().map { (.index($0.offset), $0.element) }
        default:
            return
        }
        for (part, child) in children {
            let childPath = path + [part]
            let rule = rules.rules[childPath.compactMap { if case .key(let key) = $0 { key } else { nil } }]
            if rule == .omitWhenMerged { continue }
            switch child {
            case .object(let members):
                if !members.isEmpty { flatten(child, path: childPath, rules: rules, into: &flat) }
            case .array(let items):
                // Replaced whole: so marked, or holding anything but objects.
                if rule == .wholeListMerge || items.contains(where: { if case .object = $0 { false } else { true } }) {
                    flat.set(childPath, child)
                } else if !items.isEmpty {
                    flatten(child, path: childPath, rules: rules, into: &flat)
                }
            default:
                flat.set(childPath, child)
            }
        }
    }

    /// Replaces array positions by the items' identifiers, so that objects with the same `id` in
    /// two releases have the same path.
    private static func process(_ flat: RawFlat) -> [([Part], JSONValue)] {
        var items: [[RawPart]: Item] = [:]
        return flat.order.map { raw in
            var parts: [Part] = []
            for (end, part) in raw.enumerated() {
                switch part {
                case .key(let key): parts.append(.key(key))
                case .index:
                    let prefix = Array(raw[...end])
                    if let item = items[prefix] {
                        parts.append(.item(item))
                        continue
                    }
                    let id = flat.values[prefix + [.key("id")]]
                    let item = Item(identifier: id.map(text) ?? "\u{0}" + UUID().uuidString, original: id)
                    items[prefix] = item
                    parts.append(.item(item))
                }
            }
            return (parts, flat.values[raw] ?? .null)
        }
    }

    // MARK: - Unflattening

    /// A node of the merged release being built.
    private final class Node {
        var members: [(String, Node)] = []
        var items: [Node] = []
        var isArray = false
        var leaf: JSONValue?
        var identifier: String?

        init(array: Bool = false, identifier: String? = nil) {
            isArray = array
            self.identifier = identifier
        }

        init(leaf: JSONValue) { self.leaf = leaf }

        func member(_ key: String) -> Node? { members.first { $0.0 == key }?.1 }

        var json: JSONValue {
            if let leaf { return leaf }
            return isArray ? .array(items.map(\.json)) : .object(members.map { ($0.0, $0.1.json) })
        }
    }

    private static func unflatten(_ flat: Flat) throws(OCDSMergeError) -> JSONValue {
        let root = Node()
        for path in flat.order {
            let value = flat.values[path] ?? .null
            var current = root
            for (end, part) in path.enumerated() {
                switch part {
                case .item(let item):
                    guard current.isArray, current.leaf == nil else { throw shapeError(path) }
                    if let found = current.items.first(where: { $0.identifier == item.identifier }) {
                        current = found
                        continue
                    }
                    let node = Node(identifier: item.identifier)
                    if let original = item.original { node.members.append(("id", Node(leaf: original))) }
                    current.items.append(node)
                    current = node
                case .key(let key):
                    guard !current.isArray, current.leaf == nil else { throw shapeError(path) }
                    if let node = current.member(key) {
                        current = node
                        continue
                    }
                    if end == path.count - 1 {
                        // A field set to null is left out.
                        if value != .null { current.members.append((key, Node(leaf: value))) }
                        continue
                    }
                    let isArray = if case .item = path[end + 1] { true } else { false }
                    let node = Node(array: isArray)
                    current.members.append((key, node))
                    current = node
                }
            }
        }
        return root.json
    }

    private static func shapeError(_ path: [Part]) -> OCDSMergeError {
        let text = path.map { part in
            switch part {
            case .key(let key): key
            case .item(let item): "[\(item.original.map(OCDSMerge.text) ?? "no id")]"
            }
        }.joined(separator: ".")
        return OCDSMergeError("the releases give \(text) two shapes (a value in one, an object or array in another)")
    }

    // MARK: - Values

    /// A value as text, as it names a merged release or an item (`"1"` for the string and the number).
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .number(let number): return String(number)
        case .bool(let flag): return flag ? "True" : "False"
        case .null: return "None"
        case .array, .object: return (try? String(decoding: CanonicalJSON.encode(value), as: UTF8.self)) ?? ""
        }
    }

    /// JSON equality with numbers compared by value (`1` equals `1.0`) and members in any order.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.integer(let x), .number(let y)), (.number(let y), .integer(let x)): return Double(x) == y
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            return x.allSatisfy { member in y.contains { $0.0 == member.0 && equal($0.1, member.1) } }
        default: return a == b
        }
    }
}

extension JSONValue {
    /// The object without the member `key` (other values unchanged).
    fileprivate func removing(_ key: String) -> JSONValue {
        guard case .object(let members) = self else { return self }
        return .object(members.filter { $0.0 != key })
    }
}
