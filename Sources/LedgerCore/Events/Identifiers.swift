/// Syntax checks for the envelope's identifier fields.
public enum Identifiers {
    /// An office id: `[a-z0-9-]{1,32}`.
    public static func isValidOffice(_ office: String) -> Bool {
        let bytes = office.utf8
        return (1...32).contains(bytes.count) && bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// An event type: dot-separated segments of `[a-z0-9-]`, at least two, at most 64 bytes, e.g. `cost.incurred`.
    public static func isValidEventType(_ type: String) -> Bool {
        let bytes = type.utf8
        guard (3...64).contains(bytes.count) else { return false }
        var segments = 1
        var segmentLength = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard segmentLength > 0 else { return false }
                segments += 1
                segmentLength = 0
            } else {
                guard isLowerAlnum(byte) || byte == UInt8(ascii: "-") else { return false }
                segmentLength += 1
            }
        }
        return segments >= 2 && segmentLength > 0
    }

    /// A city name used in checkpoint origins: `[a-z0-9-]{1,64}`.
    public static func isValidCity(_ city: String) -> Bool {
        let bytes = city.utf8
        return (1...64).contains(bytes.count) && bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// The checkpoint origin and key name of an office's log.
    public static func origin(city: String, office: String) -> String { "civic/\(city)/\(office)" }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
