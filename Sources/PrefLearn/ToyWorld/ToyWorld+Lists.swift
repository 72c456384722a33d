import PrefCore

/// Ranked lists and graded ratings (spec §9.3 "graded labels", §6.9 listwise, §6.13 relabeling).
extension ToyWorld {
    /// n ranked lists of `size` distinct candidates of one prompt, best first.
    /// - `.annotator`: Plackett–Luce, i.e. sorted by u/τ_ann + Gumbel noise (the cyclic term has
    ///   no listwise form and is not used); with probability ε the list is shuffled instead.
    /// - `.judge`: sorted by the judge's score r* + N(0, σ_judge²), scores attached.
    /// - `.grade`: sorted by the gold's grade 0…grades−1, grades attached.
    /// With `tree`, a list is `size` leaves of one random tree (a world with `branches`).
    public func ranked(_ n: Int, size: Int = 4, by source: RankingSource = .annotator,
                       labeller: Labeller = .randomGroup, split: Split = .train, tree: Bool = false,
                       rng: inout RandomStream) throws(TensorError) -> ToyRows.Ranked {
        try checkRequest(tree ? "trees" : "ranked", rows: n, labeller: labeller, split: split)
        let pool = tree ? config.branches : config.candidates
        guard !tree || pool > 0 else {
            throw TensorError(op: "trees", "the world has no trees", hint: "toy_world(view: \"token\", branches: 4)")
        }
        guard (2...pool).contains(size) else {
            throw TensorError(op: tree ? "trees" : "ranked", "size must be between 2 and the \(pool) \(tree ? "leaves per tree" : "candidates per prompt"), got \(size)")
        }
        guard n * size <= Self.maxRows else {
            throw TensorError(op: "ranked", "\(n) lists of \(size) responses are more than \(Self.maxRows) responses in all")
        }
        var rows = ToyRows.Ranked()
        var allScores = [[Double]]()
        let range = prompts(split), k = config.candidates
        for _ in 0..<n {
            let p = range.lowerBound + rng.uniformInt(below: range.count)
            let root = tree ? p * k + pool * rng.uniformInt(below: k / pool) : p * k
            let picked = (try rng.choice(pool, count: size)).map { root + $0 }
            let judge = judge(labeller, prompt: p, rng: &rng)
            var keys = [Double](), scores = [Double]()
            for y in picked {
                let noise = rng.normal()
                switch source {
                case .annotator:
                    keys.append(utility(judge, y) / config.temperature + rng.gumbel())
                case .judge:
                    scores.append(gold[y] + config.judgeNoise * noise)
                    keys.append(scores.last!)
                case .grade:
                    scores.append(Double(grade(gold[y])))
                    // A uniform tiebreak so equal grades come in random order.
                    keys.append(scores.last! + 0.5 * rng.uniform())
                }
            }
            var order = Array(0..<size).sorted { keys[$0] > keys[$1] }
            let shuffle = rng.uniform() < config.noise
            if source == .annotator, shuffle { rng.shuffle(&order) }
            rows.candidates.append(order.map { picked[$0] })
            rows.annotator.append(source == .annotator ? Self.annotatorID(judge) : -1)
            if source != .annotator { allScores.append(order.map { scores[$0] }) }
        }
        if source != .annotator { rows.scores = allScores }
        return rows
    }

    /// n ratings of single responses (uniform prompt and candidate): aspect "quality" is the
    /// gold's grade (`.quantized`) or the judge's score r* + N(0, σ_judge²) (`.judge`); aspects
    /// "r1"…"rN" are the component rewards r_i = w_i·q plus N(0, σ_judge²).
    public func ratings(_ n: Int, grading: Grading = .quantized, split: Split = .train,
                        rng: inout RandomStream) throws(TensorError) -> ToyRows.Ratings {
        try checkRequest("ratings", rows: n, labeller: .gold, split: split)
        let components = config.components, m = gold.count
        var rows = ToyRows.Ratings()
        rows.aspects = ["quality"] + (1...components).map { "r\($0)" }
        rows.scores = Array(repeating: [], count: 1 + components)
        let range = prompts(split), k = config.candidates
        for _ in 0..<n {
            let p = range.lowerBound + rng.uniformInt(below: range.count)
            let y = p * k + rng.uniformInt(below: k)
            rows.candidate.append(y)
            let noise = rng.normal()
            rows.scores[0].append(grading == .quantized ? Double(grade(gold[y])) : gold[y] + config.judgeNoise * noise)
            for i in 0..<components {
                rows.scores[1 + i].append(componentRewards[i * m + y] + config.judgeNoise * rng.normal())
            }
        }
        return rows
    }
}
