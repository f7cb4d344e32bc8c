import CivicDomain

/// The arithmetic of the reports, each function small enough to check by hand (see `Protocol/REPORTS.md`).
public enum Metrics {
    /// `part / whole` in basis points, rounded half up; nil when `whole` is not positive.
    public static func basisPoints(_ part: Int64, of whole: Int64) -> Int64? {
        guard whole > 0 else { return nil }
        // A part larger than its whole is no share: approximate it rather than overflow.
        let (doubled, wide) = whole.multipliedReportingOverflow(by: 2)
        guard part >= 0, part <= whole, !wide else { return Int64(clamping: Int((Double(part) * 10_000 / Double(whole)).rounded())) }
        // (2 · part · 10,000 + whole) div (2 · whole), in 128 bits: exact for every pair of money figures.
        let numerator = part.multipliedFullWidth(by: 20_000)
        let (low, carry) = numerator.low.addingReportingOverflow(UInt64(whole))
        return doubled.dividingFullWidth((high: numerator.high + (carry ? 1 : 0), low: low)).quotient
    }

    /// `amount / people`, rounded half up to whole minor units; nil when there are no people.
    public static func perCapita(_ amount: Int64, people: Int64) -> Int64? {
        guard people > 0 else { return nil }
        // (2 · amount + people) div (2 · people), without overflowing for any money figure.
        let (quotient, remainder) = amount.quotientAndRemainder(dividingBy: people)
        return quotient + (2 * remainder >= people ? 1 : 0)
    }

    /// Lifetime cost over the initial contract value, rounded to two decimals; nil without an initial contract.
    public static func multiplier(lifetime: Int64, initial: Int64) -> Double? {
        guard initial > 0 else { return nil }
        return rounded(Double(lifetime) / Double(initial), places: 2)
    }

    /// The Herfindahl–Hirschman index of `amounts`: the sum of squared percentage shares, 0–10,000
    /// (10,000: one party takes everything), rounded to a whole number; nil when nothing was spent.
    public static func herfindahlHirschman(_ amounts: [Int64]) -> Int64? {
        let total = Money.sum(amounts)
        guard total > 0 else { return nil }
        let sum = amounts.reduce(0.0) { sum, amount in
            let percent = Double(amount) * 100 / Double(total)
            return sum + percent * percent
        }
        return Int64(sum.rounded())
    }

    /// Splits `amount` across parts in proportion to `weights` (largest remainder, ties to the
    /// earlier key), so the parts add up exactly to `amount`. Nil when the weights add up to zero.
    public static func allocate(_ amount: Int64, weights: [(key: String, weight: Int64)]) -> [String: Int64]? {
        let total = weights.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return nil }
        var parts: [String: Int64] = [:]
        var remainders: [(key: String, remainder: Int64, index: Int)] = []
        var given: Int64 = 0
        for (index, entry) in weights.enumerated() {
            let (quotient, remainder) = Self.multiplyDivide(amount, entry.weight, total)
            parts[entry.key, default: 0] += quotient
            given += quotient
            remainders.append((entry.key, remainder, index))
        }
        remainders.sort { ($0.remainder, -$0.index) > ($1.remainder, -$1.index) }
        for entry in remainders.prefix(Int(amount - given)) { parts[entry.key, default: 0] += 1 }
        return parts
    }

    /// The concentration index of `investment` across districts ranked by need, neediest first:
    ///
    ///     C = 2 · Σᵢ (xᵢ / X) · Rᵢ − 1
    ///
    /// where xᵢ is district i's investment, X the total, and Rᵢ its fractional rank: the share of the
    /// population in needier districts plus half its own share (districts of equal need share the rank
    /// of their group). C lies between −1 and 1; negative when investment per resident favours the
    /// neediest, positive when it favours the least needy, 0 when it is even. Districts without
    /// residents are left out. Nil when no resident lives in a district or nothing was invested.
    public static func concentrationIndex(_ districts: [(need: Int64, population: Int64, investment: Int64)]) -> Double? {
        let counted = districts.filter { $0.population > 0 }
        let population = counted.reduce(0) { $0 + $1.population }
        let invested = Money.sum(counted.map(\.investment))
        guard population > 0, invested > 0 else { return nil }
        let groups = Dictionary(grouping: counted, by: \.need).sorted { $0.key > $1.key }
        var before: Int64 = 0
        var sum = 0.0
        for (_, members) in groups {
            let groupPopulation = members.reduce(0) { $0 + $1.population }
            let rank = (Double(before) + Double(groupPopulation) / 2) / Double(population)
            for member in members { sum += Double(member.investment) / Double(invested) * rank }
            before += groupPopulation
        }
        return rounded(2 * sum - 1, places: 4)
    }

    static func rounded(_ value: Double, places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let result = (value * scale).rounded() / scale
        return result == 0 ? 0 : result
    }

    /// `value * numerator / denominator` as quotient and remainder, without overflowing for money-sized values.
    private static func multiplyDivide(_ value: Int64, _ numerator: Int64, _ denominator: Int64) -> (Int64, Int64) {
        let product = value.multipliedFullWidth(by: numerator)
        let (quotient, remainder) = denominator.dividingFullWidth(product)
        return (quotient, remainder)
    }
}
