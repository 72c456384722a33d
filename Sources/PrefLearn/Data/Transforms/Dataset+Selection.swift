import PrefCore

/// Transforms that select rows: shuffle, take, sample, split, batches. All go through
/// `selecting(_:)`, so origins and features follow their rows; all randomness is a
/// `RandomStream`, so a seed gives the same rows on every platform.
extension Dataset {
    /// The rows in a random order (Fisher–Yates from `rng`).
    public func shuffled(_ rng: inout RandomStream) throws(TensorError) -> Dataset {
        try selecting(rng.permutation(count))
    }

    /// `n` rows drawn at random, without replacement (n ≤ count) or with it.
    public func sampled(_ n: Int, replace: Bool, _ rng: inout RandomStream) throws(DataError) -> Dataset {
        guard n >= 0 else { throw DataError("sample size must be ≥ 0, got \(n)") }
        guard replace || n <= count else {
            throw DataError("cannot sample \(n) rows without replacement from \(count)", hint: "pass replace: true, or a smaller n")
        }
        guard !replace || n == 0 || count > 0 else { throw DataError("cannot sample from an empty dataset") }
        let idx = replace ? (0..<n).map { _ in rng.uniformInt(below: count) } : Array(rng.permutation(count).prefix(n))
        return try tensorSafe { () throws(TensorError) in try selecting(idx) }
    }

    /// How `split` sizes its parts.
    public enum SplitSizes: Sendable {
        /// Fractions summing to 1.
        case fractions([Double])
        /// Row counts summing to at most `count`.
        case counts([Int])
    }

    /// Disjoint parts of the shuffled rows. With `byPrompt`, rows that share a prompt stay in
    /// one part (whole prompt groups are assigned in shuffled order until each part reaches
    /// its size), so no prompt is both trained and tested on.
    public func split(_ sizes: SplitSizes, byPrompt: Bool, _ rng: inout RandomStream) throws(DataError) -> [Dataset] {
        let targets = try splitTargets(sizes)
        let groups: [[Int]]
        if byPrompt {
            var index = [PrefText: Int](), members = [[Int]]()
            for i in 0..<count {
                let p = rows.prompt(i)
                if let g = index[p] { members[g].append(i) } else { index[p] = members.count; members.append([i]) }
            }
            groups = rng.permutation(members.count).map { members[$0] }
        } else {
            groups = rng.permutation(count).map { [$0] }
        }
        var parts = Array(repeating: [Int](), count: targets.count)
        var boundaries = [Int](), total = 0
        for t in targets { total += t; boundaries.append(total) }
        var assigned = 0, k = 0
        for g in groups {
            while k < targets.count, assigned >= boundaries[k] { k += 1 }
            guard k < targets.count else { break }
            parts[k] += g
            assigned += g.count
        }
        return try tensorSafe { () throws(TensorError) in try parts.map { (p) throws(TensorError) in try selecting(p) } }
    }

    private func splitTargets(_ sizes: SplitSizes) throws(DataError) -> [Int] {
        switch sizes {
        case .fractions(let fs):
            guard !fs.isEmpty, fs.allSatisfy({ $0 >= 0 && $0.isFinite }) else { throw DataError("split fractions must be ≥ 0") }
            let sum = fs.reduce(0, +)
            guard Swift.abs(sum - 1) < 1e-9 else {
                throw DataError("split fractions sum to \(sum), not 1", hint: "split(d, 0.8) makes two parts of 80% and 20%")
            }
            // Boundaries at rounded cumulative fractions, so the parts always add up to count.
            var out = [Int](), cum = 0.0, prev = 0
            for f in fs {
                cum += f
                let b = Swift.min(count, Int((cum * Double(count)).rounded()))
                out.append(b - prev)
                prev = b
            }
            out[out.count - 1] += count - prev
            return out
        case .counts(let cs):
            guard cs.allSatisfy({ $0 >= 0 }) else { throw DataError("split counts must be ≥ 0") }
            let sum = cs.reduce(0, +)
            guard sum <= count else { throw DataError("split counts add up to \(sum), more than the \(count) rows") }
            return cs
        }
    }

    /// Consecutive batches of `size` rows (the last may be smaller), optionally shuffled first.
    public func batches(size: Int, shuffle: Bool, _ rng: inout RandomStream) throws(DataError) -> [Dataset] {
        guard size >= 1 else { throw DataError("batch size must be ≥ 1, got \(size)") }
        let order = shuffle ? rng.permutation(count) : Array(0..<count)
        return try tensorSafe { () throws(TensorError) in
            try stride(from: 0, to: count, by: size).map { (lo) throws(TensorError) in try selecting(Array(order[lo..<Swift.min(lo + size, count)])) }
        }
    }

    /// Runs a feature-gathering step, reporting a tensor failure as a data error.
    public func tensorSafe<T>(_ body: () throws(TensorError) -> T) throws(DataError) -> T {
        do {
            return try body()
        } catch {
            throw DataError("\(error.op): \(error.message)", hint: error.hint)
        }
    }
}
