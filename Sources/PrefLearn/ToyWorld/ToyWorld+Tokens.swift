import PrefCore

/// The token view of spec §9.1: each candidate is a sequence of ℓ tokens over a vocabulary of
/// V, and its features are q = (1/ℓ) Σ_t e_{y_t} + σ_tok·ε, ε ~ N(0, I).
enum TokenView {
    /// Draws every candidate's tokens i.i.d. from the prompt's token distribution
    /// softmax_t(e_t·A·x) (so prompts matter, as A·x does in the candidate view), then its
    /// features. Returns the tokens (P_all·K × maxLength, −1 padded) and q (P_all·K × d_q).
    static func generate(_ c: ToyWorld.Config, geometry g: ToyGeometry, means: [Double], lengths: [Int],
                         rng: inout RandomStream) throws(TensorError) -> ([Int32], [Double]) {
        let d = c.featureDim, v = c.vocabulary, k = c.candidates, width = c.maxLength
        let e = try Tensor(g.tokenEmbeddings, shape: [v, d], dtype: .f64)
        let logits = try Tensor(means, shape: [c.totalPrompts, d], dtype: .f64).matmul(try e.transposed())
        let cumulative = try logits.softmax(axis: -1).scalars
        let m = lengths.count
        var tokens = [Int32](repeating: -1, count: m * width)
        var q = rng.normalTensor([m * d], std: c.tokenNoise, dtype: .f64).scalars
        for i in 0..<m {
            let row = (i / k) * v
            let n = lengths[i]
            var mean = [Double](repeating: 0, count: d)
            let sibling = c.branches > 0 ? (i % k) % c.branches : 0
            if sibling == 0 {
                for t in 0..<n { tokens[i * width + t] = Int32(draw(cumulative, row: row, count: v, u: rng.uniform())) }
            } else {
                try TreeLeaves.grow(&tokens, leaf: i, sibling: sibling, config: c, probs: cumulative, row: row, rng: &rng)
            }
            for t in 0..<n {
                let token = Int(tokens[i * width + t])
                for j in 0..<d { mean[j] += g.tokenEmbeddings[token * d + j] }
            }
            for j in 0..<d { q[i * d + j] += mean[j] / Double(n) }
        }
        return (tokens, q)
    }

    /// Inverse-CDF draw from the probabilities probs[row ..< row + count].
    static func draw(_ probs: [Double], row: Int, count: Int, u: Double) -> Int {
        var running = 0.0
        for t in 0..<count {
            running += probs[row + t]
            if u < running { return t }
        }
        return count - 1
    }
}

extension ToyWorld {
    /// The tokens of candidate `i` (empty in the candidate view).
    public func tokens(of i: Int) -> [Int] {
        guard !tokens.isEmpty else { return [] }
        let width = config.maxLength
        return (0..<lengths[i]).map { Int(tokens[i * width + $0]) }
    }

    /// The TPO step of each token position: position t is in step ⌊t / stepTokens⌋.
    public func step(ofPosition t: Int) -> Int { t / config.stepTokens }
}
