import PrefCore

/// A DMoERM-style double-layer mixture-of-experts reward (Quan 2024; spec algorithms.md §5.3,
/// toy of §9.5: "router on c(x), capability experts on … q"):
///
///     outer (sparse):  τ(x) = argmax_t (x W_r + b_r)_t                      top-1 task router
///     inner (dense):   e_{t,c}(y) = q·w_{t,c} + b_{t,c},  c = 1…C             capability experts
///     combiner:        r(x, y) = w₂_τ·tanh(W₁_τ e_τ(y) + b₁_τ) + b₂_τ          per-task MLP
///
/// Training follows the paper's phases on full batches with Adam: (1) the router by cross-entropy
/// on the prompts' task labels (the toy world's clusters c(x)); (2) when capability preference
/// data is given, each expert e_{·,c} on capability c's pairs (Bradley–Terry on the expert of the
/// row's task); (3) the combiners on the overall pairs, the experts frozen when they were
/// pretrained, else trained jointly. During (2) and (3) rows are routed by their true task, at
/// scoring time by the router.
///
/// Readings where the spec is open: experts are linear in all of q (the capability is what
/// their labels teach, not a slice of q); the combiner has `hidden` tanh units (default 8),
/// W₁ ~ N(0, 1/C), w₂ ~ N(0, 1/H), biases 0; the router reads the prompt's features x.
public final class MoERewardModel: TrainableReward, @unchecked Sendable {
    public let world: ToyWorld
    public let tasks: Int
    public let capabilities: Int
    public let hidden: Int
    /// [W_r, b_r, W_e, b_e] then per task [W₁, b₁, w₂, b₂].
    public let parameters: [Parameter]
    /// The losses of the three phases (empty when a phase did not run).
    public internal(set) var routerHistory: [Double] = []
    public internal(set) var expertHistory: [Double] = []
    public internal(set) var combinerHistory: [Double] = []

    public init(world: ToyWorld, tasks: Int? = nil, capabilities: Int = 4, hidden: Int = 8, seed: UInt64 = 0) throws(TensorError) {
        let t = tasks ?? world.config.clusters
        guard (1...64).contains(t) else { throw TensorError(op: "moe_reward", "tasks must be 1…64, got \(t)") }
        guard (1...64).contains(capabilities) else { throw TensorError(op: "moe_reward", "capabilities must be 1…64, got \(capabilities)") }
        guard (1...1024).contains(hidden) else { throw TensorError(op: "moe_reward", "hidden must be 1…1024, got \(hidden)") }
        self.world = world
        self.tasks = t
        self.capabilities = capabilities
        self.hidden = hidden
        var rng = RandomStream(seed: seed, stream: "moe_reward")
        let dx = world.config.promptDim, d = world.config.featureDim, c = capabilities
        func normal(_ shape: Shape, _ fanIn: Int, _ name: String) -> Parameter {
            Parameter(rng.normalTensor(shape, std: 1 / Double(fanIn).squareRoot(), dtype: .f64), name: name)
        }
        func zeros(_ shape: Shape, _ name: String) -> Parameter { Parameter(Tensor(zeros: shape, dtype: .f64), name: name) }
        var p = [normal([dx, t], dx, "router.W"), zeros([1, t], "router.b"), normal([d, t * c], d, "experts.W"), zeros([1, t * c], "experts.b")]
        for task in 0..<t {
            p += [normal([c, hidden], c, "combiner\(task).W1"), zeros([1, hidden], "combiner\(task).b1"),
                  normal([hidden, 1], hidden, "combiner\(task).w2"), zeros([1, 1], "combiner\(task).b2")]
        }
        parameters = p
    }

    static let routerRange = 0..<2, expertRange = 2..<4

    public var summary: String {
        "mixture-of-experts reward: \(tasks) tasks × \(capabilities) capability experts, combiner hidden \(hidden)"
    }

    /// The true task of each candidate: its prompt's cluster c(x) (mod tasks).
    public func taskLabels(_ ids: [Int]) -> [Int] {
        ids.map { world.clusters[$0 / world.config.candidates] % tasks }
    }

    /// Router logits x W_r + b_r, [n, T].
    func routerLogits(_ ids: [Int], tape: Tape, _ p: [Var]) throws(TensorError) -> Var {
        try tape.constant(world.promptTensor(ids).to(.f64)).matmul(p[0]) + p[1]
    }

    /// The router's top-1 task per candidate.
    public func route(_ ids: [Int]) throws(TensorError) -> [Int] {
        let logits = try RichRewardFit.evaluate(parameters) { t, p throws(TensorError) in try routerLogits(ids, tape: t, p) }.scalars
        return (0..<ids.count).map { i in (0..<tasks).max { logits[i * tasks + $0] < logits[i * tasks + $1] } ?? 0 }
    }

    /// Expert outputs e_{t,c}(y), [n, T, C].
    func experts(_ q: Var, _ p: [Var]) throws(TensorError) -> Var {
        try (q.matmul(p[2]) + p[3]).reshaped([q.shape[0], tasks, capabilities])
    }

    /// A one-hot [n, T] mask of `tasks` as a tape constant.
    func mask(_ labels: [Int], tape: Tape) throws(TensorError) -> Var {
        var m = [Double](repeating: 0, count: labels.count * tasks)
        for (i, t) in labels.enumerated() { m[i * tasks + t] = 1 }
        return tape.constant(try Tensor(m, shape: [labels.count, tasks], dtype: .f64))
    }

    /// r(x, y) with rows routed to `labels`, [n]: every task's combiner runs on the batch and the
    /// mask picks each row's.
    func rewards(_ q: Var, labels: [Int], tape: Tape, _ p: [Var]) throws(TensorError) -> Var {
        let e = try experts(q, p), n = q.shape[0]
        var heads = [Var]()
        for t in 0..<tasks {
            let base = 4 + 4 * t
            let et = try e.slice(axis: 1, start: t, end: t + 1).reshaped([n, capabilities])
            heads.append(try (et.matmul(p[base]) + p[base + 1]).tanh().matmul(p[base + 2]) + p[base + 3])
        }
        return try (Var.concat(heads, axis: 1) * mask(labels, tape: tape)).sum(axis: 1)
    }

    /// Expert c's output for each row's task, [n].
    func expert(_ c: Int, _ q: Var, labels: [Int], tape: Tape, _ p: [Var]) throws(TensorError) -> Var {
        let n = q.shape[0]
        let ec = try experts(q, p).slice(axis: 2, start: c, end: c + 1).reshaped([n, tasks])
        return try (ec * mask(labels, tape: tape)).sum(axis: 1)
    }

    public func rewards(_ inputs: RewardInputs, tape: Tape, leaves: [Var]?) throws(TensorError) -> Var {
        let (_, ids) = try inputs.worldIds(for: "moe_reward")
        let p = leaves ?? parameters.map { tape.parameter($0) }
        guard inputs.features.shape[1] == world.config.featureDim else {
            throw TensorError(op: "moe_reward", "the model reads \(world.config.featureDim) features, the candidates have \(inputs.features.shape[1])")
        }
        return try rewards(tape.constant(inputs.features.to(.f64)), labels: route(ids), tape: tape, p)
    }
}
