import PrefCore

/// Full-batch training for the richer reward models (spec §9.5: "trained full-batch with Adam
/// … for 300–600 epochs"): each epoch is one fresh tape over the whole data set, one backward
/// pass and one Adam step on `parameters`.
public enum RichRewardFit {
    /// The knobs of a full-batch fit.
    public struct Options: Sendable {
        public var epochs = 300
        public var learningRate = 0.05
        public init(epochs: Int = 300, learningRate: Double = 0.05) {
            self.epochs = epochs
            self.learningRate = learningRate
        }

        /// Refuses a non-positive epoch count or learning rate, or more than 100 000 epochs.
        public func validate(_ op: String) throws(TensorError) {
            guard (1...100_000).contains(epochs) else {
                throw TensorError(op: op, "epochs must be 1…100000, got \(epochs)")
            }
            guard learningRate.isFinite, learningRate > 0, learningRate <= 10 else {
                throw TensorError(op: op, "lr must be a number in (0, 10], got \(learningRate)")
            }
        }
    }

    /// Minimises `loss(tape, leaves)` (leaves in the order of `parameters`) with Adam and
    /// returns the loss of every epoch (before that epoch's step). A non-finite loss stops with
    /// an error naming the epoch; the parameters keep the values of the last good step.
    public static func run(_ parameters: [Parameter], _ options: Options, op: String,
                           loss: (Tape, [Var]) throws(TensorError) -> Var) throws(TensorError) -> [Double] {
        try options.validate(op)
        let optimizer = try Adam(parameters, learningRate: options.learningRate)
        let tape = Tape()
        var history = [Double]()
        history.reserveCapacity(options.epochs)
        for epoch in 1...options.epochs {
            tape.reset()
            let leaves = parameters.map { tape.parameter($0) }
            let value = try loss(tape, leaves)
            let l = try value.value().item()
            guard l.isFinite else {
                throw TensorError(op: op, "the training loss became \(l) at epoch \(epoch)", hint: "lower lr")
            }
            try tape.backward(value)
            tape.reset()
            try optimizer.step()
            optimizer.zeroGrad()
            history.append(l)
        }
        return history
    }

    /// Evaluates `body` on a scratch tape with the parameters as constants (no gradient).
    public static func evaluate(_ parameters: [Parameter], _ body: (Tape, [Var]) throws(TensorError) -> Var) throws(TensorError) -> Tensor {
        let tape = Tape()
        let leaves = parameters.map { tape.constant($0.value) }
        return try body(tape, leaves).value()
    }

    /// The fraction of entries of `scores` that are > 0: pairwise accuracy when each score is
    /// s(chosen ≻ rejected).
    public static func accuracy(_ scores: Tensor) -> Double {
        let s = scores.scalars
        return s.isEmpty ? 0 : Double(s.filter { $0 > 0 }.count) / Double(s.count)
    }
}
