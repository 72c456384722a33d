import PrefCore
import PrefLanguage
import PrefLearn

/// Who scores `iterate`'s samples. Each is whole-batch: one call scores every sample of a round.
///
/// - `gold`: the toy world's gold reward r*(x, y) (an oracle labeler).
/// - `reward`: any reward (a reward model, an ensemble, the reward algebra, `w.gold_reward`).
/// - `function`: a pref function of the [n] tensor of candidate ids returning n numbers (a
///   verifier or test, as in PLUM / CodeDPO: e.g. `fn(ids) w.lookup(ids).gold > 0`).
/// - `selfReward`: the policy's own implicit reward β(log π(y|x) − log π_ref(y|x)) against the
///   policy as built (a reference that follows the rounds would score every sample 0 at the
///   start of each round), as in self-annotation (Kim et al. 2025, "Spread Preference Annotation" /
///   "Aligning LLMs with Self-generated Preference Data"; Rafailov et al. 2023 §5 for the form).
enum IterativeLabeler {
    case gold
    case reward(RewardObject)
    case function(Value)
    case selfReward(beta: Double)

    /// Reads argument `i`: "gold", "self", a reward or a function.
    static func read(_ call: BuiltinCall, _ i: Int, beta: Double) throws -> IterativeLabeler {
        switch call[i] {
        case .string(let s):
            switch s.value {
            case "gold": return .gold
            case "self": return .selfReward(beta: beta)
            default:
                throw call.error("unknown labeler \(Value.quote(s.value))",
                                 hint: "labelers are \"gold\", \"self\", a reward (a reward model, an ensemble, w.gold_reward) or a function of candidate ids")
            }
        case .native(let n):
            if let r = n.object as? RewardObject { return .reward(r) }
        case .function, .builtin:
            return .function(call[i])
        default: break
        }
        throw call.typeError(i, expected: "\"gold\", \"self\", a reward or a function of candidate ids",
                             hint: "e.g. labeler: \"gold\", labeler: reward_model(…) after fit, or labeler: fn(ids) w.lookup(ids).gold")
    }

    var name: String {
        switch self {
        case .gold: "gold"
        case .reward(let r): r.kind
        case .function: "function"
        case .selfReward: "self"
        }
    }

    /// The score of every candidate id in `ids` (any prompts), [ids.count].
    func scores(_ ids: [Int], policy: CandidatePolicy, reference: CandidatePolicy, world: ToyWorld?, call: BuiltinCall) throws -> [Double] {
        let k = policy.source.candidates
        let out: [Double]
        switch self {
        case .gold:
            guard let gold = policy.source.gold?.to(.f64).scalars else {
                throw call.error("the labeler \"gold\" needs a policy over a toy world (its candidates have no gold reward)",
                                 hint: "build the policy with candidate_policy(w), or pass a reward or a function as labeler")
            }
            out = ids.map { gold[$0] }
        case .reward(let r):
            guard let w = world ?? r.world else {
                throw call.error("a reward labeler needs the policy's toy world to look up the sampled candidates",
                                 hint: "build the policy with candidate_policy(w)")
            }
            let inputs = try RewardInputs(features: try w.featureTensor(ids, dtype: .f64), ids: ids, world: w)
            out = try r.reward.rewards(inputs).to(.f64).scalars
        case .function(let f):
            let arg = TensorValues.wrap(try Tensor(ids.map(Double.init), shape: [ids.count], dtype: .f64))
            let v = try call.interpreter.call(f, [arg])
            let t: Tensor
            do { t = try TensorLiteral.tensor(v, dtype: .f64, op: call.builtin.name) } catch {
                throw call.error("the labeler function must return a tensor or list of numbers, got \(v.typeName)",
                                 hint: "return one score per candidate id, e.g. fn(ids) w.lookup(ids).gold")
            }
            guard t.count == ids.count else {
                throw call.error("the labeler function returned \(t.count) scores for \(ids.count) candidate ids",
                                 hint: "return one score per id, in the order given")
            }
            out = t.to(.f64).scalars
        case .selfReward(let beta):
            // Each prompt's log-probs once, however many of its samples are scored.
            let prompts = Array(Set(ids.map { $0 / k })).sorted()
            var row = [Int: Int]()
            for (i, x) in prompts.enumerated() { row[x] = i }
            let lp = try policy.evaluate { t throws(TensorError) in try policy.logProbs(prompts: prompts, tape: t) }.to(.f64).scalars
            let lr = try reference.evaluate { t throws(TensorError) in try reference.logProbs(prompts: prompts, tape: t) }.to(.f64).scalars
            out = ids.map { id in
                let at = (row[id / k] ?? 0) * k + id % k
                return beta * (lp[at] - lr[at])
            }
        }
        if let bad = out.firstIndex(where: { !$0.isFinite }) {
            throw call.error("the labeler gave a non-finite score (\(Value.format(number: out[bad]))) to candidate \(ids[bad])",
                             hint: "labels must be finite numbers")
        }
        return out
    }
}
