/// Money arithmetic that never traps.
///
/// Every amount an event carries fits in JSON's safe integers (±(2^53 − 1) minor units), but sums of
/// valid amounts need not: 1,030 costs of the largest amount add up past what 64 bits hold. Sums
/// here saturate at that safe bound instead of overflowing, so every total stays a number JSON
/// carries exactly; the state lists a `total-out-of-range` finding wherever a total was cut, so a
/// saturated figure is never taken for a true one.
public enum Money {
    /// The largest magnitude a money figure takes: 2^53 − 1 minor units.
    public static let limit: Int64 = 9_007_199_254_740_991

    /// `a + b`, saturated at ±``limit``.
    public static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        if overflow { return a > 0 ? limit : -limit }
        return clamp(sum)
    }

    /// The sum of `values`, saturated at ±``limit``.
    public static func sum<Values: Sequence>(_ values: Values) -> Int64 where Values.Element == Int64 {
        values.reduce(0, add)
    }

    /// Whether `a + b` leaves the safe range (the sum ``add(_:_:)`` gives is then cut).
    public static func exceeds(_ a: Int64, _ b: Int64) -> Bool {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow || sum > limit || sum < -limit
    }

    /// `value` within ±``limit``.
    public static func clamp(_ value: Int64) -> Int64 {
        min(max(value, -limit), limit)
    }
}
