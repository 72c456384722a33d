import PrefCore
import PrefLanguage
import PrefLearn

/// A trained PAL-A model as a pref value (`type(m)` is "pal"). Members: `prototypes` (K),
/// `users` (U), `dim`, `weights` (softmax(W), [U, K]), `history`; methods `user(i)` (a seen user's
/// reward) and `adapt(data, epochs:, lr:)` (few-shot fit of an unseen user's K weights with
/// everything else frozen), both returning a `pal_user`.
public final class PalObject: NativeObject, @unchecked Sendable {
    public let model: PalModel

    public init(_ model: PalModel) { self.model = model }

    public var typeName: String { "pal" }

    public var displayText: String {
        "<pal K=\(model.config.prototypes) over \(model.featureDim) features, \(model.users) users, d \(model.config.dim)>"
    }

    public func member(_ name: String) -> Value? {
        switch name {
        case "prototypes": return .number(Double(model.config.prototypes))
        case "users": return .number(Double(model.users))
        case "dim": return .number(Double(model.config.dim))
        case "weights": return try? TensorValues.wrap(model.weights())
        case "history": return RichRewardArguments.history(model.history)
        case "user": return .builtin(BuiltinBox(user))
        case "adapt": return .builtin(BuiltinBox(adapt))
        default: return nil
        }
    }

    public var memberNames: [String] { ["prototypes", "users", "dim", "weights", "history", "user", "adapt"] }

    private var user: Builtin {
        Builtin("user", [BuiltinParameter("i", .int, doc: "a user index 0…U−1 (the position of their data in pal's list)")],
                category: "reward models", doc: "User i's reward r_u(y) = −s‖f(y) − a_u‖ as a pal_user.") { call in
            let i = try call.whole(call[0], "i")
            guard (0..<self.model.users).contains(i) else {
                throw call.error("user \(i) is out of range 0…\(self.model.users - 1)")
            }
            return .native(NativeBox(PalUserObject(self.model, logits: try self.model.logits(user: i), name: "user \(i)")))
        }
    }

    private var adapt: Builtin {
        Builtin("adapt", [BuiltinParameter("data", doc: RichRewardArguments.dataDoc), RichRewardArguments.epochs(200), RichRewardArguments.lr(0.1)],
                category: "reward models",
                doc: "Few-shot adaptation (PAL §5.1, unseen users): freezes the item map, the prototypes and the scale, and fits only the new user's K weight logits (from 0, uniform weights) with full-batch Adam on their comparisons.") { call in
            let pairs = try RichRewardArguments.pairs(call, call[0], what: "data")
            try RichRewardArguments.check(call, pairs, dim: self.model.featureDim, what: "data")
            let logits = try self.model.adapt(chosen: pairs.chosen, rejected: pairs.rejected, options: try RichRewardArguments.options(call, 1))
            return .native(NativeBox(PalUserObject(self.model, logits: logits, name: "adapted from \(pairs.count) pairs")))
        }
    }
}

/// One user's PAL reward r_u(y) = −s‖f(y) − a_u‖ (`type(u)` is "pal_user"). Members: `weights`
/// ([K], the user's mixture over prototypes); methods `reward(x)`, `score(data)`, `accuracy(data)`.
public final class PalUserObject: NativeObject, @unchecked Sendable {
    public let model: PalModel
    /// The user's weight logits, [1, K].
    public let logits: Tensor
    let name: String

    init(_ model: PalModel, logits: Tensor, name: String) {
        self.model = model
        self.logits = logits
        self.name = name
    }

    public var typeName: String { "pal_user" }
    public var displayText: String { "<pal_user \(name), K=\(model.config.prototypes)>" }

    public func member(_ name: String) -> Value? {
        switch name {
        case "weights": return try? TensorValues.wrap(model.mixture(logits).reshaped([model.config.prototypes]))
        case "reward": return .builtin(BuiltinBox(reward))
        case "score": return .builtin(BuiltinBox(score))
        case "accuracy": return .builtin(BuiltinBox(accuracy))
        default: return nil
        }
    }

    public var memberNames: [String] { ["weights", "reward", "score", "accuracy"] }

    func scores(_ call: BuiltinCall) throws -> Tensor {
        let pairs = try RichRewardArguments.pairs(call, call[0], what: "data")
        try RichRewardArguments.check(call, pairs, dim: model.featureDim, what: "data")
        return try model.scores(chosen: pairs.chosen, rejected: pairs.rejected, logits: logits)
    }

    private var reward: Builtin {
        Builtin("reward", [BuiltinParameter("x", .tensor, doc: "[n, d] response features")], category: "reward models",
                doc: "r_u(y) = −s‖f(y) − a_u‖ per response, [n].") { call in
            TensorValues.wrap(try self.model.rewards(try RichRewardArguments.features(call, 0, dim: self.model.featureDim), logits: self.logits))
        }
    }

    private var score: Builtin {
        Builtin("score", [BuiltinParameter("data", doc: RichRewardArguments.dataDoc)], category: "reward models",
                doc: "r_u(chosen) − r_u(rejected) per pair, [n]: the logit of P(chosen ≻ rejected | u).") { call in
            TensorValues.wrap(try self.scores(call))
        }
    }

    private var accuracy: Builtin {
        Builtin("accuracy", [BuiltinParameter("data", doc: RichRewardArguments.dataDoc)], category: "reward models",
                doc: "The fraction of pairs the user's reward orders as labelled.") { call in
            .number(RichRewardFit.accuracy(try self.scores(call)))
        }
    }
}
