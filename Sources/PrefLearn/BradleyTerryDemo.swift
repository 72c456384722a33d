import PrefCore

#if canImport(Glibc)
import Glibc
#endif

/// The foundation's end-to-end demo: a linear Bradley-Terry reward model r(x) = wᵀx fitted to
/// synthetic preference pairs with the tape and AdamW.
///
/// P(chosen ≻ rejected) = σ(r(x_c) − r(x_r)) (Bradley & Terry 1952); the loss is the mean of
/// −log σ(wᵀ(x_c − x_r)), i.e. logistic regression on feature differences. Labels come from a
/// hidden weight vector through the same model, so the Bayes accuracy is known.
public enum BradleyTerryDemo {
    public struct Report: Sendable {
        /// Loss per epoch (mean over the epoch's batches).
        public var losses: [Double]
        /// Cosine between the learned and the hidden weights.
        public var cosine: Double
        /// Accuracy on held-out pairs, and the accuracy of the hidden weights themselves.
        public var testAccuracy: Double
        public var bayesAccuracy: Double
        public var milliseconds: Double
    }

    /// Generates pairs, trains for `epochs` with batches of 256, and reports each epoch through
    /// `progress(epoch, loss, training accuracy)`.
    public static func run(pairs: Int, dim: Int, epochs: Int, seed: UInt64, batch: Int = 256,
                           progress: (Int, Double, Double) -> Void = { _, _, _ in }) throws(TensorError) -> Report {
        let clock = ContinuousClock(), start = clock.now
        var rng = RandomStream(seed: seed, stream: "bradley-terry-demo")
        let truth = rng.normalTensor([dim, 1], std: 1.5 / Double(dim).squareRoot(), dtype: .f32)
        let train = try makePairs(pairs, dim: dim, truth: truth, rng: &rng)
        let test = try makePairs(Swift.max(pairs / 4, 10), dim: dim, truth: truth, rng: &rng)

        let w = Parameter(Tensor(zeros: [dim, 1]), name: "w")
        let optimizer = try AdamW([w], learningRate: 0.05, weightDecay: 0.0)
        let tape = Tape()
        var losses = [Double]()
        for epoch in 1...epochs {
            var total = 0.0, correct = 0.0, batches = 0
            for lo in stride(from: 0, to: pairs, by: batch) {
                let hi = Swift.min(lo + batch, pairs)
                tape.reset()
                let x = tape.constant(try train.rows(lo..<hi))
                // Differences are oriented chosen − rejected, so the target is always "first wins".
                let margin = try x.matmul(tape.parameter(w))
                let loss = try -(margin.logSigmoid().mean())
                try tape.backward(loss)
                total += try loss.value().item()
                correct += Double(try margin.value().scalars.filter { $0 > 0 }.count)
                batches += 1
                tape.reset()
                try optimizer.step()
                optimizer.zeroGrad()
            }
            losses.append(total / Double(batches))
            progress(epoch, total / Double(batches), correct / Double(pairs))
        }
        let learned = w.value.scalars, hidden = truth.scalars
        let dot = zip(learned, hidden).reduce(0) { $0 + $1.0 * $1.1 }
        let norms = (learned.reduce(0) { $0 + $1 * $1 } * hidden.reduce(0) { $0 + $1 * $1 }).squareRoot()
        let testMargins = try test.matmul(w.value).scalars
        let bayesMargins = try test.matmul(truth).scalars
        // Rows are oriented chosen-first, so a pair is predicted right when its margin is positive.
        let accuracy = testMargins.filter { $0 > 0 }.count.double / Double(testMargins.count)
        let bayes = bayesMargins.filter { $0 > 0 }.count.double / Double(bayesMargins.count)
        let elapsed = clock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return Report(losses: losses, cosine: norms > 0 ? dot / norms : 0, testAccuracy: accuracy, bayesAccuracy: bayes, milliseconds: ms)
    }

    /// Feature differences x_c − x_r, oriented so the annotator's choice comes first; the choice
    /// is sampled from the Bradley-Terry model with the hidden weights.
    static func makePairs(_ n: Int, dim: Int, truth: Tensor, rng: inout RandomStream) throws(TensorError) -> Tensor {
        let a = rng.normalTensor([n, dim], dtype: .f32), b = rng.normalTensor([n, dim], dtype: .f32)
        let diff = try a - b
        let margins = try diff.matmul(truth).scalars
        var rows = diff.scalars
        for i in 0..<n {
            let p = 1 / (1 + exp(-margins[i]))
            let firstWins = rng.uniform() < p
            if !firstWins { for j in 0..<dim { rows[i * dim + j] = -rows[i * dim + j] } }
        }
        return try Tensor(rows, shape: [n, dim], dtype: .f32)
    }
}

extension Int {
    fileprivate var double: Double { Double(self) }
}
