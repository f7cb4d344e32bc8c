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
        return text.withUTF8 { digits in
            guard digits.count % 2 == 0 else { return nil }
            var output = [UInt8](repeating: 0, count: digits.count / 2)
            for index in output.indices {
                guard let high = nibble(digits[2 * index], lowercaseOnly: lowercaseOnly),
                    let low = nibble(digits[2 * index + 1], lowercaseOnly: lowercaseOnly)
                else { return nil }
                output[index] = high << 4 | low
            }
            return output
        }
    }

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
