/// Lowercase hexadecimal, as used for event ids and hashes in text.
public enum HexEncoding {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        ASCIIDigits.appendHex(Array(bytes), into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes hexadecimal text (either case); nil when malformed.
    public static func decode(_ text: String) -> [UInt8]? { decode(text, lowercaseOnly: false) }

    /// Decodes hexadecimal text, in lowercase only when `lowercaseOnly` (the form ids are written in).
    static func decode(_ text: String, lowercaseOnly: Bool) -> [UInt8]? {
        var text = text
        return text.withUTF8 { digits in decode(digits, lowercaseOnly: lowercaseOnly) }
    }

    /// Decodes hexadecimal digits given as bytes (``decode(_:lowercaseOnly:)`` of a text).
    static func decode(_ digits: UnsafeBufferPointer<UInt8>, lowercaseOnly: Bool) -> [UInt8]? {
        guard digits.count % 2 == 0 else { return nil }
        let table = lowercaseOnly ? lowercaseValues : values
        var valid = true
        let output = [UInt8](unsafeUninitializedCapacity: digits.count / 2) { output, count in
            // Every digit is looked up; 0xFF marks a byte that is not one (checked once, at the end).
            var bad: UInt8 = 0
            for index in 0..<(digits.count / 2) {
                let high = table[Int(digits[2 * index])], low = table[Int(digits[2 * index + 1])]
                bad |= high | low
                output[index] = high << 4 | (low & 0x0F)
            }
            valid = bad & 0xF0 == 0
            count = digits.count / 2
        }
        return valid ? output : nil
    }

    /// Each byte's value as a hex digit, 0xFF when it is not one: either case, and lowercase only.
    private static let values: [UInt8] = (0...255).map { nibble(UInt8($0)) ?? 0xFF }
    private static let lowercaseValues: [UInt8] = (0...255).map { nibble(UInt8($0), lowercaseOnly: true) ?? 0xFF }

    /// The value of one hex digit; uppercase digits count only when `lowercaseOnly` is false.
    static func nibble(_ byte: UInt8, lowercaseOnly: Bool = false) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - 0x30
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - 0x61 + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where !lowercaseOnly: return byte - 0x41 + 10
        default: return nil
        }
    }
}
