import PrefCore

/// Toy rows as `Dataset`s (the data model of DESIGN.md §3 Data). Texts name things: a prompt is
/// "prompt 17", a response "p17-c3" in the candidate view and its tokens ("t3 t9 t1") in the
/// token view. The exact numbers travel as feature tensors, which every transform keeps in step
/// with the rows: q of each response (f32, [n, d_q]), x of the prompt ([n, d_x]), and the
/// response's candidate index ("…_id", [n]) for looking up gold, utilities and lengths.
extension ToyWorld {
    /// Extra per-row scores on pairs (`score_chosen`, `score_rejected`), e.g. for relabeling
    /// (spec §6.13: r = judge scores).
    public enum PairScores: String, Sendable, CaseIterable {
        case none, gold, judge, grade
        /// The judge's score graded like the gold: grade(gold + N(0, σ_judge²)), 0…grades−1 (a
        /// noisy judge on a discrete scale, as the paper's 1–10 ratings).
        case judgeGrade = "judge_grade"
    }

    /// "prompt 17".
    public func promptText(_ p: Int) -> PrefText { .plain("prompt \(p)") }

    /// "p17-c3" (candidate view) or the tokens "t3 t9 t1" (token view).
    public func responseText(_ i: Int) -> PrefText {
        if tokens.isEmpty { return .plain("p\(i / config.candidates)-c\(i % config.candidates)") }
        return .plain(tokens(of: i).map { "t\($0)" }.joined(separator: " "))
    }

    func prompt(of i: Int) -> Int { i / config.candidates }

    /// q of the candidates, [n, d_q] f32.
    public func featureTensor(_ ids: [Int], dtype: DType = .f32) throws(TensorError) -> Tensor {
        let d = config.featureDim
        var out = [Double]()
        out.reserveCapacity(ids.count * d)
        for i in ids { out += features[(i * d)..<((i + 1) * d)] }
        return try Tensor(out, shape: [ids.count, d], dtype: dtype)
    }

    /// x of the candidates' prompts, [n, d_x] f32.
    public func promptTensor(_ ids: [Int]) throws(TensorError) -> Tensor {
        let dx = config.promptDim
        var out = [Double]()
        out.reserveCapacity(ids.count * dx)
        for i in ids { let p = prompt(of: i); out += promptFeatures[(p * dx)..<((p + 1) * dx)] }
        return try Tensor(out, shape: [ids.count, dx])
    }

    static func idTensor(_ ids: [Int]) -> Tensor { Tensor(ids.map(Double.init), dtype: .f64) }

    static func annotatorName(_ id: Int) -> String { id < 0 ? "gold" : "g\(id)" }

    /// Pairs (ordinary or joint) as a `pairs` dataset. Joint pairs (different prompts) use TRL's
    /// implicit-prompt form: the empty prompt, each prompt folded into its response's text.
    public func dataset(_ rows: ToyRows.Pairs, scores: PairScores = .none, rng: inout RandomStream) throws(TensorError) -> Dataset {
        var out = [PairRow]()
        out.reserveCapacity(rows.count)
        for r in 0..<rows.count {
            let (c, j) = (rows.chosen[r], rows.rejected[r])
            let joint = prompt(of: c) != prompt(of: j)
            var row = PairRow(prompt: joint ? .empty : promptText(prompt(of: c)),
                              chosen: joint ? responseText(c).prefixed(by: .plain("prompt \(prompt(of: c))\n")) : responseText(c),
                              rejected: joint ? responseText(j).prefixed(by: .plain("prompt \(prompt(of: j))\n")) : responseText(j),
                              annotator: Self.annotatorName(rows.annotator[r]))
            if scores != .none {
                row.scoreChosen = score(c, scores, rng: &rng)
                row.scoreRejected = score(j, scores, rng: &rng)
            }
            out.append(row)
        }
        var f = FeatureSet([("chosen", try featureTensor(rows.chosen)), ("rejected", try featureTensor(rows.rejected))])
        if rows.chosen.indices.contains(where: { prompt(of: rows.chosen[$0]) != prompt(of: rows.rejected[$0]) }) {
            f["chosen_prompt"] = try promptTensor(rows.chosen)
            f["rejected_prompt"] = try promptTensor(rows.rejected)
        } else {
            f["prompt"] = try promptTensor(rows.chosen)
        }
        f["chosen_id"] = Self.idTensor(rows.chosen)
        f["rejected_id"] = Self.idTensor(rows.rejected)
        return Dataset(.pairs(out), features: f)
    }

    func score(_ i: Int, _ kind: PairScores, rng: inout RandomStream) -> Double? {
        switch kind {
        case .none: nil
        case .gold: gold[i]
        case .judge: gold[i] + config.judgeNoise * rng.normal()
        case .grade: Double(grade(gold[i]))
        case .judgeGrade: Double(grade(gold[i] + config.judgeNoise * rng.normal()))
        }
    }

    /// Unpaired rows with features "completion", "prompt" and "completion_id".
    public func dataset(_ rows: ToyRows.Unpaired) throws(TensorError) -> Dataset {
        let out = (0..<rows.count).map { r in
            UnpairedRow(prompt: promptText(prompt(of: rows.candidate[r])), completion: responseText(rows.candidate[r]),
                        label: rows.desirable[r], annotator: Self.annotatorName(rows.annotator[r]))
        }
        let f = FeatureSet([("completion", try featureTensor(rows.candidate)), ("prompt", try promptTensor(rows.candidate)),
                            ("completion_id", Self.idTensor(rows.candidate))])
        return Dataset(.unpaired(out), features: f)
    }

    /// Ranked lists in the order they were drawn, with ranks (1 = best) or scores, so the
    /// position in the list says nothing; features "responses" [n, m, d_q].
    public func dataset(_ rows: ToyRows.Ranked, rng: inout RandomStream) throws(TensorError) -> Dataset {
        var out = [RankedRow](), ids = [Int]()
        for r in 0..<rows.count {
            let best = rows.candidates[r], m = best.count
            let shown = rng.permutation(m)
            let responses = shown.map { responseText(best[$0]) }
            ids += shown.map { best[$0] }
            let prompt = promptText(prompt(of: best[0]))
            if let scores = rows.scores?[r] {
                out.append(RankedRow(prompt: prompt, responses: responses, scores: shown.map { scores[$0] }))
            } else {
                out.append(RankedRow(prompt: prompt, responses: responses, ranks: shown.map { $0 + 1 }))
            }
        }
        let m = rows.candidates.first?.count ?? 0, d = config.featureDim
        let q = try featureTensor(ids).reshaped([rows.count, m, d])
        let firsts = rows.candidates.map { $0.first ?? 0 }
        let f = FeatureSet([("responses", q), ("prompt", try promptTensor(firsts)),
                            ("responses_id", try Self.idTensor(ids).reshaped([rows.count, m]))])
        return Dataset(.ranked(out), features: f)
    }

    /// Ratings rows (annotator "judge") with features "response", "prompt" and "response_id".
    public func dataset(_ rows: ToyRows.Ratings) throws(TensorError) -> Dataset {
        let out = (0..<rows.count).map { r in
            RatingRow(prompt: promptText(prompt(of: rows.candidate[r])), response: responseText(rows.candidate[r]),
                      scores: rows.aspects.indices.map { AspectScore(rows.aspects[$0], rows.scores[$0][r]) }, annotator: "judge")
        }
        let f = FeatureSet([("response", try featureTensor(rows.candidate)), ("prompt", try promptTensor(rows.candidate)),
                            ("response_id", Self.idTensor(rows.candidate))])
        return Dataset(.ratings(out), features: f)
    }

    /// Comparison rows between named responses, with "winner_id" and "loser_id".
    public func dataset(_ rows: ToyRows.Comparisons) -> Dataset {
        let out = (0..<rows.rows).map { r in
            ComparisonRow(winner: responseName(rows.winner[r]), loser: responseName(rows.loser[r]), tie: rows.tie[r], count: Double(rows.count[r]))
        }
        return Dataset(.comparisons(out), features: FeatureSet([("winner_id", Self.idTensor(rows.winner)), ("loser_id", Self.idTensor(rows.loser))]))
    }

    /// A response's name for leaderboards: "p17-c3" in both views.
    public func responseName(_ i: Int) -> String { "p\(i / config.candidates)-c\(i % config.candidates)" }

    /// Log-prob rows with the lengths ℓ (tokens) of both responses.
    public func dataset(_ rows: ToyRows.Logps) throws(TensorError) -> Dataset {
        let p = rows.pairs
        let out = (0..<rows.count).map { r in
            LogpsRow(policyChosen: rows.policyChosen[r], policyRejected: rows.policyRejected[r],
                     refChosen: rows.referenceChosen[r], refRejected: rows.referenceRejected[r],
                     chosenLength: Double(lengths[p.chosen[r]]), rejectedLength: Double(lengths[p.rejected[r]]))
        }
        let f = FeatureSet([("chosen", try featureTensor(p.chosen)), ("rejected", try featureTensor(p.rejected)),
                            ("prompt", try promptTensor(p.chosen)),
                            ("chosen_id", Self.idTensor(p.chosen)), ("rejected_id", Self.idTensor(p.rejected))])
        return Dataset(.logps(out), features: f)
    }
}
