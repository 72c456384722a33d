import PrefCore

/// Which token masks SparsePO learns (Christopoulou et al., 2024, §3; spec algorithms.md §6.12).
public enum SparseMaskKind: String, Sendable, Codable, CaseIterable {
    /// No network: m^u = 1 and m^d = m^u (the TDPO-style reduction of the spec).
    case none
    /// "sparse-common": one mask m for both the reward and the KL term.
    case common
    /// "sparse-indp": independent masks m^u (reward) and m^d (KL).
    case independent

    /// The masks per token the network outputs: K = 1 (common) or 2 (independent).
    public var outputs: Int {
        switch self {
        case .none: 0
        case .common: 1
        case .independent: 2
        }
    }
}

/// SparsePO's mask network over a token policy's L = 2 layers (the embedding layer a_t and the
/// hidden layer h_t = tanh(a_t) of the state that has read y_t):
///
///     z_{l,t} = ReLU(LN(layer_l,t)·W_l + b_l)                 per layer, W_l: H×K
///     m_t     = ReLU(Σ_l α_l ⊙ z_{l,t} + c)                    the learned mixer across layers
///
/// LN is layer normalisation without an affine part (its gain and shift fold into W_l and b_l),
/// ε = 1e-5. K = 1 ("sparse-common") or 2 ("sparse-indp": column 0 is m^u, column 1 m^d).
/// The paper's dropout (0.1) is left out: training stays deterministic for a seed, and the toy
/// network has 2·H·K + 5K weights, nothing to regularise beyond the L1 term.
/// Init: W_l ~ N(0, 0.01/H), b_l = 1, α_l = 1/L, c = 0, so every mask starts at ≈ 1 (plain
/// TDPO-style DPO) and training moves it. Spec §6.12; the layer-norm → linear → ReLU → mixer →
/// ReLU structure follows the paper's `mask_models.py`. The layers it reads are the reference
/// policy's (`TokenPolicy.sparsePOSides`), as the released trainer passes the reference model's
/// hidden states; the released code's fresh mask modules start near 0 instead (new-module init),
/// which in the toy lets any λ > 0 zero every mask within the first steps (docs/design.md).
public final class SparseMaskNetwork: @unchecked Sendable {
    public let kind: SparseMaskKind
    /// [W_embed (H×K), W_hidden (H×K), b (L×K), α (L×K), c (K)].
    public let parameters: [Parameter]
    public static let names = ["mask_w_embed", "mask_w_hidden", "mask_b", "mask_mix", "mask_c"]
    public static let layers = 2
    static let epsilon = 1e-5

    public init(kind: SparseMaskKind, hidden h: Int, seed: UInt64, dtype: DType = .f64) throws(TensorError) {
        let k = kind.outputs, l = Self.layers
        guard k > 0 else { throw TensorError(op: "sparse_po", "mask \"none\" has no network") }
        guard (1...4096).contains(h) else { throw TensorError(op: "sparse_po", "hidden must be 1…4096, not \(h)") }
        var rng = RandomStream(seed: seed, stream: "sparse_po/masks")
        let std = 0.1 / Double(h).squareRoot()
        parameters = [
            Parameter(rng.normalTensor([h, k], std: std, dtype: dtype), name: Self.names[0]),
            Parameter(rng.normalTensor([h, k], std: std, dtype: dtype), name: Self.names[1]),
            Parameter(Tensor(repeating: 1, shape: [l, k], dtype: dtype), name: Self.names[2]),
            Parameter(Tensor(repeating: 1 / Double(l), shape: [l, k], dtype: dtype), name: Self.names[3]),
            Parameter(Tensor(zeros: [k], dtype: dtype), name: Self.names[4]),
        ]
        self.kind = kind
    }

    /// H.
    public var hidden: Int { parameters[0].shape[0] }

    /// Parameter leaves on `tape`, or `bound` (e.g. for a finite-difference check).
    public func leaves(_ tape: Tape, _ bound: [Var]? = nil) throws(TensorError) -> [Var] {
        if let bound {
            guard bound.count == parameters.count else { throw TensorError(op: "sparse_po", "\(bound.count) mask leaves for \(parameters.count) parameters") }
            return bound
        }
        return parameters.map { tape.parameter($0) }
    }

    /// The masks m_t ≥ 0 of every position, [N, K], from the policy's layers ([N, H] each).
    public func masks(_ layers: [Var], leaves w: [Var]) throws(TensorError) -> Var {
        guard layers.count == Self.layers else { throw TensorError(op: "sparse_po", "\(layers.count) layers for a mask network over \(Self.layers)") }
        var mixed: Var?
        for (l, x) in layers.enumerated() {
            guard x.shape.rank == 2, x.shape.dims[1] == hidden else {
                throw TensorError(op: "sparse_po", "layer \(l) has shape \(x.shape), the mask network reads [N, \(hidden)]")
            }
            let centred = try x - x.mean(axis: 1, keepDims: true)
            let normed = try centred / (try centred.square().mean(axis: 1, keepDims: true) + Self.epsilon).sqrt()
            let z = try (try normed.matmul(w[l]) + w[2].slice(axis: 0, start: l, end: l + 1)).relu()      // [N, K]
            let term = try z * w[3].slice(axis: 0, start: l, end: l + 1)
            if let m = mixed { mixed = try m + term } else { mixed = term }
        }
        guard let mixed else { throw TensorError(op: "sparse_po", "no layers") }
        return try (mixed + w[4]).relu()
    }

    /// Sets every mask to exactly 1 (W = 0, b = 1, α = 1/L so Σα = 1, c = 0): the m = 1 path.
    public func setUnitMasks() {
        let k = kind.outputs, l = Self.layers, dtype = parameters[0].dtype
        parameters[0].value = Tensor(zeros: [hidden, k], dtype: dtype)
        parameters[1].value = Tensor(zeros: [hidden, k], dtype: dtype)
        parameters[2].value = Tensor(repeating: 1, shape: [l, k], dtype: dtype)
        parameters[3].value = Tensor(repeating: 1 / Double(l), shape: [l, k], dtype: dtype)
        parameters[4].value = Tensor(zeros: [k], dtype: dtype)
    }
}
