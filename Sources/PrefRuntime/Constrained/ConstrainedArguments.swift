import PrefCore
import PrefLanguage
import PrefLearn

/// The arguments of `constrained`, read and checked once: the policy, the named constraints
/// with their component-reward matrices, the knobs of the primal and dual steps and of NM-PPO.
struct ConstrainedArguments {
    let policy: PolicyObject
    let names: [String]
    let constraints: [ConstraintObject]
    let kind: ConstrainedKind
    let beta: Double
    let lagrangeLR: Double
    let momentum: Double
    let squash: Bool
    let steps: Int
    let lr: Double
    let config: PolicyGradientConfig
    let optimizerName: String
    let searchThresholds: Bool
    let search: ThresholdSearch
    let dualClip: Double?
    let seed: UInt64
    let split: ToyWorld.Split

    enum Arg {
        static let policy = 0, subjectTo = 1, kind = 2, kl = 3, lagrangeLR = 4, momentum = 5, squash = 6, steps = 7, lr = 8, algo = 9
        static let optimizer = 10, exact = 11, samples = 12, evaluate = 13, thresholds = 14, nmIters = 15, evalEvery = 16, within = 17
        static let cacheTol = 18, nmTol = 19, dualClip = 20, seed = 21, split = 22
    }

    init(_ call: BuiltinCall) throws {
        policy = try RLHFRun.policy(call, Arg.policy)
        (names, constraints) = try Self.constraints(call)
        kind = ConstrainedKind(rawValue: try call.choice(Arg.kind, ConstrainedKind.allCases.map(\.rawValue))) ?? .mu
        beta = try RLHFRun.number(call, Arg.kl, "kl", positive: false)
        lagrangeLR = try RLHFRun.number(call, Arg.lagrangeLR, "lagrange_lr", positive: true)
        momentum = try RLHFRun.number(call, Arg.momentum, "momentum", positive: false)
        guard momentum < 1 else { throw call.error("momentum must be in [0, 1), got \(Value.number(momentum).displayText)") }
        squash = call.bool(Arg.squash)
        steps = try call.whole(call[Arg.steps], "steps")
        guard (1...10_000_000).contains(steps) else { throw call.error("steps must be 1…10000000, got \(steps)") }
        lr = try RLHFRun.number(call, Arg.lr, "lr", positive: true)
        var c = PolicyGradientConfig()
        c.algorithm = PolicyGradientAlgorithm(rawValue: try call.choice(Arg.algo, ["reinforce", "ppo"])) ?? .reinforce
        c.beta = 0
        c.exact = call.bool(Arg.exact)
        c.samples = try call.whole(call[Arg.samples], "samples")
        guard (1...100_000).contains(c.samples) else { throw call.error("samples must be 1…100000, got \(c.samples)") }
        config = c
        optimizerName = try call.choice(Arg.optimizer, ["sgd", "adam", "adamw"])
        searchThresholds = try call.choice(Arg.thresholds, ["given", "nelder_mead"]) == "nelder_mead"
        var search = ThresholdSearch(budget: Swift.max(1, steps / 10))
        search.nelderMead.maxIterations = try call.whole(call[Arg.nmIters], "nm_iters")
        search.evalEvery = try call.whole(call[Arg.evalEvery], "eval_every")
        search.within = try RLHFRun.number(call, Arg.within, "within", positive: false)
        search.nelderMead.cacheTolerance = try RLHFRun.number(call, Arg.cacheTol, "cache_tol", positive: false)
        search.nelderMead.tolerance = try RLHFRun.number(call, Arg.nmTol, "nm_tol", positive: false)
        guard search.nelderMead.maxIterations >= 0, search.evalEvery >= 1 else { throw call.error("nm_iters must be ≥ 0 and eval_every ≥ 1") }
        self.search = search
        if case .none = call[Arg.dualClip] { dualClip = nil } else { dualClip = try RLHFRun.number(call, Arg.dualClip, "dual_clip", positive: true) }
        let s = try call.optionalInt(Arg.seed) ?? Int(call.session?.seed ?? 0)
        guard s >= 0 else { throw call.error("seed must be a whole number ≥ 0, got \(s)") }
        seed = UInt64(s)
        split = ToyWorld.Split(rawValue: try call.choice(Arg.split, ["train", "test"])) ?? .train
        if searchThresholds && kind == .sat { throw call.error("the threshold search runs a constrained kind, not sat", hint: "use kind: \"xi\"") }
    }

    /// A list of constraints (named r1, r2, …) or a record of them (named by its keys).
    static func constraints(_ call: BuiltinCall) throws -> ([String], [ConstraintObject]) {
        let entries: [(String, Value)]
        switch call[Arg.subjectTo] {
        case .list(let l): entries = l.items.enumerated().map { ("r\($0.offset + 1)", $0.element) }
        case .record(let r): entries = r.keys.compactMap { k in r[k].map { (k, $0) } }
        case .native(let n) where n.object is ConstraintObject: entries = [("r1", call[Arg.subjectTo])]
        default: throw call.typeError(Arg.subjectTo, expected: "a list or a record of constraints", hint: "subject_to: [r1 >= 1.2, r2 >= 0.8]")
        }
        guard !entries.isEmpty else { throw call.error("subject_to has no constraints", hint: "subject_to: [r1 >= 1.2]") }
        let constraints = try entries.map { name, v -> ConstraintObject in
            guard case .native(let n) = v, let c = n.object as? ConstraintObject else {
                throw call.error("subject_to's \(name) is a \(v.typeName), not a constraint", hint: "compare a reward with its threshold: r >= 1.2")
            }
            return c
        }
        return (entries.map(\.0), constraints)
    }
}
