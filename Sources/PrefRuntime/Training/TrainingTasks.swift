import PrefCore
import PrefLanguage
import PrefLearn

/// Picks the training task of `fit(model, data, loss)` from the kinds of its arguments, with a
/// located error for a combination no task trains.
enum TrainingTasks {
    static func make(model: Value, data: Value, loss: LossObject, call: BuiltinCall) throws -> any TrainingTask {
        let referenceIndex = call.builtin.parameters.firstIndex { $0.name == "reference" }
        let reference: Value = referenceIndex.map { call[$0] } ?? .none
        if case .none = reference {} else if case .native(let n) = model, n.object is PolicyObject {} else {
            throw call.error("reference: is for candidate policies", hint: "a token policy's and a reward model's reference is fixed")
        }
        if case .native(let n) = model, let r = n.object as? RewardObject {
            return try RewardModelTask.make(r, data: try call.dataset(1), loss: loss, call: call)
        }
        if let tp = TokenPolicyBuiltins.argument(call, 0) { return try tokenTask(tp, loss: loss, call: call) }
        var p = try PolicyMethods.policyArgument(call, 0)
        if let referenceIndex, case .native = reference {
            // The trained policy with another π_ref: the same parameters, a different `initial`.
            let ref = try PolicyMethods.policyArgument(call, referenceIndex)
            try p.checkSameSource(ref, call: call)
            p = PolicyObject(p.policy, world: p.world, initial: ref.policy)
        } else if case .none = reference {} else {
            throw call.typeError(referenceIndex ?? 0, expected: "a candidate policy", hint: "reference(pi)")
        }
        guard !p.policy.isFrozen else { throw call.error("the model is a frozen reference; it has no parameters to train", hint: "train the policy itself") }
        let d = try call.dataset(1)
        guard d.count > 0 else { throw call.error("the data has no rows") }
        try checkGoals(p, data: d, call: call)
        if let form = loss.recordForm, form != "ranked" {
            throw call.error("\(loss.name) reads per-token log-probs, which a candidate policy does not have", hint: "train a token policy with it")
        }
        let custom = loss.terms.allSatisfy { if case .custom = $0.loss.kind { true } else { false } }
        switch d.kind {
        case .unpaired:
            guard loss.isUnpaired || custom else {
                throw call.error("\(loss.name) is a paired loss; the data is unpaired", hint: "use kto() or bco() on unpaired data, or pairs with \(loss.name)")
            }
            let (ids, desirable) = try PolicyData.unpairedExamples(d, policy: p, call: call)
            return try CandidateUnpairedTask(policy: p, loss: loss, ids: ids, desirable: desirable, interpreter: call.interpreter)
        case .ranked:
            guard loss.recordForm == "ranked" || custom else {
                throw call.error("\(loss.name) is not a listwise loss; the data is ranked lists",
                                 hint: "use plackett_luce(), lipo() or rank_dpo(), or turn the lists into pairs")
            }
            let (lists, labels) = try PolicyData.rankedExamples(d, policy: p, call: call)
            return try CandidateRankedTask(policy: p, loss: loss, lists: lists, labels: labels, interpreter: call.interpreter)
        case .ratings, .comparisons:
            throw call.error("fit trains a policy on pairs, unpaired labels or ranked lists; this is \(d.kind.rawValue) data",
                             hint: "turn it into pairs with to_pairs(data)")
        case .pairs, .logps:
            guard !loss.isUnpaired else { throw call.error("\(loss.name) needs unpaired data; this is \(d.kind.rawValue)", hint: "use w.unpaired(n), or a paired loss such as dpo()") }
            guard loss.recordForm == nil else { throw call.error("\(loss.name) needs ranked lists; this is \(d.kind.rawValue)", hint: "use w.ranked(n, size: 4)") }
            let ids = try PolicyData.pairIds(d, policy: p, call: call, joint: true)
            let goals = try PolicyGoal.rows(d, policy: p, count: ids.count, call: call)
            return try CandidatePairsTask(policy: p, loss: loss, ids: ids, goals: goals, interpreter: call.interpreter)
        }
    }

    /// A goal policy trains on relabelled pairs (each row's goal); a plain policy refuses them,
    /// whose two halves would cancel; a goal view (`pi.at(goal: g)`) is not trained.
    static func checkGoals(_ p: PolicyObject, data d: Dataset, call: BuiltinCall) throws {
        if p.fixedGoal != nil {
            throw call.error("pi.at(goal: g) is a view at a fixed goal; train the goal-conditioned policy itself",
                             hint: "fit(pi, relabel(pairs), dpo()), then evaluate pi.at(goal: g)")
        }
        if p.policy.goal == nil, d.features["goal"] != nil {
            throw call.error("the data is relabelled (it has goals) but the policy is not goal-conditioned: its two halves would cancel",
                             hint: "build the policy with candidate_policy(w, goal: [low, high])")
        }
        if p.policy.goal != nil, d.kind != .pairs {
            throw call.error("a goal-conditioned policy trains on relabelled pairs, not \(d.kind.rawValue) data", hint: "relabel(pairs)")
        }
    }

    /// The metrics `fit(…, eval: data)` records after every `every` epochs.
    static func evaluator(model: Value, data: Value, loss: LossObject, call: BuiltinCall) throws -> () throws -> [(String, Double)] {
        if case .native(let n) = model, let r = n.object as? RewardObject { return try RewardBuiltins.evaluator(r, data: try call.dataset(11), call) }
        if let tp = TokenPolicyBuiltins.argument(call, 0) {
            let pairs = try TokenPairs(try call.dataset(11), policy: tp, call: call)
            guard pairs.count > 0 else { throw call.error("the eval data has no pairs") }
            return { try TokenEvaluation.metrics(tp.policy, reference: tp.initial, pairs: pairs, beta: loss.beta) }
        }
        let p = try PolicyMethods.policyArgument(call, 0)
        let ids = try PolicyData.pairIds(try call.dataset(11), policy: p, call: call)
        let goals = try p.goals(1, call: call)?.first
        return { try Evaluation.metrics(p, ids: ids, beta: loss.beta) { n in goals.map { Array(repeating: $0, count: n) } } }
    }

    /// A token policy on its world's pairs (paired losses, or sparse_po on per-token log-probs)
    /// or ranked lists (tpo on step log-ratios).
    static func tokenTask(_ tp: TokenPolicyObject, loss: LossObject, call: BuiltinCall) throws -> any TrainingTask {
        guard !tp.policy.isFrozen else { throw call.error("the model is a frozen reference; it has no parameters to train", hint: "train the policy itself") }
        guard !loss.isUnpaired else { throw call.error("\(loss.name) needs unpaired data; fit trains a token policy on pairs", hint: "use a paired loss such as dpo()") }
        let d = try call.dataset(1)
        if d.kind == .ranked {
            guard loss.recordForm == "tree" else {
                throw call.error("fit trains a token policy on ranked lists with tpo(); \(loss.name) does not read them", hint: "use tpo(), or pairs with \(loss.name)")
            }
            let k = tp.world.config.candidates
            let (lists, labels) = try PolicyData.rankedExamples(d, candidates: k, total: tp.world.config.totalPrompts * k, call: call)
            guard !lists.isEmpty else { throw call.error("the data has no lists") }
            guard loss.tpoStepRewards.count == 1 else {
                throw call.error("the tpo terms of one loss must share their step_reward", hint: "use step_reward: \"sum\" (or \"mean\") in every tpo term")
            }
            return TokenTreeTask(policy: tp, loss: loss, lists: lists, labels: labels, interpreter: call.interpreter)
        }
        if let form = loss.recordForm, form != "tokens" {
            throw call.error("\(loss.name) reads a \(form) record; on pairs fit trains a token policy with paired losses or sparse_po",
                             hint: form == "tree" ? "train tpo() on ranked lists: w.ranked(n, size: 4)" : "use dpo(), simpo(), … or sparse_po()")
        }
        let pairs = try TokenPairs(d, policy: tp, call: call)
        guard pairs.count > 0 else { throw call.error("the data has no pairs") }
        return try TokenPairsTask(policy: tp, loss: loss, pairs: pairs, interpreter: call.interpreter)
    }
}
