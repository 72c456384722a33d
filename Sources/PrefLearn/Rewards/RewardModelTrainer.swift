import PrefCore

/// Full-batch training of a `TrainableReward` (spec §9.5: full-batch Adam for 300–600 epochs
/// on 300–3000 pairs): each epoch is one tape over every example, the loss, `backward`, one
/// Adam step (PyTorch's semantics). Deterministic: no shuffling, the model's seed fixes the start.
public enum RewardModelTrainer {
    /// The training examples.
    public enum Examples {
        /// Pairs under `objective`: Bradley–Terry, L = mean −logσ(r_w − r_l − m) + c·mean (r_w + r_l)²
        /// (`bradleyTerryLoss`, TRL's RewardTrainer), or Eurus's (`eurusRewardModelLoss`).
        case pairs(chosen: RewardInputs, rejected: RewardInputs, margins: [Double]?, objective: PairObjective)
        /// Plackett–Luce on ranked lists (ListMLE): rewards of n lists of m responses (row-major
        /// n·m inputs), `labels` higher-is-better per list; with s = β·r, L = mean over lists of
        /// −Σ_k [s_τ(k) − log Σ_{j≥k} exp s_τ(j)] (`listwiseLoss`, no reference).
        case ranked(RewardInputs, lists: Int, labels: [[Double]], beta: Double)
    }

    /// The loss a reward model minimises on pairs.
    public enum PairObjective: Sendable, Equatable {
        /// `bradleyTerryLoss` with centring coefficient c (nil: off).
        case bradleyTerry(center: Double?)
        /// `eurusRewardModelLoss`: Bradley–Terry plus −logσ(r_c) − logσ(−r_r) (Yuan et al., 2024).
        case eurus
    }

    public struct Options: Sendable {
        public var epochs = 300
        public var learningRate = 0.05
        public var weightDecay = 0.0
        public init(epochs: Int = 300, learningRate: Double = 0.05, weightDecay: Double = 0) {
            self.epochs = epochs
            self.learningRate = learningRate
            self.weightDecay = weightDecay
        }
    }

    /// The loss of `model` on `examples` on `tape` (parameters as `leaves` when given).
    public static func loss(_ model: any TrainableReward, _ examples: Examples, tape: Tape, leaves: [Var]? = nil) throws(TensorError) -> LossEvaluation {
        switch examples {
        case .pairs(let c, let r, let margins, let objective):
            let chosen = try model.rewards(c, tape: tape, leaves: leaves), rejected = try model.rewards(r, tape: tape, leaves: leaves)
            switch objective {
            case .bradleyTerry(let center):
                return try bradleyTerryLoss(chosen: chosen, rejected: rejected, margin: margins, centerRewardsCoefficient: center)
            case .eurus:
                return try eurusRewardModelLoss(chosen: chosen, rejected: rejected, margin: margins)
            }
        case .ranked(let inputs, let lists, let labels, let beta):
            guard lists > 0, inputs.count % lists == 0 else { throw TensorError(op: "plackett_luce", "\(inputs.count) responses do not split into \(lists) lists") }
            let s = try model.rewards(inputs, tape: tape, leaves: leaves).reshaped([lists, inputs.count / lists])
            return try listwiseLoss(policy: s, reference: nil, labels: labels, config: ListwiseConfig(type: .plackettLuce, beta: beta))
        }
    }

    /// Trains in place; returns the loss before each epoch's update (`epochs` values) and the
    /// metrics of the last epoch. A non-finite loss stops with an error naming the epoch,
    /// before the update.
    public static func fit(_ model: any TrainableReward, _ examples: Examples, options: Options,
                           onEpoch: ((Int, Double) throws -> Void)? = nil) throws -> (losses: [Double], metrics: [String: Double]) {
        guard options.epochs >= 1 else { throw TensorError(op: "fit", "epochs must be ≥ 1, not \(options.epochs)") }
        let adam = try Adam(model.parameters, learningRate: options.learningRate, weightDecay: options.weightDecay)
        var losses = [Double](), metrics = [String: Double]()
        losses.reserveCapacity(options.epochs)
        for epoch in 1...options.epochs {
            for p in model.parameters { p.zeroGrad() }
            let tape = Tape()
            let evaluation = try loss(model, examples, tape: tape)
            let value = try evaluation.loss.value().to(.f64).item()
            guard value.isFinite else { throw TensorError(op: "fit", "the loss is \(value) at epoch \(epoch)", hint: "lower lr") }
            try tape.backward(evaluation.loss)
            tape.reset()
            try adam.step()
            losses.append(value)
            metrics = evaluation.metrics
            try onEpoch?(epoch, value)
        }
        return (losses, metrics)
    }
}
