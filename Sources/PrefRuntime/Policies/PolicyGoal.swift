import PrefCore
import PrefLanguage
import PrefLearn

/// Goals of goal-conditioned candidate policies (reward-augmented relabelling, §6.13): the
/// `goal:` range of `candidate_policy`, and the per-row goals a policy reads from data.
enum PolicyGoal {
    /// Argument `i`: none, or [low, high] with low < high; argument i + 1 its encoding
    /// ("linear" or "onehot", whole-number bounds).
    static func range(_ call: BuiltinCall, _ i: Int) throws -> GoalRange? {
        let encoding = GoalRange.Encoding(rawValue: try call.choice(i + 1, GoalRange.Encoding.allCases.map(\.rawValue))) ?? .linear
        if case .none = call[i] {
            guard encoding == .linear else { throw call.error("goal_encoding needs a goal range", hint: "e.g. goal: [0, 4], goal_encoding: \"onehot\"") }
            return nil
        }
        let bounds: [Double]
        switch call[i] {
        case .list(let l): bounds = try l.items.map { v in
            guard case .number(let x) = v else { throw call.typeError(i, expected: "a list [low, high] of two numbers") }
            return x
        }
        case .tensor(let box): bounds = try TensorValues.tensor(box).to(.f64).scalars
        default: throw call.typeError(i, expected: "a list [low, high] of two numbers", hint: "e.g. goal: [0, 4] for the grades 0…4")
        }
        guard bounds.count == 2 else {
            throw call.error("goal must be [low, high], two numbers, not \(bounds.count)", hint: "e.g. goal: [0, 4] for the grades 0…4")
        }
        // GoalRange checks the bounds (finite, ordered, whole for one-hot); its error is the user's.
        do {
            return try GoalRange(low: bounds[0], high: bounds[1], encoding: encoding)
        } catch {
            throw call.error(error.message, hint: error.hint)
        }
    }

    /// The goal of each of `n` data rows for `o`: nil for a plain policy, the view's goal for
    /// `pi.at(goal: g)`, else the data's "goal" feature (relabel adds it), each in range.
    static func rows(_ data: Dataset, policy o: PolicyObject, count n: Int, call: BuiltinCall) throws -> [Double]? {
        guard let range = o.policy.goal else { return nil }
        if let g = o.fixedGoal { return Array(repeating: g, count: n) }
        guard let t = data.features["goal"] else {
            throw call.error("the policy is goal-conditioned but the data has no goal feature",
                             hint: "relabel scored pairs with relabel(pairs), or fix a goal with pi.at(goal: g)")
        }
        guard t.count == n, t.rank == 1 || (t.rank == 2 && t.shape[1] == 1) else {
            throw call.error("the goal feature must hold one number per row ([\(n), 1]), not \(t.shape)")
        }
        let goals = t.to(.f64).scalars
        if let r = goals.firstIndex(where: { !range.contains($0) }) {
            throw call.error("row \(r): goal \(Value.format(number: goals[r])) is outside the policy's goal range \(range)",
                             hint: "build the policy with a goal range covering the data's scores, e.g. goal: [min, max]")
        }
        if range.encoding == .onehot, let r = goals.firstIndex(where: { $0 != $0.rounded() }) {
            throw call.error("row \(r): goal \(Value.format(number: goals[r])) is not a whole number, and the policy's goal range is \(range)",
                             hint: "relabel whole-number scores (scores: \"grade\"), or build the policy with goal_encoding: \"linear\"")
        }
        return goals
    }
}
