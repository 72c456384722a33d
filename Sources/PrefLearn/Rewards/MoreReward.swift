import PrefCore

/// A reward model trained with MORE's weighting (`MoreTrainer`): the model's rewards, with the
/// task weights λ of every epoch and the training losses kept for inspection.
public final class MoreReward: TrainableReward, @unchecked Sendable {
    public let model: RewardModel
    public let options: MoreTrainer.Options
    /// λ per epoch, epochs × T.
    public let taskWeights: [[Double]]
    public let history: [Double]

    /// Trains `model` in place on `tasks`.
    public init(_ model: RewardModel, tasks: [MoreTrainer.Task], options: MoreTrainer.Options) throws(TensorError) {
        (history, taskWeights) = try MoreTrainer.fit(model, tasks: tasks, options: options)
        self.model = model
        self.options = options
    }

    public var parameters: [Parameter] { model.parameters }

    public func rewards(_ inputs: RewardInputs, tape: Tape, leaves: [Var]?) throws(TensorError) -> Var {
        try model.rewards(inputs, tape: tape, leaves: leaves)
    }

    public var summary: String { "\(model.summary), \(options.weighting.rawValue) weighting over \(taskWeights.first?.count ?? 0) datasets" }
}
