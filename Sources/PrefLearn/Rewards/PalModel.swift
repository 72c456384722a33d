import PrefCore

/// PAL-A, the ideal-point mixture model of pluralistic alignment (Chen, Chen, Rege, Vinayak;
/// ICLR 2025; spec algorithms.md §5.1), variant "Pw" of the released code.
///
/// A shared item map f(y) ∈ R^d (`RichRewardMap` over the response's features), K prototypes
/// p_1…p_K ∈ R^d and per-user mixture weights w_u = softmax(W_u) ∈ Δ^K give each user the ideal
/// point a_u = Σ_k w_uk p_k. A user prefers responses closer to their ideal point:
///
///     r_u(y) = −s·‖f(y) − a_u‖,    P(y ≻ y' | u) = σ(r_u(y) − r_u(y'))
///
/// with s = exp(ℓ) the learnable logit scale ("dist_logistic"), clamped to s ≤ 100 as in the
/// code. The loss is the logistic −log σ(r_u(y_w) − r_u(y_l)) averaged over pairs. A new user is
/// fitted few-shot by freezing everything except their K logits (`adapt`).
///
/// Readings where the spec is open: ℓ starts at 0 (s = 1) rather than the code's log(1/0.07),
/// because toy distances are O(1); the distance is √(‖·‖² + 10⁻¹²) so it has a gradient at 0;
/// user logits start at 0 (uniform weights) and prototypes at N(0, 1); no prototype-norm penalty
/// and no per-user importance weights.
public final class PalModel: @unchecked Sendable {
    public struct Config: Sendable, Equatable {
        /// K, the number of prototypes (latent groups).
        public var prototypes = 3
        /// d, the dimension of the preference space f(y) lives in.
        public var dim = 4
        /// Hidden tanh units of the item map; 0 for an affine map.
        public var hidden = 0
        public init() {}

        func validate() throws(TensorError) {
            guard (1...256).contains(prototypes) else { throw TensorError(op: "pal", "prototypes must be 1…256, got \(prototypes)") }
            guard (1...1024).contains(dim) else { throw TensorError(op: "pal", "dim must be 1…1024, got \(dim)") }
            guard (0...4096).contains(hidden) else { throw TensorError(op: "pal", "hidden must be 0…4096, got \(hidden)") }
        }
    }

    public let config: Config
    public let featureDim: Int
    public let users: Int
    public let map: RichRewardMap
    /// P, [K, d].
    public let prototypes: Parameter
    /// W, [U, K]: the users' weight logits.
    public let userLogits: Parameter
    /// ℓ, [1]: log s.
    public let logScale: Parameter
    public private(set) var history: [Double] = []

    /// log 100: the code's clamp on the logit scale.
    static let maxLogScale = 4.605170185988092

    /// A fresh model for `users` users over responses with `featureDim` features; weights from
    /// the Philox stream "pal" of `seed`.
    public init(featureDim: Int, users: Int, config: Config = Config(), seed: UInt64 = 0) throws(TensorError) {
        try config.validate()
        guard (1...1_000_000).contains(users) else { throw TensorError(op: "pal", "users must be 1…1000000, got \(users)") }
        self.config = config
        self.featureDim = featureDim
        self.users = users
        var rng = RandomStream(seed: seed, stream: "pal")
        map = try RichRewardMap(inputDim: featureDim, outputDim: config.dim, hidden: config.hidden, name: "pal.map", rng: &rng)
        prototypes = Parameter(rng.normalTensor([config.prototypes, config.dim], dtype: .f64), name: "pal.prototypes")
        userLogits = Parameter(Tensor(zeros: [users, config.prototypes], dtype: .f64), name: "pal.user_logits")
        logScale = Parameter(Tensor(zeros: [1], dtype: .f64), name: "pal.log_scale")
    }

    /// The item map's parameters, then P, W and ℓ.
    public var parameters: [Parameter] { map.parameters + [prototypes, userLogits, logScale] }
    var mapCount: Int { map.parameters.count }

    /// a = softmax(logits) P for logits [n, K]: ideal points [n, d].
    func idealPoints(_ logits: Var, _ p: [Var]) throws(TensorError) -> Var {
        try logits.softmax(axis: 1).matmul(p[mapCount])
    }

    /// r(y) = −s·‖f(y) − a‖ per row, [B]; `ideal` is [B, d] or [1, d] (broadcast).
    func reward(_ y: Var, ideal: Var, _ p: [Var]) throws(TensorError) -> Var {
        let f = try map.apply(y, p[0..<mapCount])
        let distance = try ((f - ideal).square().sum(axis: 1) + 1e-12).sqrt()
        let scale = try p[mapCount + 2].clamp(min: -.infinity, max: Self.maxLogScale).exp()
        return try distance * scale * -1
    }

    /// r_u(y_w) − r_u(y_l) for rows of users `users`: the logit of P(y_w ≻ y_l | u), [B].
    public func score(chosen: Var, rejected: Var, users: IndexTensor, _ p: [Var]) throws(TensorError) -> Var {
        let ideal = try idealPoints(p[mapCount + 1], p).gather(users, axis: 0)
        return try reward(chosen, ideal: ideal, p) - reward(rejected, ideal: ideal, p)
    }

    /// The same for one user given by its K weight logits [1, K] (a seen user's row of W or an
    /// adapted user's).
    public func score(chosen: Var, rejected: Var, logits: Var, _ p: [Var]) throws(TensorError) -> Var {
        let ideal = try idealPoints(logits, p)
        return try reward(chosen, ideal: ideal, p) - reward(rejected, ideal: ideal, p)
    }

    /// Checks user ids against 0..<users.
    func userIndex(_ users: [Int], rows: Int) throws(TensorError) -> IndexTensor {
        guard users.count == rows else { throw TensorError(op: "pal", "\(users.count) user ids for \(rows) pairs") }
        if let bad = users.first(where: { $0 < 0 || $0 >= self.users }) {
            throw TensorError(op: "pal", "user \(bad) is out of range 0…\(self.users - 1)")
        }
        return try IndexTensor(users)
    }

    /// Trains every parameter full-batch with Adam on pairs labelled by `users` (one id per row).
    @discardableResult
    public func fit(chosen: Tensor, rejected: Tensor, users: [Int], options: RichRewardFit.Options = .init()) throws(TensorError) -> [Double] {
        let index = try userIndex(users, rows: chosen.shape[0])
        let losses = try RichRewardFit.run(parameters, options, op: "pal") { t, p throws(TensorError) in
            try score(chosen: t.constant(chosen.to(.f64)), rejected: t.constant(rejected.to(.f64)), users: index, p)
                .logSigmoid().mean() * -1
        }
        history += losses
        return losses
    }

    /// Few-shot adaptation for an unseen user: the map, the prototypes and the scale stay frozen
    /// and only the user's K logits (starting at 0, uniform weights) are fitted with Adam on their
    /// comparisons. Returns the logits, [1, K].
    public func adapt(chosen: Tensor, rejected: Tensor, options: RichRewardFit.Options = .init(epochs: 200, learningRate: 0.1)) throws(TensorError) -> Tensor {
        let logits = Parameter(Tensor(zeros: [1, config.prototypes], dtype: .f64), name: "pal.new_user")
        let frozen = parameters.map(\.value)
        _ = try RichRewardFit.run([logits], options, op: "pal adapt") { t, leaves throws(TensorError) in
            let p = frozen.map { t.constant($0) }
            return try score(chosen: t.constant(chosen.to(.f64)), rejected: t.constant(rejected.to(.f64)), logits: leaves[0], p)
                .logSigmoid().mean() * -1
        }
        return logits.value
    }

    /// User u's weight logits, [1, K].
    public func logits(user u: Int) throws(TensorError) -> Tensor {
        _ = try userIndex([u], rows: 1)
        return try userLogits.value.rows(u..<(u + 1))
    }

    /// r_u(y_w) − r_u(y_l) off the tape for a user given by logits [1, K], [B] f64.
    public func scores(chosen: Tensor, rejected: Tensor, logits: Tensor) throws(TensorError) -> Tensor {
        try RichRewardFit.evaluate(parameters) { t, p throws(TensorError) in
            try score(chosen: t.constant(chosen.to(.f64)), rejected: t.constant(rejected.to(.f64)), logits: t.constant(logits), p)
        }
    }

    /// r_u(y) = −s‖f(y) − a_u‖ off the tape, [B] f64.
    public func rewards(_ y: Tensor, logits: Tensor) throws(TensorError) -> Tensor {
        try RichRewardFit.evaluate(parameters) { t, p throws(TensorError) in
            try reward(t.constant(y.to(.f64)), ideal: idealPoints(t.constant(logits), p), p)
        }
    }

    /// The mixture weights softmax(W), [U, K].
    public func weights() throws(TensorError) -> Tensor { try mixture(userLogits.value) }

    /// softmax over the last axis of weight logits [n, K]: users' mixture weights w_u ∈ Δ^K.
    public func mixture(_ logits: Tensor) throws(TensorError) -> Tensor {
        let p = Parameter(logits.to(.f64))
        return try RichRewardFit.evaluate([p]) { _, v throws(TensorError) in try v[0].softmax(axis: -1) }
    }
}
