import PrefCore

/// The General Preference Model (Zhang, Zhang, Wu, Xu, Gu; ICML 2025; spec algorithms.md §4.1).
///
/// Each response gets a preference embedding v = f(y) ∈ R^{2k} from a value head (`RichRewardMap`
/// over the response's features), optionally L2-normalised to unit norm. The score of y_i over
/// y_j applies the skew-symmetric block operator R^≻ = blockdiag([[0, −1], [1, 0]] × k):
///
///     s(y_i ≻ y_j | x) = ⟨R^≻ v_i, v_j⟩ / τ = Σ_l λ_l(x)(v_i^{(2l−1)} v_j^{(2l)} − v_i^{(2l)} v_j^{(2l−1)}) / τ
///     P(y_i ≻ y_j | x) = σ(s(y_i ≻ y_j | x))
///
/// so s(i ≻ j) = −s(j ≻ i) and s(i ≻ i) = 0 by construction, and cycles (a ≻ b ≻ c ≻ a) are
/// representable, unlike with any scalar reward. The optional prompt gate is the released
/// code's eigenvalue scale λ(x) = k·softmax(x W_p / √d_x) ≥ 0 (without it every λ_l = 1). The
/// loss is −log σ(s(y_w ≻ y_l | x)) averaged over pairs.
///
/// Readings where the spec is open: τ defaults to 0.1 (Appendix A's prototype and the code's
/// high-dimensional loss, with unit-norm embeddings); normalisation defaults on (the paper) and
/// divides by √(‖v‖² + 10⁻¹²) so that v = 0 has a gradient; the gate reads the prompt's features
/// x (the toy world has no hidden states).
public final class GpmModel: @unchecked Sendable {
    public struct Config: Sendable, Equatable {
        /// k, the number of 2-D blocks: embeddings have 2k numbers.
        public var dims = 2
        /// Hidden tanh units of the value head; 0 for an affine head.
        public var hidden = 0
        /// Whether λ(x) depends on the prompt (needs prompt features).
        public var gate = false
        /// Whether embeddings are scaled to unit norm.
        public var normalize = true
        /// τ, the temperature dividing the skew score.
        public var temperature = 0.1
        public init() {}

        func validate() throws(TensorError) {
            guard (1...256).contains(dims) else { throw TensorError(op: "gpm", "dims must be 1…256, got \(dims)") }
            guard (0...4096).contains(hidden) else { throw TensorError(op: "gpm", "hidden must be 0…4096, got \(hidden)") }
            guard temperature.isFinite, temperature > 0, temperature <= 1e6 else {
                throw TensorError(op: "gpm", "temperature must be a number > 0, got \(temperature)", hint: "τ divides the skew score")
            }
        }
    }

    public let config: Config
    public let featureDim: Int
    /// d_x of the gate's prompt features (0 without a gate).
    public let promptDim: Int
    public let head: RichRewardMap
    /// W_p, [d_x, k], when gated.
    public let gateWeights: Parameter?
    /// The loss of every training epoch.
    public private(set) var history: [Double] = []

    /// A fresh model over responses with `featureDim` features (and prompts with `promptDim`
    /// features when gated); weights from the Philox stream "gpm" of `seed`.
    public init(featureDim: Int, promptDim: Int = 0, config: Config = Config(), seed: UInt64 = 0) throws(TensorError) {
        try config.validate()
        if config.gate, promptDim < 1 {
            throw TensorError(op: "gpm", "the prompt gate needs prompt features", hint: "give prompts, or gate: false")
        }
        self.config = config
        self.featureDim = featureDim
        self.promptDim = config.gate ? promptDim : 0
        var rng = RandomStream(seed: seed, stream: "gpm")
        head = try RichRewardMap(inputDim: featureDim, outputDim: 2 * config.dims, hidden: config.hidden, name: "gpm.head", rng: &rng)
        gateWeights = config.gate
            ? Parameter(rng.normalTensor([promptDim, config.dims], std: 1 / Double(promptDim).squareRoot(), dtype: .f64), name: "gpm.gate")
            : nil
    }

    /// The trainable parameters: the head's, then W_p.
    public var parameters: [Parameter] { head.parameters + (gateWeights.map { [$0] } ?? []) }

    /// v = f(y), [B, 2k], unit-norm when `normalize`.
    public func embed(_ y: Var, _ p: [Var]) throws(TensorError) -> Var {
        let v = try head.apply(y, p[0..<head.parameters.count])
        guard config.normalize else { return v }
        return try v / (v.square().sum(axis: 1, keepDims: true) + 1e-12).sqrt()
    }

    /// λ(x) = k·softmax(x W_p / √d_x), [B, k]; nil without a gate.
    public func gate(_ prompts: Var?, _ p: [Var]) throws(TensorError) -> Var? {
        guard config.gate else { return nil }
        guard let prompts, prompts.shape.rank == 2, prompts.shape[1] == promptDim else {
            throw TensorError(op: "gpm", "the gated model needs prompt features of shape [n, \(promptDim)]")
        }
        let logits = try prompts.matmul(p[head.parameters.count]) / Double(promptDim).squareRoot()
        return try logits.softmax(axis: -1) * Double(config.dims)
    }

    /// Σ_l λ_l (v_i^{(2l−1)} v_j^{(2l)} − v_i^{(2l)} v_j^{(2l−1)}) for embeddings [B, 2k], [B]
    /// (λ = 1 when `lambda` is nil): ⟨R^≻ v_i, v_j⟩ batched.
    public static func skewProduct(_ vi: Var, _ vj: Var, lambda: Var?) throws(TensorError) -> Var {
        let b = vi.shape[0], k = vi.shape[1] / 2
        let a = try vi.reshaped([b, k, 2]), c = try vj.reshaped([b, k, 2])
        let a1 = try a.slice(axis: 2, start: 0, end: 1).reshaped([b, k]), a2 = try a.slice(axis: 2, start: 1, end: 2).reshaped([b, k])
        let c1 = try c.slice(axis: 2, start: 0, end: 1).reshaped([b, k]), c2 = try c.slice(axis: 2, start: 1, end: 2).reshaped([b, k])
        let blocks = try a1 * c2 - a2 * c1
        guard let lambda else { return try blocks.sum(axis: 1) }
        return try (blocks * lambda).sum(axis: 1)
    }

    /// s(a ≻ b | x) = ⟨R^≻ v_a, v_b⟩ / τ per row, [B].
    public func score(_ a: Var, _ b: Var, prompts: Var?, _ p: [Var]) throws(TensorError) -> Var {
        guard a.shape == b.shape else {
            throw TensorError(op: "gpm_score", "both sides need the same shape, got \(a.shape) and \(b.shape)")
        }
        let lambda = try gate(prompts, p)
        return try Self.skewProduct(embed(a, p), embed(b, p), lambda: lambda) / config.temperature
    }

    /// −mean log σ(s(y_w ≻ y_l | x)).
    public func loss(chosen: Var, rejected: Var, prompts: Var?, _ p: [Var]) throws(TensorError) -> Var {
        try score(chosen, rejected, prompts: prompts, p).logSigmoid().mean() * -1
    }

    /// Trains full-batch with Adam on pairs (rows of `chosen` preferred to rows of `rejected`).
    @discardableResult
    public func fit(chosen: Tensor, rejected: Tensor, prompts: Tensor? = nil,
                    options: RichRewardFit.Options = .init()) throws(TensorError) -> [Double] {
        let losses = try RichRewardFit.run(parameters, options, op: "gpm") { t, p throws(TensorError) in
            try loss(chosen: t.constant(chosen.to(.f64)), rejected: t.constant(rejected.to(.f64)),
                     prompts: prompts.map { t.constant($0.to(.f64)) }, p)
        }
        history += losses
        return losses
    }

    /// s(a ≻ b | x) for data, [B] f64, off the tape.
    public func scores(_ a: Tensor, _ b: Tensor, prompts: Tensor? = nil) throws(TensorError) -> Tensor {
        try RichRewardFit.evaluate(parameters) { t, p throws(TensorError) in
            try score(t.constant(a.to(.f64)), t.constant(b.to(.f64)), prompts: prompts.map { t.constant($0.to(.f64)) }, p)
        }
    }

    /// The embeddings v of responses, [B, 2k] f64.
    public func embeddings(_ y: Tensor) throws(TensorError) -> Tensor {
        try RichRewardFit.evaluate(parameters) { t, p throws(TensorError) in try embed(t.constant(y.to(.f64)), p) }
    }
}
