import PrefCore

/// A learned scalar reward model over candidate features (spec §9.5, DESIGN.md §3 Models):
///
///     linear: r(y) = w·φ(y)
///     mlp:    r(y) = w₂·tanh(W₁φ(y) + b₁)          (one tanh hidden layer of H units)
///
/// φ(y) is the candidate's quality features q (`view` q) or ψ = [q, ℓ, onehot(ℓ), x ⊗ q]
/// (`view` psi, computed from the toy world through the candidates' ids). Trained with a
/// Bradley–Terry or Plackett–Luce loss (`RewardModelTrainer`); the rewards are one matmul
/// (two for the MLP) over the whole batch, on the tape. Parameters are f64.
///
/// With a basis seed the MLP's hidden layer is a frozen random-feature basis
/// (W₁ ~ N(0, 1/D), b₁ ~ N(0, 1) from that seed) and only w₂ is trained: the toy's stand-in for
/// a pretrained representation (spec §3.3, §9.5). Members sharing the basis and differing by
/// seed are Eisenstein et al.'s finetune ensembles; members with their own bases, pretrain ensembles.
public final class RewardModel: TrainableReward, @unchecked Sendable {
    public enum Kind: String, Sendable, CaseIterable { case linear, mlp }
    public enum View: String, Sendable, CaseIterable { case q, psi }

    public let kind: Kind
    public let view: View
    /// The size of φ.
    public let inputDim: Int
    /// linear: [w (D×1)]; mlp: [W₁ (D×H), b₁ (H), w₂ (H×1)].
    public let parameters: [Parameter]
    /// The world of the ψ view (nil for q).
    public let world: ToyWorld?
    /// The seed the parameters were drawn from.
    public let seed: UInt64
    /// The seed of a frozen hidden layer (MLP only); nil: W₁ and b₁ are trained.
    public let basisSeed: UInt64?
    /// The frozen (W₁ [D×H], b₁ [H]) when `basisSeed` is set.
    let basis: (w1: Tensor, b1: Tensor)?

    /// A new model: w, W₁ and w₂ ~ N(0, 1/fan_in) from the Philox stream `reward_model/<kind>`
    /// of `seed` (so ensemble members differ by seed), b₁ = 0.
    public init(_ kind: Kind, view: View = .q, inputDim: Int, hidden: Int = 32, seed: UInt64 = 0, world: ToyWorld? = nil,
                basisSeed: UInt64? = nil) throws(TensorError) {
        guard (1...1_000_000).contains(inputDim) else { throw TensorError(op: "reward_model", "the feature dimension must be 1…1000000, not \(inputDim)") }
        if view == .psi, world == nil { throw TensorError(op: "reward_model", "the psi view needs a toy world", hint: "pass features: w") }
        var rng = RandomStream(seed: seed, stream: "reward_model/\(kind.rawValue)")
        let d = inputDim
        if basisSeed != nil, kind != .mlp {
            throw TensorError(op: "reward_model", "a frozen basis needs kind \"mlp\"", hint: "reward_model(kind: \"mlp\", basis: 1, …)")
        }
        var frozen: (w1: Tensor, b1: Tensor)? = nil
        switch kind {
        case .linear:
            parameters = [Parameter(rng.normalTensor([d, 1], std: 1 / Double(d).squareRoot(), dtype: .f64), name: "w")]
        case .mlp:
            guard (1...4096).contains(hidden) else { throw TensorError(op: "reward_model", "hidden must be 1…4096, not \(hidden)") }
            let w1 = rng.normalTensor([d, hidden], std: 1 / Double(d).squareRoot(), dtype: .f64)
            let w2 = rng.normalTensor([hidden, 1], std: 1 / Double(hidden).squareRoot(), dtype: .f64)
            if let basisSeed {
                var b = RandomStream(seed: basisSeed, stream: "reward_model/basis")
                frozen = (b.normalTensor([d, hidden], std: 1 / Double(d).squareRoot(), dtype: .f64), b.normalTensor([hidden], dtype: .f64))
                parameters = [Parameter(w2, name: "w2")]
            } else {
                parameters = [Parameter(w1, name: "w1"), Parameter(Tensor(zeros: [hidden], dtype: .f64), name: "b1"), Parameter(w2, name: "w2")]
            }
        }
        self.basisSeed = basisSeed
        basis = frozen
        self.kind = kind
        self.view = view
        self.inputDim = inputDim
        self.world = world
        self.seed = seed
    }

    /// H for the MLP, 0 for the linear kind.
    public var hidden: Int { kind == .mlp ? (basis?.w1.shape[1] ?? parameters[0].shape[1]) : 0 }

    /// A fresh, untrained model of the same architecture with another seed (and the same
    /// frozen basis unless `basisSeed` names another).
    public func reinitialized(seed: UInt64, basisSeed newBasis: UInt64? = nil) throws(TensorError) -> RewardModel {
        try RewardModel(kind, view: view, inputDim: inputDim, hidden: Swift.max(hidden, 1), seed: seed, world: world,
                        basisSeed: newBasis ?? basisSeed)
    }

    public var summary: String {
        let arch = kind == .mlp ? "mlp (hidden \(hidden))" : "linear"
        let frozen = basisSeed.map { ", frozen basis \($0)" } ?? ""
        return "\(arch) reward model over \(view == .q ? "q" : "ψ") (\(inputDim) features\(frozen))"
    }

    /// φ of the candidates, [n, D] f64: q as given, or ψ from the world through the ids.
    public func inputMatrix(_ inputs: RewardInputs) throws(TensorError) -> Tensor {
        switch view {
        case .q:
            guard inputs.features.shape[1] == inputDim else {
                throw TensorError(op: "reward_model", "the model reads \(inputDim) features, the candidates have \(inputs.features.shape[1])",
                                  hint: "score data with the feature dimension the model was built for")
            }
            return inputs.features.dtype == .f64 ? inputs.features : inputs.features.to(.f64)
        case .psi:
            guard let world else { throw TensorError(op: "reward_model", "the psi view needs a toy world") }
            guard let ids = inputs.ids else {
                throw TensorError(op: "reward_model", "the psi view needs toy-world candidate ids", hint: "score data with chosen_id/rejected_id, or a world's candidates")
            }
            if let bad = ids.first(where: { !(0..<world.gold.count).contains($0) }) {
                throw TensorError(op: "reward_model", "candidate id \(bad) is outside the world's 0..<\(world.gold.count)")
            }
            return try Tensor(ids.flatMap { world.psi($0) }, shape: [ids.count, inputDim], dtype: .f64)
        }
    }

    /// r of each candidate, [n], on the tape.
    public func rewards(_ inputs: RewardInputs, tape: Tape, leaves bound: [Var]?) throws(TensorError) -> Var {
        try rewards(phi: tape.constant(try inputMatrix(inputs)), tape: tape, leaves: bound)
    }

    /// r from φ already on the tape ([n, D]), [n].
    public func rewards(phi: Var, tape: Tape, leaves bound: [Var]?) throws(TensorError) -> Var {
        let w = try leaves(tape, bound)
        let n = phi.shape.dims[0]
        switch kind {
        case .linear: return try phi.matmul(w[0]).reshaped([n])
        case .mlp:
            if let basis {
                let h = try (try phi.matmul(tape.constant(basis.w1)) + tape.constant(basis.b1)).tanh()
                return try h.matmul(w[0]).reshaped([n])
            }
            return try (try phi.matmul(w[0]) + w[1]).tanh().matmul(w[2]).reshaped([n])
        }
    }

    private func leaves(_ tape: Tape, _ bound: [Var]?) throws(TensorError) -> [Var] {
        guard let bound else { return parameters.map { tape.parameter($0) } }
        guard bound.count == parameters.count else {
            throw TensorError(op: "reward_model", "\(bound.count) parameter leaves for \(parameters.count) parameters")
        }
        return bound
    }
}
