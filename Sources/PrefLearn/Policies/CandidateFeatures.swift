import PrefCore

/// The candidate set a `CandidatePolicy` ranges over: ψ(x, k) for every prompt and candidate
/// ([P, K, D]), prompt-major, so candidate id i is prompt i / K, position i mod K — the ids a
/// toy world's datasets carry as `chosen_id` / `rejected_id`. Optional exact quantities (gold
/// reward, lengths) make `expectedGold` and the `logps` lengths available.
public struct CandidateFeatures: Sendable {
    /// ψ, [P, K, D].
    public let psi: Tensor
    /// r*(x, k), [P, K] f64, when the source knows it.
    public let gold: Tensor?
    /// ℓ per candidate, P·K, when the source knows it.
    public let lengths: [Int]?
    /// The prompts of each split (train first, then test).
    public let train: Range<Int>
    public let test: Range<Int>
    /// Identifies the source (e.g. a toy world's configuration), to refuse data from another.
    public let origin: String

    public init(psi: Tensor, gold: Tensor? = nil, lengths: [Int]? = nil, train: Range<Int>? = nil,
                test: Range<Int>? = nil, origin: String) throws(TensorError) {
        guard psi.rank == 3, psi.shape[0] > 0, psi.shape[1] > 0, psi.shape[2] > 0 else {
            throw TensorError(op: "candidate_policy", "candidate features must be [P, K, D] with P, K, D ≥ 1, not \(psi.shape)")
        }
        let p = psi.shape[0], k = psi.shape[1]
        if let gold, gold.shape != [p, k] {
            throw TensorError(op: "candidate_policy", "gold must be [\(p), \(k)], not \(gold.shape)")
        }
        if let lengths, lengths.count != p * k {
            throw TensorError(op: "candidate_policy", "lengths must have \(p * k) entries, not \(lengths.count)")
        }
        guard psi.scalars.allSatisfy(\.isFinite) else { throw TensorError(op: "candidate_policy", "candidate features must be finite") }
        self.psi = psi
        self.gold = gold?.to(.f64)
        self.lengths = lengths
        self.train = train ?? 0..<p
        self.test = test ?? p..<p
        self.origin = origin
    }

    /// P, the number of prompts.
    public var prompts: Int { psi.shape[0] }
    /// K, the candidates per prompt.
    public var candidates: Int { psi.shape[1] }
    /// D, the size of ψ.
    public var dim: Int { psi.shape[2] }
    public var dtype: DType { psi.dtype }
}

extension ToyWorld {
    /// ψ(x, k) = [q, ℓ, onehot(ℓ), x ⊗ q] of every candidate of every prompt (train, then
    /// test), with the gold reward and lengths: the source of a candidate policy.
    public func candidateFeatures(dtype: DType = .f64) throws(TensorError) -> CandidateFeatures {
        let p = config.totalPrompts, k = config.candidates
        let psi = try Tensor((0..<(p * k)).flatMap { self.psi($0) }, shape: [p, k, psiDim], dtype: dtype)
        return try CandidateFeatures(psi: psi, gold: try Tensor(gold, shape: [p, k], dtype: .f64), lengths: lengths,
                                     train: prompts(.train), test: prompts(.test), origin: "\(config)")
    }
}
