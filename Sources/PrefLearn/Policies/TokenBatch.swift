import PrefCore

/// B token sequences (with their prompts) laid out for `TokenPolicy`: every sequence gets
/// width W = T + 1 positions, T the longest length — position t < ℓ predicts y_t, position ℓ
/// predicts EOS, positions after ℓ are padding (mask 0, target 0, context BOS).
public struct TokenBatch: Sendable {
    public let vocabulary: Int
    public let prompts: [Int]
    public let lengths: [Int]
    /// The tokens, row-major [B, T] with T = width − 1, −1 after each sequence's end.
    public let tokens: [Int]
    /// W = T + 1.
    public let width: Int
    /// The predicted index at each position, [B·W, 1]: y_t, EOS = V at t = ℓ, 0 on padding.
    public let targets: IndexTensor
    /// The prompt of each position, [B·W].
    public let positionPrompts: IndexTensor
    /// 1 at real positions (t ≤ ℓ), 0 on padding, row-major [B, W].
    public let maskValues: [Double]

    /// Checks every token is in 0..<V; `width` (≥ the longest length + 1) pads further, e.g. to
    /// give chosen and rejected one shape.
    public init(prompts: [Int], sequences: [[Int]], vocabulary v: Int, width minimum: Int = 0) throws(TensorError) {
        guard prompts.count == sequences.count else {
            throw TensorError(op: "token_policy", "\(prompts.count) prompts for \(sequences.count) sequences")
        }
        for (r, s) in sequences.enumerated() {
            if let bad = s.first(where: { !(0..<v).contains($0) }) {
                throw TensorError(op: "token_policy", "sequence \(r) has token \(bad), outside the vocabulary 0..<\(v)")
            }
        }
        let longest = sequences.map(\.count).max() ?? 0
        guard longest < 1 << 16 else { throw TensorError(op: "token_policy", "sequences are limited to 65535 tokens, got \(longest)") }
        let w = Swift.max(longest + 1, minimum), b = sequences.count
        guard b * w <= Shape.maxElements else { throw TensorError(op: "token_policy", "\(b) sequences × \(w) positions is too large") }
        var tokens = [Int](repeating: -1, count: b * (w - 1)), targets = [Int](repeating: 0, count: b * w)
        var mask = [Double](repeating: 0, count: b * w), positionPrompts = [Int](repeating: 0, count: b * w)
        for (r, s) in sequences.enumerated() {
            for (t, y) in s.enumerated() {
                tokens[r * (w - 1) + t] = y
                targets[r * w + t] = y
            }
            targets[r * w + s.count] = v
            for t in 0...s.count { mask[r * w + t] = 1 }
            for t in 0..<w { positionPrompts[r * w + t] = prompts[r] }
        }
        vocabulary = v
        self.prompts = prompts
        lengths = sequences.map(\.count)
        self.tokens = tokens
        width = w
        self.targets = try IndexTensor(targets, shape: [b * w, 1])
        self.positionPrompts = try IndexTensor(positionPrompts)
        maskValues = mask
    }

    /// B.
    public var count: Int { prompts.count }
    /// B·W.
    public var positions: Int { count * width }

    /// The mask as a [B, W] tensor.
    public func mask(_ dtype: DType) throws(TensorError) -> Tensor { try Tensor(maskValues, shape: [count, width], dtype: dtype) }

    /// The rows of the stacked embedding table E read at each position, [B·W·C]: slot j − 1 of
    /// position t reads row (j − 1)(V + 1) + y_{t−j}, or + V (BOS) when t − j < 0 or on padding.
    public func contextRows(context c: Int) throws(TensorError) -> IndexTensor {
        let v1 = vocabulary + 1, w = width
        var rows = [Int](repeating: 0, count: positions * c)
        for r in 0..<count {
            for t in 0..<w {
                for j in 1...c {
                    let s = t - j
                    let token = s >= 0 && s < lengths[r] ? tokens[r * (w - 1) + s] : vocabulary
                    rows[(r * w + t) * c + j - 1] = (j - 1) * v1 + token
                }
            }
        }
        return try IndexTensor(rows)
    }

    /// The sequences back, one array per row.
    public var sequences: [[Int]] {
        (0..<count).map { r in Array(tokens[r * (width - 1) ..< r * (width - 1) + lengths[r]]) }
    }
}
