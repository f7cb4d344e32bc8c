import CivicDomain
import CivicTestSupport
import Testing

/// Amounts written as text: ``Currency/format(_:)`` and the bytes ``Currency/format(_:into:)``
/// appends, against amounts worked out by hand and against the arithmetic of whole and fraction.
@Suite("Currency formats")
struct CurrencyFormatTests {
    @Test func amountsWorkedOutByHand() throws {
        let usd = try #require(Currency("USD"))
        let jpy = try #require(Currency("JPY"))
        let cases: [(Currency, Int64, String)] = [
            (usd, 0, "0.00"), (usd, 5, "0.05"), (usd, 10, "0.10"), (usd, 99, "0.99"), (usd, 100, "1.00"),
            (usd, 12_000_000, "120000.00"), (usd, 92_487_150, "924871.50"), (usd, -5, "-0.05"), (usd, -12_345, "-123.45"),
            (usd, Int64.max, "92233720368547758.07"), (usd, Int64.min, "-92233720368547758.08"),
            (jpy, 0, "0"), (jpy, 7, "7"), (jpy, 120_000, "120000"), (jpy, -30, "-30"), (jpy, Int64.min, "-9223372036854775808"),
        ]
        for (currency, minor, text) in cases {
            #expect(currency.format(minor) == text, "\(currency.code) \(minor)")
            var bytes = Array("USD ".utf8)
            currency.format(minor, into: &bytes)
            #expect(bytes == Array("USD \(text)".utf8), "the bytes follow what was there before")
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64]) func amountsAreTheirWholeAndFraction(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        for code in Currency.exponents.keys.sorted() {
            let currency = try #require(Currency(code))
            for _ in 0..<2_000 {
                // Small amounts (a fraction alone, a whole of one digit) as often as large ones.
                let minor =
                    Bool.random(using: &random)
                    ? Int64.random(in: -1_000...1_000, using: &random) : Int64.random(in: Int64.min...Int64.max, using: &random)
                let text = currency.format(minor)
                let divisor = (0..<currency.exponent).reduce(UInt64(1)) { value, _ in value * 10 }
                let whole = String(minor.magnitude / divisor)
                let fraction = String(minor.magnitude % divisor)
                let expected =
                    (minor < 0 ? "-" : "") + whole
                    + (currency.exponent == 0 ? "" : "." + String(repeating: "0", count: currency.exponent - fraction.count) + fraction)
                #expect(text == expected, "\(code) \(minor)")
                if minor >= 0, minor <= 9_007_199_254_740_991 { #expect(currency.minorUnits(text) == minor, "\(text) read back") }
            }
        }
    }
}
