/// Writing numbers and hashes as ASCII straight into a byte buffer, without intermediate strings.
enum ASCIIDigits {
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends the decimal form of `value`.
    static func appendDecimal(_ value: Int64, into output: inout [UInt8]) {
        if value < 0 {
            output.append(UInt8(ascii: "-"))
            appendDecimal(value.magnitude, into: &output)
        } else {
            appendDecimal(UInt64(value), into: &output)
        }
    }

    static func appendDecimal(_ value: UInt64, into output: inout [UInt8]) {
        if value < 10 {
            output.append(0x30 + UInt8(value))
            return
        }
        // The digits from the last, at the end of room on the stack (not an array of its own per
        // number), then appended in one piece.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { room in
            var (rest, first) = (value, 20)
            while rest > 0 {
                first -= 1
                room[first] = 0x30 + UInt8(rest % 10)
                rest /= 10
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: room[first...]))
        }
    }

    /// Appends `value` zero-padded to `width` digits.
    static func appendPadded(_ value: Int, width: Int, into output: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        if rest >= divisor * 10 {
            appendDecimal(Int64(value), into: &output)
            return
        }
        while divisor > 0 {
            output.append(0x30 + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    static func appendHex(_ bytes: [UInt8], into output: inout [UInt8]) {
        for byte in bytes {
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0x0F)])
        }
    }
}
