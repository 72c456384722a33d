import PrefCore

/// A policy over each prompt's candidate set (spec §9.1 "Policies", DESIGN.md §3 Models):
///
///     loglinear: s_θ(x, k) = θ·ψ(x, k)
///     mlp:       s_θ(x, k) = w₂·tanh(W₁ψ(x, k) + b₁)
///     π_θ(k|x) = exp(s_θ(x, k)) / Σ_j exp(s_θ(x, j))          (exact, over the K candidates)
///
/// Every quantity is whole-batch tensor work on the tape: the log-linear scores in one fused
/// gather–matvec over the prompts' ψ blocks, the MLP's from gathered ψ rows ([n, K, D]) and two
/// matmuls, then a log-softmax over K. A frozen policy (the reference) enters the tape as
/// constants, so no gradient reaches it.
///
/// A goal-conditioned policy π(y | x, g) (reward-augmented relabelling, Zhang et al. 2024; §6.13)
/// reads ψ_g(x, k) = [ψ(x, k), c(g) ⊗ ψ(x, k)] with c(g) ∈ R^L the goal's code (`GoalRange`):
/// linear, L = 1 and c = φ(g) ∈ [0, 1] the goal's place in its range; one-hot, c = e_g, so each
/// target score has its own weights. Log-linear s = θ·ψ + Σ_l c_l(g)·θ_l·ψ, MLP W₁ψ +
/// Σ_l c_l(g)·W_lψ + b₁ inside the tanh. The goal weights θ_l (W_l) start at 0, so a fresh goal
/// policy is the plain one at every goal; "a higher goal → better candidates" is θ_g along the
/// quality direction. The goal is a per-row input (`goals:`), one number per prompt row.
public final class CandidatePolicy: @unchecked Sendable {
    public enum Kind: String, Sendable, CaseIterable { case loglinear, mlp }

    public let kind: Kind
    public let source: CandidateFeatures
    /// loglinear: [θ (D×1)]; mlp: [W₁ (D×H), b₁ (H), w₂ (H×1)]; a goal policy appends
    /// [θ_1 … θ_L] (D×L) or [W_1 … W_L] (D×L·H).
    public let parameters: [Parameter]
    /// The goal range of a goal-conditioned policy; nil for a plain one.
    public let goal: GoalRange?
    /// True for a reference copy: its parameters never take gradients.
    public let isFrozen: Bool

    /// A new policy. The log-linear θ starts at 0 (the uniform policy); the MLP's W₁ and w₂
    /// are N(0, 1/fan_in) from `seed`, b₁ = 0.
    public init(_ kind: Kind, source: CandidateFeatures, hidden: Int = 16, seed: UInt64 = 0, goal: GoalRange? = nil) throws(TensorError) {
        let d = source.dim, dtype = source.dtype
        var parameters: [Parameter]
        switch kind {
        case .loglinear:
            parameters = [Parameter(Tensor(zeros: [d, 1], dtype: dtype), name: "theta")]
        case .mlp:
            guard (1...4096).contains(hidden) else {
                throw TensorError(op: "candidate_policy", "hidden must be 1…4096, not \(hidden)")
            }
            var rng = RandomStream(seed: seed, stream: "candidate_policy/mlp")
            let w1 = rng.normalTensor([d, hidden], std: 1 / Double(d).squareRoot(), dtype: dtype)
            let w2 = rng.normalTensor([hidden, 1], std: 1 / Double(hidden).squareRoot(), dtype: dtype)
            parameters = [Parameter(w1, name: "w1"), Parameter(Tensor(zeros: [hidden], dtype: dtype), name: "b1"),
                          Parameter(w2, name: "w2")]
        }
        if let goal {
            let width = goal.width * (kind == .mlp ? hidden : 1)
            parameters.append(Parameter(Tensor(zeros: [d, width], dtype: dtype), name: kind == .mlp ? "w_goal" : "theta_goal"))
        }
        self.parameters = parameters
        self.goal = goal
        self.kind = kind
        self.source = source
        self.isFrozen = false
    }

    private init(copying other: CandidatePolicy) {
        kind = other.kind
        source = other.source
        parameters = other.parameters.map { Parameter($0.value.copy(), name: $0.name) }
        goal = other.goal
        isFrozen = true
    }

    /// A frozen copy of the current parameters: the reference π_ref.
    public func frozen() -> CandidatePolicy { CandidatePolicy(copying: self) }

    /// H for the MLP, 0 for the log-linear kind.
    public var hidden: Int { kind == .mlp ? parameters[0].shape[1] : 0 }

    /// The tape leaves of the parameters: `bound` when given (e.g. pref's `grad` variables),
    /// constants for a frozen policy, else parameter leaves.
    private func leaves(_ tape: Tape, _ bound: [Var]?) throws(TensorError) -> [Var] {
        if let bound {
            guard bound.count == parameters.count else {
                throw TensorError(op: "candidate_policy", "\(bound.count) parameter leaves for \(parameters.count) parameters")
            }
            return bound
        }
        return parameters.map { isFrozen ? tape.constant($0.value) : tape.parameter($0) }
    }

    /// The prompts as an index tensor, checked against the source.
    func promptIndex(_ prompts: [Int]) throws(TensorError) -> IndexTensor {
        let p = source.prompts
        if let bad = prompts.first(where: { !(0..<p).contains($0) }) {
            throw TensorError(op: "candidate_policy", "prompt \(bad) is outside 0..<\(p)")
        }
        return try IndexTensor(prompts)
    }

    /// c(g) of each row for a goal policy, n × L row-major (nil for a plain one, which ignores
    /// goals: π(y | x, g) = π(y | x)).
    func goalCodes(_ goals: [Double]?, rows n: Int) throws(TensorError) -> [Double]? {
        guard let goal else { return nil }
        guard let goals else {
            throw TensorError(op: "candidate_policy", "the policy is goal-conditioned (goals \(goal)) and gets no goal here",
                              hint: "its methods, evaluate and logps take pi.at(goal: g); fit takes relabel(pairs); rlhf, iterate and best-of-n take plain policies")
        }
        guard goals.count == n else { throw TensorError(op: "candidate_policy", "\(goals.count) goals for \(n) prompts") }
        var codes = [Double]()
        codes.reserveCapacity(n * goal.width)
        for g in goals { codes += try goal.code(g) }
        return codes
    }

    /// s_θ(x, k) for the given prompts, [n, K]: with each row's goal for a goal policy. `leaves`
    /// replaces the parameters' tape leaves.
    public func scores(prompts: [Int], goals: [Double]? = nil, tape: Tape, leaves bound: [Var]? = nil) throws(TensorError) -> Var {
        let n = prompts.count, k = source.candidates, d = source.dim
        let w = try leaves(tape, bound)
        let phi = try goalCodes(goals, rows: n)
        // A contiguous run of prompts (all of them, in RLHF) is a view of ψ's rows: no copy, one
        // BLAS product. Otherwise the log-linear scores read the blocks in place
        // (`gatherMatvec`: the gathered [n, K, D] copy was most of a training step's time).
        var contiguous: Var?
        if let first = prompts.first, first >= 0, first + n <= source.prompts, prompts.last == first + n - 1,
           zip(prompts, prompts.dropFirst()).allSatisfy({ $1 == $0 + 1 }) {
            let all = source.psi
            contiguous = tape.constant(Tensor(storage: all.storage, offset: all.offset + first * k * d, shape: [n * k, d], dtype: all.dtype))
        }
        switch kind {
        case .loglinear:
            func linear(_ theta: Var) throws(TensorError) -> Var {
                if let psi = contiguous { return try psi.matmul(theta).reshaped([n, k]) }
                return try tape.gatherMatvec(source.psi, try promptIndex(prompts), theta)
            }
            let base = try linear(w[0])
            guard let phi, let goal else { return base }
            let width = goal.width
            // s = θ·ψ + φ(g)·θ_g·ψ: the goal term scaled per row ([n, K] × [n, 1]).
            if width == 1 { return try base + (try linear(w[1])) * tape.constant(try Tensor(phi, shape: [n, 1], dtype: dtype)) }
            // s = θ·ψ + Σ_l c_l(g)·θ_l·ψ: all L goal scores in one product, [n, K, L], then each
            // row's code picks (one-hot) or mixes them.
            let all = try rows(contiguous, prompts, tape).matmul(w[1]).reshaped([n, k, width])
            return try base + (try all * tape.constant(try Tensor(phi, shape: [n, 1, width], dtype: dtype))).sum(axis: 2)
        case .mlp:
            let psi = try rows(contiguous, prompts, tape)
            var pre = try psi.matmul(w[0]) + w[1]
            if let phi, let goal {
                // W₁ψ + Σ_l c_l(g)·W_lψ: the codes repeated over each prompt's K candidate rows.
                let width = goal.width, h = hidden
                let codes = (0..<n).flatMap { r in Array(repeating: phi[(r * width)..<((r + 1) * width)], count: k).joined() }
                if width == 1 {
                    pre = try pre + (try psi.matmul(w[3])) * tape.constant(try Tensor(codes, shape: [n * k, 1], dtype: dtype))
                } else {
                    let all = try psi.matmul(w[3]).reshaped([n * k, width, h])
                    pre = try pre + (try all * tape.constant(try Tensor(codes, shape: [n * k, width, 1], dtype: dtype))).sum(axis: 1)
                }
            }
            return try pre.tanh().matmul(w[2]).reshaped([n, k])
        }
    }

    /// ψ of the prompts' candidates as [n·K, D] rows: the contiguous view when there is one,
    /// else a gathered copy.
    private func rows(_ contiguous: Var?, _ prompts: [Int], _ tape: Tape) throws(TensorError) -> Var {
        if let contiguous { return contiguous }
        return try tape.constant(source.psi).gather(try promptIndex(prompts), axis: 0).reshaped([prompts.count * source.candidates, source.dim])
    }

    /// log π_θ(k|x) (or log π_θ(k|x, g)) for the given prompts, [n, K]: a log-softmax over each
    /// prompt's candidates.
    public func logProbs(prompts: [Int], goals: [Double]? = nil, tape: Tape, leaves: [Var]? = nil) throws(TensorError) -> Var {
        try scores(prompts: prompts, goals: goals, tape: tape, leaves: leaves).logSoftmax(axis: -1)
    }

    /// log π_θ(y|x) of candidate ids, [n, m]: row r holds candidates of one prompt (e.g. the
    /// chosen and rejected of a pair); the prompt of id i is i / K; `goals` one per row.
    public func logProbs(ids: [[Int]], goals: [Double]? = nil, tape: Tape, leaves: [Var]? = nil) throws(TensorError) -> Var {
        let k = source.candidates, total = source.prompts * k
        let m = ids.first?.count ?? 0
        var prompts = [Int](), positions = [Int]()
        prompts.reserveCapacity(ids.count)
        positions.reserveCapacity(ids.count * m)
        for (r, row) in ids.enumerated() {
            guard row.count == m, m > 0 else { throw TensorError(op: "logps", "row \(r) has \(row.count) candidates, expected \(Swift.max(m, 1))") }
            if let bad = row.first(where: { !(0..<total).contains($0) }) {
                throw TensorError(op: "logps", "candidate id \(bad) (row \(r)) is outside the policy's 0..<\(total)",
                                  hint: "use data from the world the policy was built on")
            }
            let p = row[0] / k
            guard row.allSatisfy({ $0 / k == p }) else {
                throw TensorError(op: "logps", "row \(r) mixes candidates of different prompts: \(row)")
            }
            prompts.append(p)
            positions += row.map { $0 % k }
        }
        let lp = try logProbs(prompts: prompts, goals: goals, tape: tape, leaves: leaves)
        return try lp.takeAlong(try IndexTensor(positions, shape: [ids.count, m]), axis: 1)
    }

    /// The prompts of a split.
    public func prompts(_ split: ToyWorld.Split) -> [Int] { Array(split == .train ? source.train : source.test) }
}
