import PrefCore

extension ToyWorld {
    /// q of free token sequences (a token policy's samples): (1/ℓ) Σ_t e_{y_t}, the token view's
    /// features without the per-candidate noise σ_tok·ε (a sample is not a stored candidate, so
    /// it has no noise draw); 0 for an empty sequence. [n·d_q], row-major.
    public func sequenceFeatures(_ sequences: [[Int]]) throws(TensorError) -> [Double] {
        let d = config.featureDim, v = config.vocabulary
        guard geometry.tokenEmbeddings.count == v * d else {
            throw TensorError(op: "gold", "the world has no token embeddings", hint: "use toy_world(view: \"token\")")
        }
        var q = [Double](repeating: 0, count: sequences.count * d)
        for (i, s) in sequences.enumerated() where !s.isEmpty {
            for token in s {
                guard (0..<v).contains(token) else { throw TensorError(op: "gold", "token \(token) is outside the vocabulary 0..<\(v)") }
                for j in 0..<d { q[i * d + j] += geometry.tokenEmbeddings[token * d + j] }
            }
            for j in 0..<d { q[i * d + j] /= Double(s.count) }
        }
        return q
    }

    /// r*(y) = w*·q − λ‖q‖² − c_ℓ(ℓ − ℓ*)² of token sequences, q from `sequenceFeatures`, ℓ their
    /// token counts (spec §9.2's gold, applied to samples).
    public func sequenceGold(_ sequences: [[Int]]) throws(TensorError) -> [Double] {
        try Self.values(try sequenceFeatures(sequences), lengths: sequences.map(\.count), config: config, geometry: geometry).gold
    }
}
