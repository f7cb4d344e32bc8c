/// A small deterministic random generator (SplitMix64) for the demo city's jitter.
///
/// The same seed and salt always give the same sequence, on every platform; nothing reads the clock
/// or the system's randomness.
///
/// ```swift
/// var random = DemoRandom(seed: 2026, salt: "cctv-network")
/// let day = random.int(in: 2...27)
/// ```
struct DemoRandom: Sendable {
    private var state: UInt64

    /// A generator for one strand of the city (a system, a cost stream), so that adding a strand
    /// does not shift the numbers of the others.
    ///
    /// - Parameters:
    ///   - seed: the city's seed.
    ///   - salt: a name that tells this strand from the others.
    init(seed: UInt64, salt: String) {
        // FNV-1a of the salt, mixed into the seed.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in salt.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        state = seed ^ hash
        _ = next()
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state = state &+ 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A number in `range` (the slight modulo bias does not matter for jitter).
    mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound + 1)
        return range.lowerBound + Int(next() % width)
    }

    /// `value` moved by up to ± `bps` basis points, never below `minimum`.
    mutating func jitter(_ value: Int64, bps: Int, minimum: Int64 = 1) -> Int64 {
        let factor = Int64(10_000 + int(in: -bps...bps))
        return max(minimum, value * factor / 10_000)
    }
}
