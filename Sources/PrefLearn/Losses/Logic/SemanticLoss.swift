import PrefCore

/// The semantic loss of a formula under independent Bernoulli atoms (Xu et al., *A Semantic Loss
/// Function for Deep Learning with Symbolic Knowledge*, ICML 2018; its conditioned form is
/// Richardson et al., ICML 2025, spec/algorithms.md §8.1):
///
///   W(w) = Π_{a true in w} p_a · Π_{a false in w} (1 − p_a),   WMC(F) = Σ_{w ⊨ F} W(w),
///   ℓ = −log [ WMC(P ∧ P_C) / WMC(P_C) ].
///
/// Computed in log space for the whole batch: with LT = [log p_a] and LF = [log(1 − p_a)] as
/// [B, n] matrices and A the [n, K] 0/1 matrix of a world set, log W = LT·A + LF·(1 − A) (two
/// BLAS products), and log WMC is the row log-sum-exp. Where ℓ < ln 2 it is computed as
/// −log(1 − WMC(¬P ∧ P_C)/WMC(P_C)), which keeps the relative accuracy of small losses (a
/// confident DPO pair's ℓ ≈ e^{−margin}) that the difference of two logs would lose.
public enum SemanticLoss {
    /// Per-example ℓ ([B]) from the atoms' log-probabilities of being true (`logTrue[a]`, [B]) and
    /// false (`logFalse[a]`); `models` are the worlds of P ∧ P_C, `given` those of P_C (non-empty).
    public static func perExample(logTrue: [Var], logFalse: [Var], models: [Int], given givenWorlds: [Int]) throws(TensorError) -> Var {
        guard let first = logTrue.first, logFalse.count == logTrue.count else {
            throw TensorError(op: "semantic_loss", "needs the same number (≥ 1) of true and false log-probabilities")
        }
        guard !models.isEmpty, models.count < givenWorlds.count else {
            throw TensorError(op: "semantic_loss", "the formula must hold in some but not all worlds of the conditioning")
        }
        let b = first.shape.count, n = logTrue.count
        func matrix(_ xs: [Var]) throws(TensorError) -> Var {
            try first.tape.concat(try xs.map { (x: Var) throws(TensorError) in try x.reshaped([b, 1]) }, axis: 1)
        }
        let lt = try matrix(logTrue), lf = try matrix(logFalse)
        func logWMC(_ worlds: [Int]) throws(TensorError) -> Var? {
            // Every world: WMC = 1, log WMC = 0.
            if worlds.count == 1 << n { return nil }
            let on = (0..<n).flatMap { a in worlds.map { Double(($0 >> a) & 1) } }
            let a = first.tape.constant(try Tensor(on, shape: [n, worlds.count], dtype: first.dtype))
            let off = first.tape.constant(try Tensor(on.map { 1 - $0 }, shape: [n, worlds.count], dtype: first.dtype))
            let logW = try lt.matmul(a) + lf.matmul(off)
            return worlds.count == 1 ? try logW.reshaped([b]) : try logW.logsumexp(axis: 1)
        }
        // log P(P | P_C) and log P(¬P | P_C); ℓ = −log P(P | P_C), read where it is accurate: directly
        // when P(P | P_C) < 1/2, else as −log(1 − P(¬P | P_C)) so a small loss keeps its digits.
        let logGiven = try logWMC(givenWorlds)
        func conditioned(_ worlds: [Int]) throws(TensorError) -> Var {
            guard let w = try logWMC(worlds) else { return try first * 0 }
            return try logGiven.map { (c: Var) throws(TensorError) in try w - c } ?? w
        }
        let logP = try conditioned(models)
        let excluded = Set(models)
        let logNotP = try conditioned(givenWorlds.filter { !excluded.contains($0) })
        let direct = try -logP, complement = try -LossSupport.log1mexp(logNotP)
        let small = try logP.compare(.ge, first.tape.constant(-0.6931471805599453, dtype: first.dtype))
        return try Var.select(small, complement, direct)
    }
}
