import PrefCore
import PrefLanguage
import PrefLearn

/// Picks the training task of `fit(model, data, loss)` from the kinds of its arguments, with a
/// located error for a combination no task trains.
enum TrainingTasks {
    static func make(model: Value, data: Value, loss: LossObject, call: BuiltinCall) throws -> any TrainingTask {
        let p = try PolicyMethods.policyArgument(call, 0)
        guard !p.policy.isFrozen else { throw call.error("the model is a frozen reference; it has no parameters to train", hint: "train the policy itself") }
        let d = try call.dataset(1)
        guard d.count > 0 else { throw call.error("the data has no rows") }
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
            let ids = try PolicyData.pairIds(d, policy: p, call: call)
            return try CandidatePairsTask(policy: p, loss: loss, ids: ids, interpreter: call.interpreter)
        }
    }

    /// The metrics `fit(…, eval: data)` records after every `every` epochs.
    static func evaluator(model: Value, data: Value, loss: LossObject, call: BuiltinCall) throws -> () throws -> [(String, Double)] {
        let p = try PolicyMethods.policyArgument(call, 0)
        let ids = try PolicyData.pairIds(try call.dataset(11), policy: p, call: call)
        return { try Evaluation.metrics(p, ids: ids, beta: loss.beta) }
    }
}
