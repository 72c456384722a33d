import PrefCore
import PrefLanguage
import PrefLearn

/// Picks the training task of `fit(model, data, loss)` from the kinds of its arguments, with a
/// located error for a combination no task trains.
enum TrainingTasks {
    static func make(model: Value, data: Value, loss: LossObject, call: BuiltinCall) throws -> any TrainingTask {
        let p = try PolicyMethods.policyArgument(call, 0)
        guard !p.policy.isFrozen else { throw call.error("the model is a frozen reference; it has no parameters to train", hint: "train the policy itself") }
        let ids = try PolicyData.pairIds(try call.dataset(1), policy: p, call: call)
        guard !ids.isEmpty else { throw call.error("the data has no pairs") }
        guard !loss.isUnpaired else { throw call.error("\(loss.name) needs unpaired data; fit trains on pairs", hint: "use a paired loss such as dpo()") }
        return try CandidatePairsTask(policy: p, loss: loss, ids: ids, interpreter: call.interpreter)
    }

    /// The metrics `fit(…, eval: data)` records after every `every` epochs.
    static func evaluator(model: Value, data: Value, loss: LossObject, call: BuiltinCall) throws -> () throws -> [(String, Double)] {
        let p = try PolicyMethods.policyArgument(call, 0)
        let ids = try PolicyData.pairIds(try call.dataset(11), policy: p, call: call)
        return { try Evaluation.metrics(p, ids: ids, beta: loss.beta) }
    }
}
