/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast and the same on every platform, so a seed
/// names one sequence forever (fuzz cases, synthetic test data); `SystemRandomNumberGenerator`
/// could not replay a failure. One generator for every test that needs seeded draws.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 0..<n (0 when n <= 0).
    public mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    /// Uniform on [0, 1) from the top 53 bits.
    public mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    public mutating func chance(_ p: Double) -> Bool { uniform() < p }
    public mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
}
