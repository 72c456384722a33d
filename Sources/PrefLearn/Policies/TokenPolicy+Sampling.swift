import PrefCore

extension TokenPolicy {
    /// One sequence per entry of `prompts`, drawn autoregressively from π(·|x): at each step the
    /// unfinished sequences' next-token distributions are one whole-batch forward pass, then each
    /// draws by inverse CDF from the Philox stream of `seed` (one uniform per unfinished sequence
    /// per step, in row order, so a seed fixes every draw). A sequence ends when it draws EOS or
    /// reaches `maxLength` tokens (then it is truncated: it has no EOS).
    public func sample(prompts: [Int], maxLength: Int, seed: UInt64) throws(TensorError) -> [[Int]] {
        guard (0...4096).contains(maxLength) else { throw TensorError(op: "sample", "max_length must be 0…4096, not \(maxLength)") }
        if let bad = prompts.first(where: { !(0..<self.prompts).contains($0) }) {
            throw TensorError(op: "sample", "prompt \(bad) is outside 0..<\(self.prompts)")
        }
        guard prompts.count * context <= Shape.maxElements else { throw TensorError(op: "sample", "\(prompts.count) sequences is too many") }
        var rng = RandomStream(seed: seed, stream: "token_policy/sample")
        var sequences = [[Int]](repeating: [], count: prompts.count)
        var active = Array(prompts.indices)
        let v1 = vocabulary + 1
        for _ in 0..<maxLength where !active.isEmpty {
            var rows = [Int]()
            rows.reserveCapacity(active.count * context)
            for r in active {
                let s = sequences[r]
                for j in 1...context { rows.append((j - 1) * v1 + (s.count - j >= 0 ? s[s.count - j] : vocabulary)) }
            }
            let promptIndex = try IndexTensor(active.map { prompts[$0] }), contextIndex = try IndexTensor(rows)
            let probs = try evaluate { t throws(TensorError) in
                try self.logProbs(prompts: promptIndex, contextRows: contextIndex, tape: t, leaves: try self.leaves(t, nil)).exp()
            }.to(.f64).scalars
            var next = [Int]()
            for (i, r) in active.enumerated() {
                var running = 0.0, pick = vocabulary
                let u = rng.uniform()
                for k in 0..<v1 {
                    running += probs[i * v1 + k]
                    if u < running { pick = k; break }
                }
                if pick < vocabulary {
                    sequences[r].append(pick)
                    next.append(r)
                }
            }
            active = next
        }
        return sequences
    }
}
