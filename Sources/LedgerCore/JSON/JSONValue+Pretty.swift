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

    private func writePretty(into output: inout [UInt8], level: Int, indent: [UInt8]) throws(JSONError) {
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
                try element.writePretty(into: &output, level: level + 1, indent: indent)
            }
            newline(level)
            output.append(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            output.append(UInt8(ascii: "{"))
            // Members already in order (as most objects this project builds are) are written as
            // they stand, without an array of their positions.
            let order = CanonicalJSON.isSortedASCII(members) ? nil : CanonicalJSON.sortedMemberIndices(members)
            for position in members.indices {
                let member = members[order?[position] ?? position]
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(level + 1)
                CanonicalJSON.writeString(member.0, into: &output)
                output.append(UInt8(ascii: ":"))
                output.append(UInt8(ascii: " "))
                try member.1.writePretty(into: &output, level: level + 1, indent: indent)
            }
            newline(level)
            output.append(UInt8(ascii: "}"))
        default:
            try CanonicalJSON.write(self, into: &output)
        }
    }
}
