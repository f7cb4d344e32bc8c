extension JSONValue {
    /// Indented JSON with members in canonical order, for people and committed files.
    ///
    /// - Throws: ``JSONError`` when a number is not finite.
    public func prettyPrinted(indent: String = "  ") throws(JSONError) -> String {
        var output: [UInt8] = []
        try writePretty(into: &output, level: 0, indent: Array(indent.utf8))
        output.append(UInt8(ascii: "\n"))
        return String(decoding: output, as: UTF8.self)
    }

    /// The same text as ``prettyPrinted(indent:)``, handed to `write` in pieces of about `piece`
    /// bytes as it is made, so a large value (a city's state: tens of megabytes) is never held
    /// whole as text.
    public func writePrettyPrinted(indent: String = "  ", piece: Int = 1 << 16, to write: ([UInt8]) -> Void) throws(JSONError) {
        try Self.inPieces(piece, to: write) { (output, flush) throws(JSONError) in
            try writePretty(into: &output, level: 0, indent: Array(indent.utf8), flush: flush)
        }
    }

    /// The text `body` writes to its output, and a newline, handed to `write` in pieces of about
    /// `piece` bytes: `body` calls the flush it is given where a piece may end.
    private static func inPieces(
        _ piece: Int, to write: ([UInt8]) -> Void, _ body: (inout [UInt8], (inout [UInt8]) -> Void) throws(JSONError) -> Void
    ) throws(JSONError) {
        var output: [UInt8] = []
        output.reserveCapacity(piece + 4_096)
        // `flush` is handed to `body`, which calls it only while this runs.
        try withoutActuallyEscaping(write) { (write) throws(JSONError) in
            func flush(_ output: inout [UInt8]) {
                guard output.count >= piece else { return }
                write(output)
                output.removeAll(keepingCapacity: true)
            }
            try body(&output, flush)
        }
        output.append(UInt8(ascii: "\n"))
        write(output)
    }

    /// Writes the object of `members` as ``writePrettyPrinted(indent:piece:to:)`` writes
    /// `.object(members.map { ($0.0, $0.1.value) })`, byte for byte, making the elements of each
    /// ``PrettyMember/elements(_:_:)`` member one at a time as they are written.
    public static func writePrettyPrinted(
        members: [(String, PrettyMember)], indent: String = "  ", piece: Int = 1 << 16, to write: ([UInt8]) -> Void
    ) throws(JSONError) {
        let indent = Array(indent.utf8)
        try inPieces(piece, to: write) { (output, flush) throws(JSONError) in
            func newline(_ depth: Int) {
                output.append(UInt8(ascii: "\n"))
                for _ in 0..<depth { output.append(contentsOf: indent) }
            }
            guard !members.isEmpty else { return output.append(contentsOf: "{}".utf8) }
            output.append(UInt8(ascii: "{"))
            let keys = members.map { ($0.0, JSONValue.null) }
            let order = CanonicalJSON.memberOrder(keys)
            for position in members.indices {
                let (key, member) = members[order?[position] ?? position]
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(1)
                CanonicalJSON.writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                output.append(UInt8(ascii: " "))
                switch member {
                case .value(let value):
                    try value.writePretty(into: &output, level: 1, indent: indent, flush: flush)
                case .elements(let count, _) where count == 0:
                    output.append(contentsOf: "[]".utf8)
                case .elements(let count, let element):
                    output.append(UInt8(ascii: "["))
                    for index in 0..<count {
                        if index > 0 { output.append(UInt8(ascii: ",")) }
                        newline(2)
                        try element(index).writePretty(into: &output, level: 2, indent: indent, flush: flush)
                        flush(&output)
                    }
                    newline(1)
                    output.append(UInt8(ascii: "]"))
                }
                flush(&output)
            }
            newline(0)
            output.append(UInt8(ascii: "}"))
        }
    }

    /// `flush` may hand the output written so far on (it is called between the elements and
    /// members of arrays and objects).
    private func writePretty(into output: inout [UInt8], level: Int, indent: [UInt8], flush: (inout [UInt8]) -> Void = { _ in })
        throws(JSONError)
    {
        func newline(_ depth: Int) {
            output.append(UInt8(ascii: "\n"))
            for _ in 0..<depth { output.append(contentsOf: indent) }
        }
        switch self {
        case .array(let elements) where !elements.isEmpty:
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(level + 1)
                try element.writePretty(into: &output, level: level + 1, indent: indent, flush: flush)
                flush(&output)
            }
            newline(level)
            output.append(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            output.append(UInt8(ascii: "{"))
            // Members already in order (as most objects this project builds are) are written as
            // they stand, without an array of their positions.
            let order = CanonicalJSON.memberOrder(members)
            for position in members.indices {
                let member = members[order?[position] ?? position]
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(level + 1)
                CanonicalJSON.writeString(member.0, into: &output)
                output.append(UInt8(ascii: ":"))
                output.append(UInt8(ascii: " "))
                try member.1.writePretty(into: &output, level: level + 1, indent: indent, flush: flush)
                flush(&output)
            }
            newline(level)
            output.append(UInt8(ascii: "}"))
        default:
            try CanonicalJSON.write(self, into: &output)
        }
    }
}

/// A member of a document written by ``JSONValue/writePrettyPrinted(members:indent:piece:to:)``:
/// a value, or an array whose elements are made one at a time as they are written (a city's state
/// holds hundreds of thousands of cost lines, whose values, made all at once, took longer to
/// allocate and free than to write).
public enum PrettyMember {
    case value(JSONValue)
    /// An array of `count` elements, element `i` made by the closure when it is written.
    case elements(_ count: Int, _ element: (Int) -> JSONValue)

    /// The member as one value.
    public var value: JSONValue {
        switch self {
        case .value(let value): return value
        case .elements(let count, let element): return .array((0..<count).map(element))
        }
    }
}
