import CivicTestSupport
import LedgerCore
import Testing

/// Hex text, as ids and hashes are written: every byte round-trips; any byte that is not a digit,
/// at any place, makes the text malformed; `Hash(lowercaseHex:)` takes lowercase only.
@Suite("Hex encoding")
struct HexEncodingTests {
    @Test func randomBytesRoundTripInEitherCase() {
        var random = SeededGenerator(seed: 11)
        for length in [0, 1, 2, 31, 32, 33, 100] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let text = HexEncoding.encode(bytes)
            #expect(text.count == 2 * length && text == text.lowercased())
            #expect(HexEncoding.decode(text) == bytes)
            #expect(HexEncoding.decode(text.uppercased()) == bytes)
        }
    }

    @Test func anyOtherByteAnywhereIsRefused() {
        let valid = Array(String(repeating: "0123456789abcdef", count: 4).utf8)
        let digits = Set(Array("0123456789abcdefABCDEF".utf8))
        for position in [0, 1, 31, 62, 63] {
            for byte in (0...255).map(UInt8.init) where !digits.contains(byte) {
                var text = valid
                text[position] = byte
                #expect(HexEncoding.decode(String(decoding: text, as: UTF8.self)) == nil, "byte \(byte) at \(position)")
            }
        }
        #expect(Hash(lowercaseHex: String(decoding: valid, as: UTF8.self)) != nil)
        #expect(Hash(lowercaseHex: String(decoding: valid, as: UTF8.self).uppercased()) == nil)
        #expect(HexEncoding.decode("abc") == nil)
    }
}
