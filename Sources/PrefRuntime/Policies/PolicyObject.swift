import PrefCore
import PrefLanguage
import PrefLearn

/// A candidate policy as a pref value (`type(p)` is "policy"). Members: `kind`, `hidden`,
/// `parameters` (trainable tensors; none for a reference), `frozen`, `candidates`; methods
/// `kl`, `expected_gold`, `sample` and `logprobs` (`PolicyMethods`).
public final class PolicyObject: NativeObject, @unchecked Sendable {
    public let policy: CandidatePolicy
    /// The world the policy ranges over, for lengths and for checking data ids.
    public let world: ToyWorld?
    /// The policy as it was built: `logps`'s default reference.
    public let initial: CandidatePolicy

    public init(_ policy: CandidatePolicy, world: ToyWorld?, initial: CandidatePolicy? = nil) {
        self.policy = policy
        self.world = world
        self.initial = initial ?? policy.frozen()
    }

    public var typeName: String { "policy" }

    /// The parameters as pref tensors, made once so `grad(…, wrt: p.parameters)` finds the same
    /// boxes the policy's methods record with.
    public private(set) lazy var parameterBoxes: [TensorBox] = policy.isFrozen ? [] : policy.parameters.map { TensorBox(.parameter($0)) }

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
        return text + (policy.isFrozen ? ", frozen>" : ">")
    }

    public func member(_ name: String) -> Value? {
        if let m = PolicyMethods.bound(name, to: self) { return m }
        switch name {
        case "kind": return .str(policy.kind.rawValue)
        case "hidden": return .number(Double(policy.hidden))
        case "frozen": return .bool(policy.isFrozen)
        case "candidates": return .number(Double(policy.source.candidates))
        case "parameters":
            return .list(parameterBoxes.map { .tensor($0) })
        default: return nil
        }
    }

    public var memberNames: [String] { ["kind", "hidden", "frozen", "candidates", "parameters"] + PolicyMethods.names }

    /// Refuses a policy over another world or candidate set.
    func checkSameSource(_ other: PolicyObject, call: BuiltinCall) throws {
        guard other.policy.source.origin == policy.source.origin, other.policy.source.psi.shape == policy.source.psi.shape else {
            throw call.error("the reference ranges over a different world or candidate set than the policy",
                             hint: "make the reference with reference(policy)")
        }
    }
}
