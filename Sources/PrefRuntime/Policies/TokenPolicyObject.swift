import PrefCore
import PrefLanguage
import PrefLearn

/// A token policy as a pref value (`type(tp)` is "token_policy"). Members: `vocab`, `hidden`,
/// `context`, `frozen`, `parameters` (trainable tensors; none for a reference); methods
/// `sample`, `token_logps` and `pair_logps` (`TokenPolicyMethods`).
public final class TokenPolicyObject: NativeObject, @unchecked Sendable {
    public let policy: TokenPolicy
    /// The token-view world whose prompts and candidate sequences the policy ranges over.
    public let world: ToyWorld
    /// The policy as it was built: the default reference of `logps`, `token_logps` and `fit`.
    public let initial: TokenPolicy
    /// SparsePO's mask network, made by the first `fit` with `sparse_po(mask: "common" | "independent")`
    /// and trained on by later fits with the same kind (`SparseMasks`); `tp.masks(data)` reads it.
    public var maskNetwork: SparseMaskNetwork?

    public init(_ policy: TokenPolicy, world: ToyWorld, initial: TokenPolicy? = nil) {
        self.policy = policy
        self.world = world
        self.initial = initial ?? policy.frozen()
    }

    public var typeName: String { "token_policy" }

    /// The parameters as pref tensors, made once so `grad(…, wrt: tp.parameters)` finds the same
    /// boxes the methods record with.
    public private(set) lazy var parameterBoxes: [TensorBox] = policy.isFrozen ? [] : policy.parameters.map { TensorBox(.parameter($0)) }

    /// The tape the methods record on and the parameters' leaves there (`PolicyTape`).
    func leaves(_ call: BuiltinCall) -> (Tape, [Var]?) {
        PolicyTape.leaves(call, policy.parameters, boxes: parameterBoxes, frozen: policy.isFrozen)
    }

    public var displayText: String {
        "<token_policy over \(policy.vocabulary) tokens + EOS, context \(policy.context), hidden \(policy.hidden), "
            + "\(policy.prompts) prompts\(policy.isFrozen ? ", frozen" : "")>"
    }

    public func member(_ name: String) -> Value? {
        if let m = TokenPolicyMethods.bound(name, to: self) { return m }
        switch name {
        case "vocab": return .number(Double(policy.vocabulary))
        case "hidden": return .number(Double(policy.hidden))
        case "context": return .number(Double(policy.context))
        case "frozen": return .bool(policy.isFrozen)
        case "parameters": return .list(parameterBoxes.map { .tensor($0) })
        default: return nil
        }
    }

    public var memberNames: [String] { ["vocab", "hidden", "context", "frozen", "parameters"] + TokenPolicyMethods.names }

    /// Refuses a reference over another world or vocabulary.
    func checkReference(_ other: TokenPolicyObject, call: BuiltinCall) throws {
        guard policy.isCompatible(with: other.policy) else {
            throw call.error("the reference ranges over a different world or vocabulary than the policy", hint: "make the reference with reference(tp)")
        }
    }

    /// The reference argument `i` (none: the policy as built).
    func reference(_ call: BuiltinCall, _ i: Int) throws -> TokenPolicy {
        if case .none = call[i] { return initial }
        guard case .native(let n) = call[i], let r = n.object as? TokenPolicyObject else {
            throw call.typeError(i, expected: "a token policy", hint: "make the reference with reference(tp)")
        }
        try checkReference(r, call: call)
        return r.policy
    }
}
