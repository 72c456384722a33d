/// MurmurHash3 x86 32-bit (Austin Appleby, public domain), the hash of scikit-learn's
/// `HashingVectorizer`. Defined on bytes with explicit little-endian block reads, so it gives
/// the same value on every platform: murmur3("hello", seed 0) = 0x248BFA47.
public enum MurmurHash3 {
    public static func hash32(_ bytes: UnsafeRawBufferPointer, seed: UInt32) -> UInt32 {
        let c1: UInt32 = 0xCC9E_2D51, c2: UInt32 = 0x1B87_3593
        var h = seed
        let n = bytes.count, blocks = n / 4
        for b in 0..<blocks {
            let o = b * 4
            var k = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
            k &*= c1
            k = (k << 15) | (k >> 17)
            k &*= c2
            h ^= k
            h = (h << 13) | (h >> 19)
            h = h &* 5 &+ 0xE654_6B64
        }
        var k: UInt32 = 0
        let tail = blocks * 4
        switch n & 3 {
        case 3:
            k ^= UInt32(bytes[tail + 2]) << 16
            fallthrough
        case 2:
            k ^= UInt32(bytes[tail + 1]) << 8
            fallthrough
        case 1:
            k ^= UInt32(bytes[tail])
            k &*= c1
            k = (k << 15) | (k >> 17)
            k &*= c2
            h ^= k
        default: break
        }
        h ^= UInt32(truncatingIfNeeded: n)
        h ^= h >> 16
        h &*= 0x85EB_CA6B
        h ^= h >> 13
        h &*= 0xC2B2_AE35
        h ^= h >> 16
        return h
    }

    public static func hash32(_ text: String, seed: UInt32) -> UInt32 {
        var s = text
        return s.withUTF8 { hash32(UnsafeRawBufferPointer($0), seed: seed) }
    }
}
