import PrefCore

extension TokenBatch {
    /// The rows of E that position t's *reading* state uses: the context after y_t has been read,
    /// (y_t, y_{t−1}, …, y_{t−C+1}), i.e. the context of position t + 1. EOS (t = ℓ) and padding
    /// read the pad row V, as positions past the end do in `contextRows`. [B·W·C].
    /// SparsePO's mask of token y_t comes from the hidden state that has read y_t (in an LLM, the
    /// state at y_t's own position), not from the state that predicts it.
    public func readingRows(context c: Int) throws(TensorError) -> IndexTensor {
        let v1 = vocabulary + 1, w = width
        var rows = [Int](repeating: 0, count: positions * c)
        for r in 0..<count {
            for t in 0..<w {
                for j in 0..<c {
                    let s = t - j
                    let token = s >= 0 && s < lengths[r] ? tokens[r * (w - 1) + s] : vocabulary
                    rows[(r * w + t) * c + j] = j * v1 + token
                }
            }
        }
        return try IndexTensor(rows)
    }
}
