import LedgerCore

/// What changed between two JSON documents (two states), as paths with old and new values.
public enum StateDiff {
    public struct Change: Sendable, Equatable {
        public let path: String
        public let before: JSONValue?
        public let after: JSONValue?
    }

    /// The changes from `before` to `after`. Arrays of objects that carry an id member (`system`,
    /// `district`, `target`, `algorithm`, `event`) are compared by id, and cost lines by their
    /// system, year, category, source and currency (`costs[lpr-2024, 2025, licence, bond, USD]`);
    /// other arrays, and arrays whose ids repeat, as wholes.
    public static func changes(from before: JSONValue, to after: JSONValue, path: String = "") -> [Change] {
        // Most of two states is the same: an equal part makes no paths.
        guard before != after else { return [] }
        switch (before, after) {
        case (.object(let old), .object(let new)):
            var result: [Change] = []
            let keys = Set(old.map(\.0)).union(new.map(\.0)).sorted()
            for key in keys {
                let child = path.isEmpty ? key : "\(path).\(key)"
                switch (before[key], after[key]) {
                case (let a?, let b?): result += changes(from: a, to: b, path: child)
                case (let a?, nil): result.append(Change(path: child, before: a, after: nil))
                case (nil, let b?): result.append(Change(path: child, before: nil, after: b))
                case (nil, nil): break
                }
            }
            return result
        case (.array(let old), .array(let new)):
            guard let oldNames = names(old), let newNames = names(new), let oldOrder = order(oldNames), let newOrder = order(newNames) else {
                return [Change(path: path, before: before, after: after)]
            }
            // The two arrays' elements in order of name, walked side by side: the changes come in
            // order of name, and an equal element makes no path.
            var result: [Change] = []
            var (i, j) = (0, 0)
            while i < oldOrder.count || j < newOrder.count {
                let oldName = i < oldOrder.count ? oldNames[oldOrder[i]] : nil
                let newName = j < newOrder.count ? newNames[newOrder[j]] : nil
                if let oldName, newName.map({ oldName < $0 }) ?? true {
                    result.append(Change(path: "\(path)[\(oldName)]", before: old[oldOrder[i]], after: nil))
                    i += 1
                } else if let newName, oldName.map({ newName < $0 }) ?? true {
                    result.append(Change(path: "\(path)[\(newName)]", before: nil, after: new[newOrder[j]]))
                    j += 1
                } else if let oldName {
                    let (a, b) = (old[oldOrder[i]], new[newOrder[j]])
                    if a != b { result += changes(from: a, to: b, path: "\(path)[\(oldName)]") }
                    (i, j) = (i + 1, j + 1)
                }
            }
            return result
        default:
            return [Change(path: path, before: before, after: after)]
        }
    }

    /// The members that name an element, tried in order: the first whose members are all strings
    /// in an array's first element names every element.
    private static let ids = [["system", "year", "category", "source", "currency"], ["system"], ["district"], ["target"], ["algorithm"], ["event"]]

    /// Each element's name, or nil when the elements are not named (each must carry every member
    /// of the first's name).
    private static func names(_ elements: [JSONValue]) -> [String]? {
        guard let first = elements.first, let members = ids.first(where: { $0.allSatisfy { first[$0]?.stringValue != nil } }) else {
            return elements.isEmpty ? [] : nil
        }
        var names: [String] = []
        names.reserveCapacity(elements.count)
        for element in elements {
            let parts = members.compactMap { element[$0]?.stringValue }
            guard parts.count == members.count else { return nil }
            names.append(parts.count == 1 ? parts[0] : parts.joined(separator: ", "))
        }
        return names
    }

    /// The places of `names` in order of name (as they stand when they are in order already, as
    /// a state's are), or nil when a name repeats.
    private static func order(_ names: [String]) -> [Int]? {
        if zip(names, names.dropFirst()).allSatisfy({ $0 < $1 }) { return Array(names.indices) }
        let order = names.indices.sorted { names[$0] < names[$1] }
        guard zip(order, order.dropFirst()).allSatisfy({ names[$0] != names[$1] }) else { return nil }
        return order
    }
}
