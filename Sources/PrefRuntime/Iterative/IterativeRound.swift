import PrefLanguage

/// What the candidate and the token paths of `iterate` share in one round: refusing a round
/// whose pairs were all ties, and training on the round's pairs with `fit`'s trainer.
enum IterativeRound {
    /// The trained round: its mean step loss, its steps tagged with the round, the step columns.
    struct Training {
        var meanLoss: Double
        var steps: [[String: Double]]
        var columns: [String]
        var interrupted: Bool
    }

    /// Throws the located error for a round without a single pair to train on.
    static func requirePairs(_ count: Int, round: Int, labeler: IterativeLabeler, _ call: BuiltinCall) throws {
        guard count == 0 else { return }
        throw call.error("round \(round): every sampled pair was a tie under the labeler, so there is nothing to train on",
                         hint: labeler.name == "self" ? "self-annotation needs a policy that differs from its reference: train it on seed data first" : "sample more responses per prompt")
    }

    /// Trains `task` with `options` (the round's seed set) to the end of its epochs or a Ctrl-C.
    static func train(_ task: any TrainingTask, options: FitOptions, round: Int, _ call: BuiltinCall) throws -> Training {
        let trainer = try Trainer(task: task, options: options, interpreter: call.interpreter)
        do {
            try trainer.run { _, _, _ in }
        } catch let failure as TrainingFailure {
            throw call.error("round \(round): \(failure.message)", hint: "lower lr, or check the loss; the parameters are those of the last good step")
        }
        let losses = trainer.history.compactMap { $0["loss"] }
        let steps = trainer.history.map { h in h.merging(["round": Double(round)]) { $1 } }
        return Training(meanLoss: losses.isEmpty ? .nan : losses.reduce(0, +) / Double(losses.count), steps: steps,
                        columns: ["round"] + trainer.historyTable().columns, interrupted: trainer.interrupted)
    }
}
