import PrefCore
import PrefLanguage
import PrefLearn

/// Any reward as a pref value (`type(r)` is "reward"): a learned reward model, an ensemble, a
/// combination from the reward algebra, the toy world's gold reward or `length`. It wraps a
/// PrefLearn `RewardFunction`, so every consumer (`score`, `evaluate`, `best_of_n`, RLHF) takes
/// any of them. `r(x)` is `score(r, x)`; `0.5 * a + 0.5 * b`, `a - 0.1 * length`, `a + 1` and
/// `min(a, b)` make new rewards;
/// `r >= 1.2`, `r <= 0.5` and `r == 1.7` make constraints (`ConstraintObject`).
public final class RewardObject: NativeObject, NativeArithmetic, NativeCallable, @unchecked Sendable {
    public let reward: any RewardFunction
    /// The toy world the reward knows (its gold, its ψ view, or the world a model was built
    /// on): candidates of datasets are looked up there (lengths, ψ, gold).
    public let world: ToyWorld?

    public init(_ reward: any RewardFunction, world: ToyWorld?) {
        self.reward = reward
        self.world = world
    }

    public static func value(_ reward: any RewardFunction, world: ToyWorld?) -> Value {
        .native(NativeBox(RewardObject(reward, world: world)))
    }

    public var typeName: String { "reward" }
    public var displayText: String { "<reward: \(reward.summary)>" }

    /// "linear", "mlp", "ensemble", "sum", "standardized", "gold", "length" or the type's name.
    public var kind: String {
        switch reward {
        case let m as RewardModel: m.kind.rawValue
        case is EnsembleReward: "ensemble"
        case is WeightedSumReward: "sum"
        case is StandardizedReward: "standardized"
        case is GoldReward: "gold"
        case is ComponentReward: "component"
        case is LengthReward: "length"
        case is UtilityReward: "utility"
        default: RichRewardMembers.kind(reward) ?? String(describing: type(of: reward))
        }
    }

    public func member(_ name: String) -> Value? {
        switch name {
        case "kind": return .str(kind)
        case "summary": return .str(reward.summary)
        case "hidden": return (reward as? RewardModel).map { .number(Double($0.hidden)) }
        case "view": return (reward as? RewardModel).map { .str($0.view.rawValue) }
        case "parameters":
            guard let t = reward as? any TrainableReward else { return .list(ListBox([])) }
            return .list(ListBox(t.parameters.map { TensorValues.wrap($0.value.copy()) }))
        case "members":
            guard let e = reward as? EnsembleReward else { return nil }
            return .list(ListBox(e.members.map { RewardObject.value($0, world: world) }))
        case "combine": return (reward as? EnsembleReward).map { .str($0.combination.name) }
        case "terms":
            guard let s = reward as? WeightedSumReward else { return nil }
            return .list(ListBox(s.terms.map { t in .record(RecordBox([("weight", .number(t.weight)), ("reward", RewardObject.value(t.reward, world: world))])) }))
        default: return RichRewardMembers.member(self, name)
        }
    }

    public var memberNames: [String] { ["kind", "summary", "hidden", "view", "parameters", "members", "combine", "terms"] + RichRewardMembers.names(reward) }

    /// `r(x)`: the rewards of x, as `score(r, x)`.
    public var callTarget: Builtin {
        Builtin("reward", [RewardBuiltins.dataParameter, RewardBuiltins.worldParameter], category: "rewards",
                doc: "The rewards of candidates: score(r, x).") { call in
            try RewardBuiltins.score(self, call, data: 0, world: 1)
        }
    }

    // MARK: Reward algebra

    public func binary(_ op: BinaryOperator, _ other: Value, selfOnLeft: Bool) throws -> Value? {
        switch (op, other) {
        case (.greaterEqual, _), (.lessEqual, _), (.greater, _), (.less, _), (.equal, .number):
            return try ConstraintObject.comparison(op, self, other, rewardOnLeft: selfOnLeft)
        case (.add, .native(let box)), (.subtract, .native(let box)):
            guard let b = box.object as? RewardObject else { return nil }
            let sign = op == .add ? 1.0 : -1.0
            let terms: [(weight: Double, reward: any RewardFunction)] =
                selfOnLeft ? [(1, reward), (sign, b.reward)] : [(1, b.reward), (sign, reward)]
            return combined(WeightedSumReward(terms), b)
        case (.add, .number(let c)), (.subtract, .number(let c)):
            try Self.checkFinite(c, "a constant added to a reward")
            let own: Double = op == .subtract && !selfOnLeft ? -1 : 1
            let constant = op == .subtract && selfOnLeft ? -c : c
            return combined(WeightedSumReward([(own, reward)], constant: constant), nil)
        case (.multiply, .number(let w)):
            try Self.checkFinite(w, "a reward weight")
            return combined(WeightedSumReward([(w, reward)]), nil)
        case (.divide, .number(let w)) where selfOnLeft:
            guard w != 0 else { throw RuntimeError("cannot divide a reward by 0") }
            try Self.checkFinite(w, "a reward divisor")
            return combined(WeightedSumReward([(1 / w, reward)]), nil)
        default: return nil
        }
    }

    /// A new reward object keeping whichever world the operands know.
    func combined(_ r: any RewardFunction, _ other: RewardObject?) -> Value {
        RewardObject.value(r, world: world ?? other?.world)
    }

    static func checkFinite(_ x: Double, _ what: String) throws {
        guard x.isFinite else { throw RuntimeError("\(what) must be finite, got \(Value.number(x).displayText)") }
    }
}
