import PrefCore
import PrefLanguage
import PrefLearn

/// A trainable reward (a reward model) fitted by `fit` on pairs with `bradley_terry_loss` (or
/// `eurus_rm_loss`) or on
/// ranked lists with `plackett_luce` — the same loop, options, history and checkpoints as a
/// policy. A step gathers the batch's candidates and records the model's rewards and the loss
/// (`RewardModelTrainer.loss`) on the tape: one matmul (two for the MLP) per side.
final class RewardModelTask: TrainingTask {
    let model: any TrainableReward
    let loss: LossObject
    let examples: RewardModelTrainer.Examples

    init(model: any TrainableReward, loss: LossObject, examples: RewardModelTrainer.Examples) {
        self.model = model
        self.loss = loss
        self.examples = examples
    }

    var parameters: [PrefCore.Parameter] { model.parameters }
    var frozenParameters: [PrefCore.Parameter] { [] }

    var count: Int {
        switch examples {
        case .pairs(let c, _, _, _): c.count
        case .ranked(_, let lists, _, _): lists
        }
    }

    var columns: [String] {
        switch examples {
        case .pairs: ["step", "epoch", "loss", "accuracy", "margin", "min_reward", "mean_reward", "max_reward", "grad_norm", "lr"]
        case .ranked: ["step", "epoch", "loss", "rewards/accuracies", "ndcg", "grad_norm", "lr"]
        }
    }

    /// The examples `rows` of the data.
    func batch(_ rows: [Int]) throws -> RewardModelTrainer.Examples {
        switch examples {
        case .pairs(let c, let r, let margins, let objective):
            return .pairs(chosen: try c.selecting(rows), rejected: try r.selecting(rows), margins: margins.map { m in rows.map { m[$0] } }, objective: objective)
        case .ranked(let inputs, let lists, let labels, let beta):
            let m = inputs.count / Swift.max(lists, 1)
            return .ranked(try inputs.selecting(rows.flatMap { r in (r * m)..<((r + 1) * m) }), lists: rows.count,
                           labels: rows.map { labels[$0] }, beta: beta)
        }
    }

    func record(_ rows: [Int], on tape: Tape) throws -> TaskStep {
        let out = try RewardModelTrainer.loss(model, try batch(rows), tape: tape)
        var metrics = out.metrics
        metrics["loss"] = try out.loss.value().to(.f64).scalars[0]
        return TaskStep(loss: out.loss, metrics: metrics)
    }

    func value(of term: LossObject, rows: [Int]) throws -> Double {
        try RewardModelTrainer.loss(model, try batch(rows), tape: Tape()).loss.value().to(.f64).scalars[0]
    }

    /// The task for `fit(rm, data, loss)`: Bradley–Terry on pairs, Plackett–Luce on ranked lists.
    static func make(_ r: RewardObject, data: Dataset, loss: LossObject, call: BuiltinCall) throws -> RewardModelTask {
        guard let model = r.reward as? any TrainableReward else {
            throw call.error("this reward (\(r.reward.summary)) has no parameters to train", hint: "train a reward_model(…), or each member of an ensemble")
        }
        switch (loss.kind, data.kind) {
        case (.bradleyTerry, .pairs), (.bradleyTerry, .logps), (.eurus, .pairs), (.eurus, .logps):
            let objective: RewardModelTrainer.PairObjective
            var margin = BradleyTerryMargin.data
            if case .bradleyTerry(let c, let m) = loss.kind { objective = .bradleyTerry(center: c); margin = m } else { objective = .eurus }
            var examples = try RewardBuiltins.examples(data, world: r.world, objective: objective, margin: margin, call)
            if model is RewardModel, case .pairs(let chosen, let rejected, let margins, let objective) = examples {
                // reward_model reads φ in f64: convert the loaded (f32) features once, not each step.
                examples = .pairs(chosen: try chosen.converted(to: .f64), rejected: try rejected.converted(to: .f64), margins: margins, objective: objective)
            }
            return RewardModelTask(model: model, loss: loss, examples: examples)
        case (.listwise(let c), .ranked) where c.type == .plackettLuce:
            // plackett_luce(beta:) scales the rewards inside the softmax: s = β·r.
            return RewardModelTask(model: model, loss: loss, examples: try RewardBuiltins.examples(data, world: r.world, objective: .bradleyTerry(center: nil), beta: c.beta * c.scale, call))
        default:
            throw call.error("a reward model trains with bradley_terry_loss() or eurus_rm_loss() on pairs or plackett_luce() on ranked lists, not \(loss.name) on \(data.kind.rawValue) data")
        }
    }
}
