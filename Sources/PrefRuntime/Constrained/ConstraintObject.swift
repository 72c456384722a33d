import PrefCore
import PrefLanguage
import PrefLearn

/// A constraint on a reward's expected value as a pref value (`type(c)` is "constraint"),
/// made by comparing a reward with a number: `helpful >= 1.2`, `safety <= 0.5`, `r1 == 1.7`
/// (the number may stand on either side: `1.2 <= helpful` is `helpful >= 1.2`). Comparing two
/// rewards with `>=` or `<=` constrains their difference: `a >= b` is `a - b >= 0`.
/// `constrained(policy, subject_to: [...])` takes a list (or a record, which names them) of these.
public final class ConstraintObject: NativeObject, @unchecked Sendable {
    public let constraint: RewardConstraint
    /// The world of the reward, where candidates are looked up.
    public let world: ToyWorld?

    public init(_ constraint: RewardConstraint, world: ToyWorld?) {
        self.constraint = constraint
        self.world = world
    }

    public var typeName: String { "constraint" }
    public var displayText: String { "<constraint: \(constraint.summary)>" }

    public func member(_ name: String) -> Value? {
        switch name {
        case "reward": RewardObject.value(constraint.reward, world: world)
        case "relation": .str(constraint.relation.rawValue)
        case "threshold": .number(constraint.threshold)
        case "summary": .str(constraint.summary)
        default: nil
        }
    }

    public var memberNames: [String] { ["reward", "relation", "threshold", "summary"] }

    /// `reward op other` (or `other op reward`) as a constraint; nil when the comparison is not
    /// one of a reward with a number (or `>=`/`<=` of two rewards), so other meanings stand.
    static func comparison(_ op: BinaryOperator, _ reward: RewardObject, _ other: Value, rewardOnLeft: Bool) throws -> Value? {
        var otherReward: RewardObject? = nil
        switch other {
        case .number: break
        case .native(let box) where box.object is RewardObject: otherReward = box.object as? RewardObject
        default: return nil
        }
        // Seen from the reward: `1.2 <= r` is `r >= 1.2`.
        let flipped: [BinaryOperator: BinaryOperator] = [.less: .greater, .greater: .less, .lessEqual: .greaterEqual, .greaterEqual: .lessEqual]
        let seen = rewardOnLeft ? op : (flipped[op] ?? op)
        let relation: RewardConstraint.Relation
        switch seen {
        case .greaterEqual: relation = .atLeast
        case .lessEqual: relation = .atMost
        case .equal: relation = .equal
        case .greater, .less:
            throw RuntimeError("a constraint on a reward uses '>=', '<=' or '==', not '\(op.rawValue)'",
                               hint: "expected rewards are compared with their thresholds inclusively: write r >= 1.2")
        default: return nil
        }
        switch other {
        case .number(let threshold):
            guard threshold.isFinite else { throw RuntimeError("a constraint's threshold must be finite, got \(Value.number(threshold).displayText)") }
            return value(try RewardConstraint(reward.reward, relation, threshold), reward.world)
        default:
            guard let b = otherReward, relation != .equal else { return nil }
            let (left, right) = rewardOnLeft ? (reward, b) : (b, reward)
            let difference = WeightedSumReward([(1, left.reward), (-1, right.reward)])
            return value(try RewardConstraint(difference, relation, 0), reward.world ?? b.world)
        }
    }

    static func value(_ c: RewardConstraint, _ world: ToyWorld?) -> Value {
        .native(NativeBox(ConstraintObject(c, world: world)))
    }
}
