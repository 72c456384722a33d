import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// Re-fitting a reward-model labeler on the newest samples between rounds (IterComp, Zhang et al.
/// 2024, "Iterative Composition-Aware Feedback Learning from Model Gallery": reward models and the
/// policy improve in turns, the reward models on preferences over the latest policy's samples).
/// Each round draws `count` pairs of distinct samples of one prompt from the round's samples,
/// labels them like the world's gold annotator of `w.pairs(…, group: "gold")` —
/// P(a ≻ b) = σ((r*(a) − r*(b))/τ_ann), then flipped with probability ε — adds them to the pairs
/// of earlier rounds, and trains the reward model on all of them with Bradley–Terry.
struct IterativeRefit {
    let model: RewardModel
    let world: ToyWorld
    let count: Int
    let lr: Double
    /// Every labelled pair so far, [chosen, rejected].
    private(set) var pairs = [[Int]]()

    init(labeler: IterativeLabeler, count: Int, lr: Double, call: BuiltinCall) throws {
        guard case .reward(let r) = labeler, let m = r.reward as? RewardModel else {
            throw call.error("refit re-trains a reward-model labeler; this labeler is \(labeler.name)",
                             hint: "pass labeler: a reward_model(…) (fitted on seed pairs), or drop refit")
        }
        guard let w = r.world ?? m.world else {
            throw call.error("refit needs the reward model's toy world to label the new samples", hint: "build it with reward_model(features: w)")
        }
        model = m
        world = w
        self.count = count
        self.lr = lr
    }

    /// Labels `count` new pairs among `drawn` (the round's samples per prompt) and re-fits the model
    /// on every pair so far; returns how many pairs were added.
    mutating func refit(_ drawn: [[Int]], options: FitOptions, round: Int, interpreter: Interpreter) throws -> Int {
        var rng = RandomStream(seed: options.seed, stream: "iterate/refit/\(round)")
        let tau = world.config.temperature, noise = world.config.noise
        let prompts = drawn.indices.filter { Set(drawn[$0]).count >= 2 }
        guard !prompts.isEmpty else { return 0 }
        for _ in 0..<count {
            let ids = drawn[prompts[rng.uniformInt(below: prompts.count)]]
            let a = ids[rng.uniformInt(below: ids.count)]
            var b = a
            while b == a { b = ids[rng.uniformInt(below: ids.count)] }
            let aWins = rng.uniform() < 1 / (1 + exp(-(world.gold[a] - world.gold[b]) / tau))
            let flip = rng.uniform() < noise
            pairs.append(aWins != flip ? [a, b] : [b, a])
        }
        let chosen = pairs.map { $0[0] }, rejected = pairs.map { $0[1] }
        let examples = RewardModelTrainer.Examples.pairs(
            chosen: try RewardInputs(features: try world.featureTensor(chosen, dtype: .f64), ids: chosen, world: world),
            rejected: try RewardInputs(features: try world.featureTensor(rejected, dtype: .f64), ids: rejected, world: world),
            margins: nil, objective: .bradleyTerry(center: nil))
        let task = RewardModelTask(model: model, loss: LossObject(.bradleyTerry(centerRewardsCoefficient: nil, margin: .data)), examples: examples)
        var o = options
        o.lr = lr
        let trainer = try Trainer(task: task, options: o, interpreter: interpreter)
        try trainer.run { _, _, _ in }
        return count
    }
}
