import PrefCore

extension ToyWorld {
    /// How a candidate's quality features q are produced (spec §9.1): the two views share the
    /// candidates (lengths, styles, gold formula); they differ in where q comes from.
    public enum View: String, Sendable, CaseIterable, Codable {
        /// q ~ N(A·x, I): the features are drawn directly.
        case candidate
        /// q = mean of the candidate's token embeddings + noise; the tokens are drawn from the
        /// prompt's token distribution softmax(E·A·x).
        case token
    }

    /// The annotators' utility form (spec §9.3).
    public enum UtilityForm: String, Sendable, CaseIterable, Codable {
        /// u_g = (w* + Δ_g)·q − λ_ann‖q‖² + b_len·ℓ − c_ℓ(ℓ − ℓ*)².
        case linear
        /// PAL-A's ideal point: u_g = −‖q − a_g‖ + b_len·ℓ − c_ℓ(ℓ − ℓ*)² with
        /// a_g = (w* + Δ_g)/(2λ), the maximiser of the linear form's quality part.
        case idealPoint = "ideal_point"
    }

    /// How the siblings of a preference tree share the steps before the last (spec §6.10's toy).
    public enum SharedSteps: String, Sendable, CaseIterable, Codable {
        /// The same tokens as sibling 0.
        case identical
        /// Paraphrases: each shared token of sibling 0, or with probability 1/2 its synonym (the
        /// other token of its pair: non-sentiment tokens pair up as (s, s+1), (s+2, s+3), …, s the
        /// sentiment tokens, and a pair shares one embedding). Same meaning and gold, other tokens.
        case paraphrased
    }

    /// Every knob of spec §9 with its documented default. Knobs the spec leaves open carry the
    /// default named in their comment, and `docs/design.md` records why.
    public struct Config: Sendable, Equatable, Codable {
        /// The seed of every draw: the same seed and knobs give the same world, bit for bit.
        public var seed: UInt64 = 0
        /// P_train and P_test (§9.1: 200 and 100).
        public var prompts = 200
        public var testPrompts = 100
        /// d_x, the prompt feature dimension (§9.1: 4); x ~ N(0, I).
        public var promptDim = 4
        /// The number of prompt clusters c(x), a fixed k-means partition (§9.1: 3).
        public var clusters = 3
        /// K, candidates per prompt (§9.1: 1024 for best-of-n, 16–64 for direct alignment;
        /// default 64).
        public var candidates = 64
        /// d_q, the quality feature dimension (§9.1: 6).
        public var featureDim = 6
        /// Lengths ℓ are uniform on 1...maxLength (§9.1: 8).
        public var maxLength = 8
        public var view: View = .candidate
        /// Token view: vocabulary size V (16), tokens per TPO step (2), sentiment tokens (2),
        /// their embedding scale s (e = ±s·w*, default 2) and the feature noise σ_tok of
        /// q = mean(e_t) + σ_tok·ε (default 0.3).
        public var vocabulary = 16
        public var stepTokens = 2
        public var sentimentTokens = 2
        public var sentimentScale = 2.0
        public var tokenNoise = 0.3
        /// Token view: preference trees (spec §6.10's toy). 0: independent candidates; b ≥ 2: each
        /// prompt's K candidates are K/b trees of b leaves, all max_length tokens long, siblings
        /// sharing every step but the last and differing in it.
        public var branches = 0
        /// Tree worlds: identical shared steps (the default) or paraphrased ones.
        public var sharedSteps: SharedSteps = .identical
        /// Gold reward r* = w*·q − λ‖q‖² − c_ℓ(ℓ − ℓ*)² (§9.2: λ = 0.4, ℓ* = 4, c_ℓ = 0.05).
        public var lambda = 0.4
        public var targetLength = 4.0
        public var lengthCost = 0.05
        /// G annotator groups (§9.3: 3) and the diversity ‖Δ_g‖ (default 0.5).
        public var groups = 3
        public var diversity = 0.5
        public var utility: UtilityForm = .linear
        /// λ_ann, the annotators' penalty on ‖q‖² (nil: the gold's λ; 0: §9.3's literal form).
        public var annotatorLambda: Double? = nil
        /// b_len, the shared length bias (§9.3: 0; > 0 for length-hacking experiments).
        public var lengthBias = 0.0
        /// τ_ann, the label temperature (default 1, Appendix A's σ(r*_a − r*_b)).
        public var temperature = 1.0
        /// κ, the weight of the skew-symmetric cyclic term (§9.3: 0; > 0 for GPM).
        public var kappa = 0.0
        /// ε, the label flip probability (§9.3: 0; 0.25 for noisy-label experiments).
        public var noise = 0.0
        /// N component rewards r_i = w_i·q with pairwise cosine ρ (§9.4: N = 2, ρ = 0).
        public var components = 2
        public var rho = 0.0
        /// Graded labels: the number of gold grades (§9.3: 0–4, so 5) and the judge's noise
        /// std (judge = gold + N(0, σ_judge²), default 0.5).
        public var grades = 5
        public var judgeNoise = 0.5

        /// The defaults of spec §9.
        public init() {}

        /// The annotators' ‖q‖² penalty in effect.
        public var effectiveAnnotatorLambda: Double { annotatorLambda ?? lambda }

        /// All prompts, train then test.
        public var totalPrompts: Int { prompts + testPrompts }

        /// The largest K: 2^20 candidates per prompt, and at most 2^24 candidates in all.
        public static let maxCandidates = 1 << 20
        public static let maxTotalCandidates = 1 << 24
        /// At most 2^27 stored numbers per world (1 GiB of f64).
        public static let maxStoredValues = 1 << 27
        /// Real knobs are bounded in magnitude so that every reward stays finite.
        public static let maxMagnitude = 1e6

        /// Checks every knob; the error names the knob by its pref keyword with a hint.
        public func validate() throws(TensorError) {
            try Self.count("prompts", prompts, min: 1, max: 1 << 20)
            try Self.count("test_prompts", testPrompts, min: 0, max: 1 << 20)
            try Self.count("prompt_dim", promptDim, min: 1, max: 64)
            try Self.count("clusters", clusters, min: 1, max: Swift.min(prompts, 64), hint: "at most 64, and at most one cluster per training prompt")
            try Self.count("candidates", candidates, min: 2, max: Self.maxCandidates, hint: "pairs need at least 2 candidates per prompt")
            guard candidates * totalPrompts <= Self.maxTotalCandidates else {
                throw Self.error("\(totalPrompts) prompts × \(candidates) candidates is more than \(Self.maxTotalCandidates) candidates",
                                 hint: "use fewer prompts or candidates")
            }
            try Self.count("feature_dim", featureDim, min: 3, max: 64, hint: "w* spans three basis directions, so feature_dim ≥ 3")
            try Self.count("max_length", maxLength, min: 1, max: 64)
            try Self.count("vocabulary", vocabulary, min: sentimentTokens + 1, max: 4096,
                           hint: "the vocabulary needs the \(sentimentTokens) sentiment tokens and at least one other")
            try Self.count("step_tokens", stepTokens, min: 1, max: maxLength)
            try validateBranches()
            try Self.count("sentiment_tokens", sentimentTokens, min: 0, max: 2, hint: "0, 1 (positive) or 2 (positive and negative)")
            try Self.count("groups", groups, min: 1, max: 64)
            try Self.count("components", components, min: 1, max: featureDim, hint: "component directions live in R^\(featureDim)")
            try Self.count("grades", grades, min: 2, max: 101)
            let stored = candidates * totalPrompts * (featureDim + groups + components + (view == .token ? maxLength : 0) + 4)
            guard stored <= Self.maxStoredValues else {
                throw Self.error("the world would hold \(stored) numbers, more than the limit of \(Self.maxStoredValues)",
                                 hint: "use fewer prompts, candidates, groups or features")
            }
            try Self.finite("lambda", lambda, min: 0)
            try Self.finite("target_length", targetLength)
            try Self.finite("length_cost", lengthCost, min: 0)
            try Self.finite("diversity", diversity, min: 0)
            if let annotatorLambda { try Self.finite("annotator_lambda", annotatorLambda, min: 0) }
            try Self.finite("length_bias", lengthBias)
            try Self.finite("kappa", kappa)
            try Self.finite("sentiment_scale", sentimentScale, min: 0)
            try Self.finite("token_noise", tokenNoise, min: 0)
            try Self.finite("judge_noise", judgeNoise, min: 0)
            guard temperature.isFinite, temperature > 0 else {
                throw Self.error("temperature must be a finite number > 0, got \(temperature)", hint: "τ divides utility differences")
            }
            guard noise.isFinite, (0...0.5).contains(noise) else {
                throw Self.error("noise must be in [0, 0.5], got \(noise)", hint: "ε is a flip probability; above 0.5 labels mean the opposite")
            }
            guard rho.isFinite, (-1...1).contains(rho) else {
                throw Self.error("rho must be in [-1, 1], got \(rho)", hint: "ρ is the cosine between component directions")
            }
            if components > 1, rho < -1 / Double(components - 1) - 1e-12 {
                throw Self.error("rho = \(rho) is impossible for \(components) components",
                                 hint: "\(components) unit vectors with equal pairwise cosine need ρ ≥ −1/(N−1) = \(-1 / Double(components - 1))")
            }
            if utility == .idealPoint, lambda <= 0 {
                throw Self.error("utility \"ideal_point\" needs lambda > 0", hint: "the ideal point is (w* + Δ_g)/(2λ)")
            }
        }

        /// Trees need the token view, whole trees per prompt and enough distinct last steps.
        func validateBranches() throws(TensorError) {
            if sharedSteps == .paraphrased, branches == 0 {
                throw Self.error("shared_steps \"paraphrased\" needs preference trees", hint: "toy_world(view: \"token\", branches: 4, shared_steps: \"paraphrased\")")
            }
            guard branches != 0 else { return }
            try Self.count("branches", branches, min: 2, max: candidates, hint: "0 (no trees) or the leaves per tree, 2…K")
            guard view == .token else { throw Self.error("branches needs the token view", hint: "toy_world(view: \"token\", branches: \(branches))") }
            guard candidates % branches == 0 else {
                throw Self.error("candidates (\(candidates)) must be a multiple of branches (\(branches))", hint: "each prompt's candidates are whole trees")
            }
            guard branches <= distinctLastSteps else {
                throw Self.error("\(branches) siblings cannot differ in a last step of \(lastStepTokens) tokens over \(vocabulary) tokens",
                                 hint: "use fewer branches or a larger vocabulary")
            }
        }

        /// Paraphrased worlds: the synonym of token t (t itself for sentiment tokens and for the
        /// last token of an odd count of non-sentiment tokens).
        public func synonym(of t: Int) -> Int {
            guard sharedSteps == .paraphrased, t >= sentimentTokens else { return t }
            let u = sentimentTokens + ((t - sentimentTokens) ^ 1)
            return u < vocabulary ? u : t
        }

        /// Tree worlds: the tokens of the last step, (max_length − 1) mod step_tokens + 1.
        public var lastStepTokens: Int { (maxLength - 1) % stepTokens + 1 }

        /// V^lastStepTokens, capped at 2^20 (more than any K).
        var distinctLastSteps: Int {
            var n = 1
            for _ in 0..<lastStepTokens where n <= Self.maxCandidates { n *= vocabulary }
            return n
        }

        static func error(_ message: String, hint: String? = nil) -> TensorError {
            TensorError(op: "toy_world", message, hint: hint)
        }

        static func count(_ name: String, _ value: Int, min: Int, max: Int, hint: String? = nil) throws(TensorError) {
            guard value >= min, value <= max else {
                throw error("\(name) must be between \(min) and \(max), got \(value)", hint: hint)
            }
        }

        static func finite(_ name: String, _ value: Double, min: Double = -.infinity) throws(TensorError) {
            guard value.isFinite, abs(value) <= maxMagnitude else {
                throw error("\(name) must be a finite number of magnitude at most 1e6, got \(value)")
            }
            guard value >= min else { throw error("\(name) must be ≥ \(min), got \(value)") }
        }
    }
}
