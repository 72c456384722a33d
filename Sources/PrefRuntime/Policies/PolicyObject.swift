import PrefCore
import PrefLanguage
import PrefLearn

/// A candidate policy as a pref value (`type(p)` is "policy"). Members: `kind`, `hidden`,
/// `parameters` (trainable tensors; none for a reference), `frozen`, `candidates`, `goal`,
/// `goal_range`; methods `kl`, `expected_gold`, `sample`, `logprobs` and `at` (`PolicyMethods`).
/// `pi.at(goal: g)` of a goal-conditioned policy is a view of the same parameters at a fixed goal.
public final class PolicyObject: NativeObject, @unchecked Sendable {
    public let policy: CandidatePolicy
    /// The world the policy ranges over, for lengths and for checking data ids.
    public let world: ToyWorld?
    /// The policy as it was built: `logps`'s default reference.
    public let initial: CandidatePolicy
    /// The goal g of `pi.at(goal: g)`: every prompt is conditioned on it. Nil for the goal
    /// policy itself (goals come per row from relabelled data) and for plain policies.
    public let fixedGoal: Double?
    /// The policy a goal view was taken of: its parameter boxes are the view's, so `grad(…, wrt:
    /// pi.parameters)` reaches through `pi.at(goal: g)`.
    private let base: PolicyObject?

    public init(_ policy: CandidatePolicy, world: ToyWorld?, initial: CandidatePolicy? = nil) {
        self.policy = policy
        self.world = world
        self.initial = initial ?? policy.frozen()
        fixedGoal = nil
        base = nil
    }

    /// `base` at the fixed goal `goal`.
    init(_ base: PolicyObject, atGoal goal: Double) {
        policy = base.policy
        world = base.world
        initial = base.initial
        fixedGoal = goal
        self.base = base.base ?? base
    }

    public var typeName: String { "policy" }

    /// The parameters as pref tensors, made once so `grad(…, wrt: p.parameters)` finds the same
    /// boxes the policy's methods record with.
    public var parameterBoxes: [TensorBox] { base?.parameterBoxes ?? ownBoxes }
    private lazy var ownBoxes: [TensorBox] = policy.isFrozen ? [] : policy.parameters.map { TensorBox(.parameter($0)) }

    /// The goal of each of `n` prompts for the policy's (and `other`'s) methods: nil when neither
    /// is goal-conditioned, the fixed goal of a view (this one's, else `other`'s); a goal policy
    /// with no fixed goal is refused.
    func goals(_ n: Int, call: BuiltinCall, other: PolicyObject? = nil) throws -> [Double]? {
        guard policy.goal != nil || other?.policy.goal != nil else { return nil }
        guard let g = fixedGoal ?? other?.fixedGoal else {
            throw call.error("the policy is goal-conditioned (goals \((policy.goal ?? other?.policy.goal).map { "\($0)" } ?? "")): pick the goal to evaluate at",
                             hint: "use pi.at(goal: g), e.g. the highest goal at inference")
        }
        return Array(repeating: g, count: n)
    }

    /// A tensor-valued functional of the policy: recorded on the tape inside `grad` (with the
    /// `wrt` leaves of its parameters), else computed eagerly.
    func compute(_ call: BuiltinCall, _ body: (Tape, [Var]?) throws(TensorError) -> Var) throws -> Value {
        let (tape, leaves) = PolicyTape.leaves(call, policy.parameters, boxes: parameterBoxes, frozen: policy.isFrozen)
        return try PolicyTape.value(try body(tape, leaves), call: call)
    }

    public var displayText: String {
        let s = policy.source
        var text = "<policy \(policy.kind.rawValue)"
        if policy.kind == .mlp { text += ", hidden \(policy.hidden)" }
        text += " over \(s.prompts) prompts × \(s.candidates) candidates, ψ of \(s.dim)"
        if let g = policy.goal { text += fixedGoal.map { ", at goal \(Value.format(number: $0)) of \(g)" } ?? ", goals \(g)" }
        return text + (policy.isFrozen ? ", frozen>" : ">")
    }

    public func member(_ name: String) -> Value? {
        if let m = PolicyMethods.bound(name, to: self) { return m }
        switch name {
        case "kind": return .str(policy.kind.rawValue)
        case "hidden": return .number(Double(policy.hidden))
        case "frozen": return .bool(policy.isFrozen)
        case "candidates": return .number(Double(policy.source.candidates))
        case "goal": return fixedGoal.map { .number($0) } ?? Value.none
        case "goal_range": return policy.goal.map { .list([.number($0.low), .number($0.high)]) } ?? Value.none
        case "parameters":
            return .list(parameterBoxes.map { .tensor($0) })
        default: return nil
        }
    }

    public var memberNames: [String] { ["kind", "hidden", "frozen", "candidates", "parameters", "goal", "goal_range"] + PolicyMethods.names }

    /// Refuses a policy over another world or candidate set.
    func checkSameSource(_ other: PolicyObject, call: BuiltinCall) throws {
        guard other.policy.source.origin == policy.source.origin, other.policy.source.psi.shape == policy.source.psi.shape else {
            throw call.error("the reference ranges over a different world or candidate set than the policy",
                             hint: "make the reference with reference(policy)")
        }
    }
}
