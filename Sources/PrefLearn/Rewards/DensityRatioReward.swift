import PrefCore

/// A density-ratio reward from two candidate policies (the "CDR" item of issue 7; the spec has
/// no section for it, so this is our reading of the issue):
///
///     r(x, y) = β · (log π_a(y|x) − log π_b(y|x))
///
/// exact over each prompt's candidate set (`CandidatePolicy.logProbs`). With π_a a policy tuned
/// towards preferred responses and π_b its reference it is DPO's implicit reward (Rafailov et
/// al. 2023), whose log-partition term cancels in every pairwise comparison. The candidates must
/// be the policies' toy-world candidates (ids).
public final class DensityRatioReward: RewardFunction, @unchecked Sendable {
    public let numerator: CandidatePolicy
    public let denominator: CandidatePolicy
    public let beta: Double

    /// Both policies frozen as they are now; they must range over the same candidates.
    public init(_ a: CandidatePolicy, _ b: CandidatePolicy, beta: Double = 1) throws(TensorError) {
        guard a.source.origin == b.source.origin, a.source.psi.shape == b.source.psi.shape else {
            throw TensorError(op: "density_ratio", "the two policies range over different worlds or candidate sets")
        }
        guard beta.isFinite, beta > 0, beta <= 1e6 else { throw TensorError(op: "density_ratio", "beta must be a number in (0, 1e6], got \(beta)") }
        numerator = a.frozen()
        denominator = b.frozen()
        self.beta = beta
    }

    public func rewards(_ inputs: RewardInputs) throws(TensorError) -> Tensor {
        guard let ids = inputs.ids else {
            throw TensorError(op: "density_ratio", "needs toy-world candidate ids to look up log-probabilities",
                              hint: "score toy-world data (chosen_id / rejected_id) or a world's candidates")
        }
        let rows = ids.map { [$0] }
        let tape = Tape()
        tape.isRecording = false
        let a = try numerator.logProbs(ids: rows, tape: tape), b = try denominator.logProbs(ids: rows, tape: tape)
        return try ((a - b) * beta).value().to(.f64).reshaped([ids.count])
    }

    public var summary: String { "density ratio β(log π_a − log π_b), β = \(beta)" }
}
