import PrefCore

/// Pairwise, joint, unpaired and arena labels (spec §9.3). Every row consumes a fixed number of
/// draws whatever ε, κ or τ are, so worlds that differ only in those knobs label the same
/// pairs with coupled randomness (e.g. raising ε only adds flips).
extension ToyWorld {
    /// n pairs: a prompt uniform in the split, two distinct candidates uniform among its K,
    /// a ≻ b with probability σ((u(a) − u(b))/τ + κ(u_a v_b − v_a u_b)), then the label flipped
    /// with probability ε. Draws per row: prompt, a, b, judge (random groups only), label, flip.
    /// `top` draws a and b among the prompt's `top` best candidates by gold instead (pairs with
    /// small gaps among good responses, the setting of reward-augmented relabelling, §6.13).
    public func pairs(_ n: Int, labeller: Labeller = .randomGroup, split: Split = .train, top: Int? = nil,
                      rng: inout RandomStream) throws(TensorError) -> ToyRows.Pairs {
        try checkRequest("pairs", rows: n, labeller: labeller, split: split)
        let k = config.candidates, m = top ?? k
        guard (2...k).contains(m) else { throw TensorError(op: "pairs", "top must be 2…\(k) (the candidates per prompt), not \(m)") }
        var rows = ToyRows.Pairs()
        rows.reserve(n)
        let range = prompts(split)
        var best = [Int: [Int]]()
        for _ in 0..<n {
            let p = range.lowerBound + rng.uniformInt(below: range.count)
            let a = rng.uniformInt(below: m)
            var b = rng.uniformInt(below: m - 1)
            if b >= a { b += 1 }
            let judge = judge(labeller, prompt: p, rng: &rng)
            if m == k {
                rows.append(labelled(p * k + a, p * k + b, judge: judge, rng: &rng))
            } else {
                let order = best[p] ?? (0..<k).sorted { gold[p * k + $0] > gold[p * k + $1] }
                best[p] = order
                rows.append(labelled(p * k + order[a], p * k + order[b], judge: judge, rng: &rng))
            }
        }
        return rows
    }

    /// n joint pairs (DOVE, §6.11): two different prompts of the split, one uniform candidate
    /// each, labelled by absolute utility with the same model as `pairs`. A split with one
    /// prompt gives same-prompt pairs.
    public func jointPairs(_ n: Int, labeller: Labeller = .randomGroup, split: Split = .train,
                           rng: inout RandomStream) throws(TensorError) -> ToyRows.Pairs {
        try checkRequest("joint", rows: n, labeller: labeller, split: split)
        var rows = ToyRows.Pairs()
        rows.reserve(n)
        let range = prompts(split), k = config.candidates, count = range.count
        for _ in 0..<n {
            let p1 = rng.uniformInt(below: count)
            var p2 = rng.uniformInt(below: Swift.max(count - 1, 1))
            if count > 1, p2 >= p1 { p2 += 1 }
            let a = (range.lowerBound + p1) * k + rng.uniformInt(below: k)
            var b = (range.lowerBound + p2) * k + rng.uniformInt(below: k)
            if b == a { b = (range.lowerBound + p2) * k + (a % k + 1) % k }
            let judge = judge(labeller, prompt: range.lowerBound + p1, rng: &rng)
            rows.append(labelled(a, b, judge: judge, rng: &rng))
        }
        return rows
    }

    /// One labelled pair: a wins when u < P(a ≻ b) before noise; the flip uniform is always
    /// drawn. `probability` is the noisy P(chosen ≻ rejected).
    func labelled(_ a: Int, _ b: Int, judge: Judge, rng: inout RandomStream) -> ToyRows.Pairs.Row {
        let pa = Self.sigmoid(preferenceLogit(a, b, judge: judge))
        let aWins = rng.uniform() < pa
        let flip = rng.uniform() < config.noise
        let chosenIsA = aWins != flip
        let pChosen = chosenIsA ? pa : 1 - pa
        let noisy = (1 - config.noise) * pChosen + config.noise * (1 - pChosen)
        return .init(chosen: chosenIsA ? a : b, rejected: chosenIsA ? b : a,
                     annotator: Self.annotatorID(judge), flipped: flip, probability: noisy)
    }

    /// n unpaired labels (KTO/BCO): desirable iff u(y) > median_y' u(y') + noise, the median
    /// over the prompt's candidates and the noise logistic with scale τ_ann, i.e. desirable
    /// with probability σ((u(y) − median)/τ_ann); then flipped with probability ε. About half
    /// of all labels are desirable.
    public func unpaired(_ n: Int, labeller: Labeller = .randomGroup, split: Split = .train,
                         rng: inout RandomStream) throws(TensorError) -> ToyRows.Unpaired {
        try checkRequest("unpaired", rows: n, labeller: labeller, split: split)
        var rows = ToyRows.Unpaired()
        let range = prompts(split), k = config.candidates
        for _ in 0..<n {
            let p = range.lowerBound + rng.uniformInt(below: range.count)
            let y = p * k + rng.uniformInt(below: k)
            let judge = judge(labeller, prompt: p, rng: &rng)
            let good = rng.uniform() < Self.sigmoid((utility(judge, y) - median(judge, prompt: p)) / config.temperature)
            let flip = rng.uniform() < config.noise
            rows.candidate.append(y)
            rows.desirable.append(good != flip)
            rows.annotator.append(Self.annotatorID(judge))
            rows.flipped.append(flip)
        }
        return rows
    }

    /// n arena comparisons between two distinct responses to one prompt, labelled as `pairs`;
    /// a tie when |u(a) − u(b)| < `tie` (no tie when `tie` is 0). Aggregated by (winner,
    /// loser, tie) with counts, so a Bradley–Terry fit recovers u up to a per-prompt offset.
    public func comparisons(_ n: Int, tie: Double = 0, labeller: Labeller = .randomGroup, split: Split = .train,
                            rng: inout RandomStream) throws(TensorError) -> ToyRows.Comparisons {
        guard tie.isFinite, tie >= 0, tie <= Config.maxMagnitude else {
            throw TensorError(op: "comparisons", "tie must be a finite number ≥ 0, got \(tie)")
        }
        let pairs = try pairs(n, labeller: labeller, split: split, rng: &rng)
        var rows = ToyRows.Comparisons()
        var index: [Int: Int] = [:]
        let m = gold.count
        for i in 0..<pairs.count {
            let (w, l) = (pairs.chosen[i], pairs.rejected[i])
            let judge: Judge = pairs.annotator[i] < 0 ? .gold : .group(pairs.annotator[i])
            let isTie = abs(utility(judge, w) - utility(judge, l)) < tie
            let (first, second) = isTie ? (Swift.min(w, l), Swift.max(w, l)) : (w, l)
            let key = (first * m + second) * 2 + (isTie ? 1 : 0)
            if let r = index[key] {
                rows.count[r] += 1
            } else {
                index[key] = rows.winner.count
                rows.winner.append(first)
                rows.loser.append(second)
                rows.tie.append(isTie)
                rows.count.append(1)
            }
        }
        return rows
    }
}

extension ToyRows.Pairs {
    struct Row {
        var chosen: Int, rejected: Int, annotator: Int, flipped: Bool, probability: Double
    }

    mutating func append(_ r: Row) {
        chosen.append(r.chosen)
        rejected.append(r.rejected)
        annotator.append(r.annotator)
        flipped.append(r.flipped)
        probability.append(r.probability)
    }

    mutating func reserve(_ n: Int) {
        chosen.reserveCapacity(n)
        rejected.reserveCapacity(n)
        annotator.reserveCapacity(n)
        flipped.reserveCapacity(n)
        probability.reserveCapacity(n)
    }
}
