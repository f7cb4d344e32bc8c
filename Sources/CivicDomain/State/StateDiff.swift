import LedgerCore

/// What changed between two JSON documents (two states), as paths with old and new values.
public enum StateDiff {
    public struct Change: Sendable, Equatable {
        public let path: String
        public let before: JSONValue?
        public let after: JSONValue?
    }

    /// The changes from `before` to `after`. Arrays of objects that carry an id member (`system`,
    /// `district`, `target`, `algorithm`, `event`) are compared by id; other arrays, and arrays whose
    /// ids repeat (cost lines), as wholes.
    public static func changes(from before: JSONValue, to after: JSONValue, path: String = "") -> [Change] {
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
            if let oldKeyed = keyed(old), let newKeyed = keyed(new) {
                let ids = Set(oldKeyed.keys).union(newKeyed.keys).sorted()
                return ids.flatMap { id -> [Change] in
                    let child = "\(path)[\(id)]"
                    switch (oldKeyed[id], newKeyed[id]) {
                    case (let a?, let b?): return changes(from: a, to: b, path: child)
                    case (let a?, nil): return [Change(path: child, before: a, after: nil)]
                    case (nil, let b?): return [Change(path: child, before: nil, after: b)]
                    case (nil, nil): return []
                    }
                }
            }
            return old == new ? [] : [Change(path: path, before: before, after: after)]
        default:
            return before == after ? [] : [Change(path: path, before: before, after: after)]
        }
    }

    private static let idMembers = ["system", "district", "target", "algorithm", "event"]

    private static func keyed(_ elements: [JSONValue]) -> [String: JSONValue]? {
        guard let first = elements.first, let member = idMembers.first(where: { first[$0]?.stringValue != nil }) else {
            return elements.isEmpty ? [:] : nil
        }
        var result: [String: JSONValue] = [:]
        for element in elements {
            guard let id = element[member]?.stringValue, result[id] == nil else { return nil }
            result[id] = element
        }
        return result
    }
}
