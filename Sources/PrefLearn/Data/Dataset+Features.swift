import PrefCore

/// Featurizing a dataset: the texts each kind featurizes, hashed n-grams, and standardisation.
extension Dataset {
    /// The feature names and texts of a kind: pairs → chosen, rejected; unpaired → completion;
    /// ratings → response; ranked → responses (flattened row-major, k per row).
    public func featureTexts(includePrompt: Bool) throws(DataError) -> [(name: String, texts: [String], perRow: Int)] {
        func t(_ prompt: PrefText, _ x: PrefText) -> String {
            includePrompt && !prompt.isEmpty ? prompt.flattened + "\n" + x.flattened : x.flattened
        }
        switch rows {
        case .pairs(let ps): return [("chosen", ps.map { t($0.prompt, $0.chosen) }, 1), ("rejected", ps.map { t($0.prompt, $0.rejected) }, 1)]
        case .unpaired(let us): return [("completion", us.map { t($0.prompt, $0.completion) }, 1)]
        case .ratings(let rs): return [("response", rs.map { t($0.prompt, $0.response) }, 1)]
        case .ranked(let rs):
            let k = rs.first?.responses.count ?? 0
            guard rs.allSatisfy({ $0.responses.count == k }) else {
                throw DataError("ranked rows have different numbers of responses, so they cannot share one [rows, k, dim] tensor",
                                hint: "convert with to_pairs first")
            }
            return [("responses", rs.flatMap { r in r.responses.map { t(r.prompt, $0) } }, k)]
        case .comparisons, .logps:
            throw DataError("\(kind.rawValue) rows have no text to featurize")
        }
    }

    /// The dataset with hashed n-gram features of its texts added (replacing same-named ones).
    public func hashed(_ hasher: HashNgrams, includePrompt: Bool) throws(DataError) -> Dataset {
        var out = self
        for (name, texts, k) in try featureTexts(includePrompt: includePrompt) {
            var t = try tensorSafe { () throws(TensorError) in try hasher.features(texts) }
            if k != 1 { t = try tensorSafe { () throws(TensorError) in try t.reshaped([count, k, hasher.dim]) } }
            out.features[name] = t
        }
        return out
    }

    /// Features standardised to zero mean and unit variance per column, x ← (x − μ) / σ
    /// (σ = 1 where a column is constant). The statistics come from `reference` (default: this
    /// dataset) and are pooled over every feature tensor of the same width, so chosen and
    /// rejected features stay comparable and a test set can use the training statistics.
    public func standardized(using reference: Dataset? = nil) throws(DataError) -> Dataset {
        let ref = reference ?? self
        var out = self
        var widths = [Int: (sum: [Double], sq: [Double], n: Double)]()
        for t in ref.features.tensors where t.rank >= 2 {
            let w = t.shape[t.rank - 1], rows = t.count / Swift.max(w, 1)
            var acc = widths[w] ?? (Array(repeating: 0, count: w), Array(repeating: 0, count: w), 0)
            let xs = t.scalars
            for r in 0..<rows { for j in 0..<w { let x = xs[r * w + j]; acc.sum[j] += x; acc.sq[j] += x * x } }
            acc.n += Double(rows)
            widths[w] = acc
        }
        for (name, t) in zip(features.names, features.tensors) where t.rank >= 2 {
            let w = t.shape[t.rank - 1]
            guard let acc = widths[w], acc.n > 0 else {
                throw DataError("feature '\(name)' has width \(w), which the reference data has no feature of", hint: "standardize with data featurized the same way")
            }
            let mean = acc.sum.map { $0 / acc.n }
            let std = zip(acc.sq, mean).map { sq, m in
                let v = Swift.max(sq / acc.n - m * m, 0)
                return v > 1e-24 ? v.squareRoot() : 1
            }
            let xs = t.scalars
            let scaled = xs.indices.map { (xs[$0] - mean[$0 % w]) / std[$0 % w] }
            out.features[name] = try tensorSafe { () throws(TensorError) in try Tensor(scaled, shape: t.shape, dtype: t.dtype) }
        }
        return out
    }
}
