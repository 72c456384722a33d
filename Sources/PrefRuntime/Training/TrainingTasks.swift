import PrefCore
import PrefLanguage
import PrefLearn

/// Picks the training task of `fit(model, data, loss)` from the kinds of its arguments, with a
/// located error for a combination no task trains.
enum TrainingTasks {
    static func make(model: Value, data: Value, loss: LossObject, call: BuiltinCall) throws -> any TrainingTask {
        if let tp = TokenPolicyBuiltins.argument(call, 0) { return try tokenTask(tp, loss: loss, call: call) }
        let p = try PolicyMethods.policyArgument(call, 0)
        guard !p.policy.isFrozen else { throw call.error("the model is a frozen reference; it has no parameters to train", hint: "train the policy itself") }
        let ids = try PolicyData.pairIds(try call.dataset(1), policy: p, call: call)
        guard !ids.isEmpty else { throw call.error("the data has no pairs") }
        guard !loss.isUnpaired else { throw call.error("\(loss.name) needs unpaired data; fit trains on pairs", hint: "use a paired loss such as dpo()") }
        return try CandidatePairsTask(policy: p, loss: loss, ids: ids, interpreter: call.interpreter)
    }

    /// The metrics `fit(…, eval: data)` records after every `every` epochs.
    static func evaluator(model: Value, data: Value, loss: LossObject, call: BuiltinCall) throws -> () throws -> [(String, Double)] {
        if let tp = TokenPolicyBuiltins.argument(call, 0) {
            let pairs = try TokenPairs(try call.dataset(11), policy: tp, call: call)
            guard pairs.count > 0 else { throw call.error("the eval data has no pairs") }
            return { try TokenEvaluation.metrics(tp.policy, reference: tp.initial, pairs: pairs, beta: loss.beta) }
        }
        let p = try PolicyMethods.policyArgument(call, 0)
        let ids = try PolicyData.pairIds(try call.dataset(11), policy: p, call: call)
        return { try Evaluation.metrics(p, ids: ids, beta: loss.beta) }
    }

    /// A token policy on pairs of its world: paired losses, or sparse_po on per-token log-probs.
    static func tokenTask(_ tp: TokenPolicyObject, loss: LossObject, call: BuiltinCall) throws -> any TrainingTask {
        guard !tp.policy.isFrozen else { throw call.error("the model is a frozen reference; it has no parameters to train", hint: "train the policy itself") }
        guard !loss.isUnpaired else { throw call.error("\(loss.name) needs unpaired data; fit trains on pairs", hint: "use a paired loss such as dpo()") }
        if let form = loss.recordForm, form != "tokens" {
            throw call.error("\(loss.name) reads a \(form) record; fit trains a token policy with paired losses or sparse_po",
                             hint: "use dpo(), simpo(), … or sparse_po()")
        }
        let pairs = try TokenPairs(try call.dataset(1), policy: tp, call: call)
        guard pairs.count > 0 else { throw call.error("the data has no pairs") }
        return try TokenPairsTask(policy: tp, loss: loss, pairs: pairs, interpreter: call.interpreter)
    }
}
