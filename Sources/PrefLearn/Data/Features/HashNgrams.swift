import PrefCore

/// The hashing featurizer: word and character n-grams hashed into `dim` buckets (the hashing
/// trick, Weinberger et al. 2009), exactly as scikit-learn's `HashingVectorizer` with its
/// defaults (lowercase, alternate_sign, l2 norm) does for ASCII text:
///
///     h = murmur3_32(utf8(ngram), seed) as a signed 32-bit integer
///     x[|h| mod dim] += sign(h)          (h ≥ 0 counts +1, h < 0 counts −1)
///     x ← x / ‖x‖₂
///
/// Words are maximal runs of ASCII letters, digits and `_` (any byte ≥ 0x80 counts as a letter)
/// of at least two characters, scikit-learn's `(?u)\b\w\w+\b`; word n-grams join words with one
/// space. Character n-grams run over the lowercased text with runs of two or more whitespace
/// characters collapsed to one space (scikit-learn's `analyzer="char"`), counted in Unicode scalars. Word and character
/// n-grams share the buckets. Only `seed` and `dim` change the buckets, never the platform.
public struct HashNgrams: Sendable {
    public var words: ClosedRange<Int>?
    public var chars: ClosedRange<Int>?
    public var dim: Int
    public var seed: UInt32

    public init(words: ClosedRange<Int>? = 1...2, chars: ClosedRange<Int>? = 3...5, dim: Int = 65536, seed: UInt32 = 0) {
        self.words = words
        self.chars = chars
        self.dim = dim
        self.seed = seed
    }

    /// Adds the n-gram counts of `text` to `row` (dim floats), then l2-normalises it.
    public func featurize(_ text: String, into row: UnsafeMutablePointer<Float>) {
        var bytes = Array(text.utf8)
        var ascii = true
        for i in bytes.indices {
            let c = bytes[i]
            if c >= 0x80 { ascii = false } else if c >= 0x41 && c <= 0x5A { bytes[i] = c + 32 }
        }
        if !ascii { bytes = Array(text.lowercased().utf8) }
        // The buckets touched, so normalising costs O(n-grams), not O(dim): rows are sparse.
        var touched = [Int32]()
        bytes.withUnsafeBufferPointer { b in
            if let words { wordGrams(b, words, row, &touched) }
            if let chars { charGrams(b, chars, ascii: ascii, row, &touched) }
        }
        touched.sort()
        var norm: Float = 0, previous: Int32 = -1
        for j in touched where j != previous {
            norm += row[Int(j)] * row[Int(j)]
            previous = j
        }
        if norm > 0 {
            let inv = 1 / norm.squareRoot()
            previous = -1
            for j in touched where j != previous {
                row[Int(j)] *= inv
                previous = j
            }
        }
    }

    @inline(__always) private func add(_ p: UnsafeRawBufferPointer, _ row: UnsafeMutablePointer<Float>, _ touched: inout [Int32]) {
        let h = Int32(bitPattern: MurmurHash3.hash32(p, seed: seed))
        // scikit-learn's rule for the one value whose absolute value overflows.
        let index = h == Int32.min ? (Int(Int32.max) - (dim - 1)) % dim : Int(h.magnitude) % dim
        row[index] += h >= 0 ? 1 : -1
        touched.append(Int32(index))
    }

    private static func isWord(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c >= 0x80
    }

    private static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0B || c == 0x0C
    }

    private func wordGrams(_ b: UnsafeBufferPointer<UInt8>, _ n: ClosedRange<Int>, _ row: UnsafeMutablePointer<Float>, _ touched: inout [Int32]) {
        var tokens = [Range<Int>]()
        var i = 0
        while i < b.count {
            guard HashNgrams.isWord(b[i]) else { i += 1; continue }
            let start = i
            var chars = 0
            while i < b.count, HashNgrams.isWord(b[i]) {
                if b[i] & 0xC0 != 0x80 { chars += 1 }
                i += 1
            }
            if chars >= 2 { tokens.append(start..<i) }
        }
        guard let base = b.baseAddress else { return }
        var scratch = [UInt8]()
        for k in n where k >= 1 && k <= tokens.count {
            for t in 0...(tokens.count - k) {
                if k == 1 {
                    add(UnsafeRawBufferPointer(start: base + tokens[t].lowerBound, count: tokens[t].count), row, &touched)
                    continue
                }
                scratch.removeAll(keepingCapacity: true)
                for j in t..<(t + k) {
                    if j > t { scratch.append(0x20) }
                    scratch.append(contentsOf: UnsafeBufferPointer(start: base + tokens[j].lowerBound, count: tokens[j].count))
                }
                scratch.withUnsafeBytes { add($0, row, &touched) }
            }
        }
    }

    private func charGrams(_ b: UnsafeBufferPointer<UInt8>, _ n: ClosedRange<Int>, ascii: Bool, _ row: UnsafeMutablePointer<Float>, _ touched: inout [Int32]) {
        // Runs of two or more whitespace characters become one space (scikit-learn's \s\s+).
        var text = [UInt8]()
        text.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            var j = i
            while j < b.count, HashNgrams.isSpace(b[j]) { j += 1 }
            if j - i >= 2 {
                text.append(0x20)
                i = j
            } else {
                text.append(b[i])
                i += 1
            }
        }
        // Scalar start offsets (plus the end), so n-grams count Unicode scalars.
        var starts = [Int]()
        starts.reserveCapacity(text.count + 1)
        for (i, c) in text.enumerated() where ascii || c & 0xC0 != 0x80 { starts.append(i) }
        starts.append(text.count)
        let scalars = starts.count - 1
        text.withUnsafeBytes { p in
            guard let base = p.baseAddress else { return }
            for k in n where k >= 1 && k <= scalars {
                for s in 0...(scalars - k) {
                    add(UnsafeRawBufferPointer(start: base + starts[s], count: starts[s + k] - starts[s]), row, &touched)
                }
            }
        }
    }

    /// A [count, dim] f32 tensor of the texts' features.
    public func features(_ texts: [String]) throws(TensorError) -> Tensor {
        let shape = try Shape.checked([texts.count, dim], op: "hash_ngrams")
        guard shape.count <= Shape.maxElements else {
            throw TensorError(op: "hash_ngrams", "\(texts.count) rows × dim \(dim) is \(shape.count) elements, more than the limit of 2^28",
                              hint: "use a smaller dim, or featurize batches")
        }
        let t = Tensor(zeros: shape, dtype: .f32)
        let p = t.pointer(Float.self)
        withExtendedLifetime(t) {
            for (i, s) in texts.enumerated() { featurize(s, into: p + i * dim) }
        }
        return t
    }
}
