/// The Philox4x64-10 block function: a keyed bijection of 256-bit counters.
///
/// Philox is the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random
/// numbers: as easy as 1, 2, 3" (SC 2011), as implemented in Random123 (`philox4x64_R` with
/// the default 10 rounds). Because output block `i` is simply `block(counter: i, key:)`,
/// independent streams are just different keys and jumping ahead is an addition to the
/// counter. It passes BigCrush with 10 rounds.
///
/// The constants and word order are those of Random123 and `numpy.random.Philox`, so
/// `RandomStream` reproduces NumPy bit for bit (see `Scripts/reference/philox_vectors.py`).
public enum Philox4x64 {
    /// The number of rounds (Random123's default, and NumPy's).
    public static let rounds = 10

    /// Encrypts one 256-bit counter under a 128-bit key: ten Philox S-P rounds with the key
    /// bumped by the Weyl constants between rounds.
    ///
    /// - Parameters:
    ///   - counter: the counter words, least significant first (`counter[0]` is NumPy's
    ///     `counter[0]`).
    ///   - key: the key words; `key[0]` is NumPy's `key[0]` (the low word of an integer key).
    /// - Returns: the four output words in the order NumPy's `random_raw` yields them.
    @inlinable
    public static func block(counter: SIMD4<UInt64>, key: SIMD2<UInt64>) -> SIMD4<UInt64> {
        var c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3]
        var k0 = key[0], k1 = key[1]
        for round in 0..<rounds {
            if round > 0 {
                // Random123's PHILOX_W64_0 (golden ratio) and PHILOX_W64_1 (sqrt(3) - 1).
                k0 &+= 0x9E37_79B9_7F4A_7C15
                k1 &+= 0xBB67_AE85_84CA_A73B
            }
            // Random123's PHILOX_M4x64_0 and PHILOX_M4x64_1.
            let p0 = UInt64(0xD2E7_470E_E14C_6C93).multipliedFullWidth(by: c0)
            let p1 = UInt64(0xCA5A_8263_9512_1157).multipliedFullWidth(by: c2)
            (c0, c1, c2, c3) = (p1.high ^ c1 ^ k0, p1.low, p0.high ^ c3 ^ k1, p0.low)
        }
        return SIMD4(c0, c1, c2, c3)
    }

    /// Adds `amount` to a 256-bit counter, carrying across the words and wrapping at 2²⁵⁶.
    @inlinable
    public static func increment(_ counter: SIMD4<UInt64>, by amount: UInt64 = 1) -> SIMD4<UInt64> {
        var out = counter
        var (sum, carry) = out[0].addingReportingOverflow(amount)
        out[0] = sum
        var word = 1
        while carry && word < 4 {
            (sum, carry) = out[word].addingReportingOverflow(1)
            out[word] = sum
            word += 1
        }
        return out
    }
}
