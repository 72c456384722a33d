/// A seeded, platform-independent stream of random bits: Philox4x64-10 under a 128-bit key.
///
/// A stream is a value: copying it copies its position, so a copy replays the same bits.
/// Named streams are independent because they have different keys; a stream never shares
/// state with another one and there is no global generator (DESIGN.md §1: a `Session` owns
/// its streams).
///
/// The raw output is exactly NumPy's: `RandomStream(key: [k0, k1])` yields the sequence of
/// `numpy.random.Philox(key=np.array([k0, k1], dtype=np.uint64)).random_raw(n)`, and
/// `RandomStream(seed: s, stream: name)` is the key `[s, RandomStream.fnv1a64(name)]`. The
/// counter starts at 0 and is incremented before each block of four outputs, so outputs
/// 0...3 are `Philox4x64.block(counter: [1, 0, 0, 0], key:)`. Verified by
/// `Scripts/reference/philox_vectors.py`.
///
/// The distributions (`uniform`, `normal`, `categorical`…) are defined in this module and do
/// not change with the Swift version. The `RandomNumberGenerator` conformance lets standard
/// library APIs draw from a stream too, but their algorithms (`Int.random(in:using:)`,
/// `shuffled(using:)`) are not promised stable across Swift releases; use this type's own
/// methods when results must be reproducible.
public struct RandomStream: RandomNumberGenerator, Sendable {
    /// The 128-bit Philox key (`key[0]` is NumPy's `key[0]`).
    public let key: SIMD2<UInt64>
    /// The counter of the block currently in `buffer` (0 before the first block).
    public private(set) var counter: SIMD4<UInt64>
    /// The current block's four outputs (meaningless when `bufferIndex` is 4).
    @usableFromInline var buffer: SIMD4<UInt64>
    /// The next output to return from `buffer`; 4 means the buffer is used up.
    @usableFromInline var bufferIndex: Int

    /// A stream for a run seed and a stream name: the key is `(seed, fnv1a64(stream))`.
    ///
    /// - Parameters:
    ///   - seed: the run's seed.
    ///   - stream: a name that separates independent uses of one seed ("init", "data"…);
    ///     hashed with FNV-1a 64, never with Swift's per-process randomised `Hasher`.
    public init(seed: UInt64, stream: String = "default") {
        self.init(key: SIMD2(seed, RandomStream.fnv1a64(stream)))
    }

    /// A stream at the start of the sequence for a raw Philox key (NumPy's
    /// `Philox(key=[key[0], key[1]])` with counter 0).
    public init(key: SIMD2<UInt64>) {
        self.key = key
        self.counter = .zero
        self.buffer = .zero
        self.bufferIndex = 4
    }

    /// The next 64 random bits (NumPy's `random_raw`).
    @inlinable
    public mutating func next() -> UInt64 {
        if bufferIndex >= 4 { refill() }
        let value = buffer[bufferIndex]
        bufferIndex += 1
        return value
    }

    /// Computes the next block of four outputs.
    @usableFromInline
    mutating func refill() {
        counter = Philox4x64.increment(counter)
        buffer = Philox4x64.block(counter: counter, key: key)
        bufferIndex = 0
    }

    /// Skips `count` raw outputs in constant time, as if `next()` had been called `count` times.
    ///
    /// From a fresh stream, `advance(by: 4 * d)` matches NumPy's `Philox.advance(d)`.
    public mutating func advance(by count: UInt64) {
        let buffered = UInt64(4 - bufferIndex)
        if count <= buffered {
            bufferIndex += Int(count)
            return
        }
        let rest = count - buffered
        counter = Philox4x64.increment(counter, by: rest / 4)
        bufferIndex = 4
        let partial = Int(rest % 4)
        if partial > 0 {
            refill()
            bufferIndex = partial
        }
    }

    /// An independent child stream named `name`, for example "init", "data" or "dropout".
    ///
    /// The child's key is the first two words of `Philox4x64.block(counter: [fnv1a64(name),
    /// utf8Count(name), 0, 0x7072_6566_2E64_7276], key: key)`: a keyed pseudo-random function
    /// of the parent key and the name. It depends only on this stream's key, not on how far
    /// the stream has advanced, so `derived("data")` is the same child before and after
    /// drawing. The fourth counter word ("pref.drv" in ASCII) keeps the derivation counters
    /// far from the ones the parent itself uses (those stay below 2¹⁹²).
    public func derived(_ name: String) -> RandomStream {
        let tag: UInt64 = 0x7072_6566_2E64_7276
        let words = Philox4x64.block(
            counter: SIMD4(RandomStream.fnv1a64(name), UInt64(name.utf8.count), 0, tag), key: key)
        return RandomStream(key: SIMD2(words[0], words[1]))
    }

    /// The 64-bit FNV-1a hash of a string's UTF-8 bytes (Fowler, Noll and Vo; offset basis
    /// 0xCBF29CE484222325, prime 0x100000001B3). Stable across processes and platforms.
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

extension RandomStream: Hashable {
    /// Two streams are equal when they will produce the same outputs: the same key, counter
    /// and position in the block (the buffered block follows from those).
    public static func == (a: RandomStream, b: RandomStream) -> Bool {
        a.key == b.key && a.counter == b.counter && a.bufferIndex == b.bufferIndex
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(counter)
        hasher.combine(bufferIndex)
    }
}

extension RandomStream: Codable {
    private enum CodingKeys: String, CodingKey {
        case key, counter, index
    }

    /// Restores a stream saved with `encode(to:)` (a checkpoint), recomputing its buffered block.
    ///
    /// - Throws: `DecodingError.dataCorrupted` when the buffer index is outside 0...4.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let key = try container.decode(SIMD2<UInt64>.self, forKey: .key)
        let counter = try container.decode(SIMD4<UInt64>.self, forKey: .counter)
        let index = try container.decode(Int.self, forKey: .index)
        guard (0...4).contains(index) else {
            throw DecodingError.dataCorruptedError(
                forKey: .index, in: container, debugDescription: "random stream buffer index \(index) is not in 0...4")
        }
        self.init(key: key)
        self.counter = counter
        if index < 4 {
            buffer = Philox4x64.block(counter: counter, key: key)
        }
        bufferIndex = index
    }

    /// Saves the key, the counter and the position in the current block; the block itself is
    /// recomputed on decoding.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(counter, forKey: .counter)
        try container.encode(bufferIndex, forKey: .index)
    }
}
