import PrefCore
import PrefLanguage
import PrefLearn

/// A trained PAL-A model as a pref value (`type(m)` is "pal"). Members: `prototypes` (K),
/// `users` (U), `dim`, `weights` (softmax(W), [U, K]), `history`; methods `user(i)` (a seen user's
/// reward) and `adapt(data, epochs:, lr:)` (few-shot fit of an unseen user's K weights with
/// everything else frozen), both returning a reward of kind "pal_user" (r_u(y) = −s‖f(y) − a_u‖) with `weights` and `accuracy(data)`.
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
                category: "richer rewards", doc: "User i's reward r_u(y) = −s‖f(y) − a_u‖, a reward of kind \"pal_user\".") { call in
            let i = try call.whole(call[0], "i")
            guard (0..<self.model.users).contains(i) else {
                throw call.error("user \(i) is out of range 0…\(self.model.users - 1)")
            }
            return RewardObject.value(PalUserReward(self.model, logits: try self.model.logits(user: i), name: "user \(i)"), world: nil)
        }
    }

    private var adapt: Builtin {
        Builtin("adapt", [BuiltinParameter("data", doc: RichRewardArguments.dataDoc), RichRewardArguments.epochs(200), RichRewardArguments.lr(0.1)],
                category: "richer rewards",
                doc: "Few-shot adaptation (PAL §5.1, unseen users): freezes the item map, the prototypes and the scale, and fits only the new user's K weight logits (from 0, uniform weights) with full-batch Adam on their comparisons.") { call in
            let pairs = try RichRewardArguments.pairs(call, call[0], what: "data")
            try RichRewardArguments.check(call, pairs, dim: self.model.featureDim, what: "data")
            let logits = try self.model.adapt(chosen: pairs.chosen, rejected: pairs.rejected, options: try RichRewardArguments.options(call, 1))
            return RewardObject.value(PalUserReward(self.model, logits: logits, name: "adapted from \(pairs.count) pairs"), world: nil)
        }
    }
}
