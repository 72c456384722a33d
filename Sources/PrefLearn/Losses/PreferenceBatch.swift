import PrefCore

/// The batch view every loss reads: per-example values of shape [B] on one autodiff tape.
/// Paired data fills the four sequence log-probs (`pc`, `pr`, `rc`, `rr` of losses.md §0,
/// summed over completion tokens); unpaired data (KTO, BCO) fills `policy`, `reference`,
/// `labels` and, for KTO's KL baseline, `policyKL`/`referenceKL`. A nil reference means
/// reference-free (CPO, SimPO, ORPO, legacy `reference_free`): it counts as 0 in the log-ratios.
///
/// Lengths, labels, weights and margins are data: pass them as tape constants (no gradient).
public struct PreferenceBatch: @unchecked Sendable {
    // Paired.
    /// Policy log-prob of the chosen completion, pc.
    public var policyChosen: Var?
    /// Policy log-prob of the rejected completion, pr.
    public var policyRejected: Var?
    /// Reference log-prob of the chosen completion, rc (nil: reference-free, 0).
    public var referenceChosen: Var?
    /// Reference log-prob of the rejected completion, rr (nil: reference-free, 0).
    public var referenceRejected: Var?
    /// Completion token counts Lc and Lr (ipo, sigmoid_norm, sft, per-token averages).
    public var chosenLengths: Var?
    public var rejectedLengths: Var?
    /// Per-pair margin (reward-model margin, SimPO-style offsets).
    public var margins: Var?

    // Unpaired.
    /// Policy log-prob of each completion.
    public var policy: Var?
    /// Reference log-prob of each completion (nil: reference-free, 0).
    public var reference: Var?
    /// Policy and reference log-probs of the mismatched (x, y′) pairs (KTO's KL estimate).
    public var policyKL: Var?
    public var referenceKL: Var?
    /// Completion token counts of unpaired completions.
    public var lengths: Var?

    // Both.
    /// Binary labels: 1 desirable (chosen), 0 undesirable (rejected).
    public var labels: Var?
    /// Per-example weights (e.g. WPO), detached.
    public var weights: Var?

    // Candidate policies (scoped feedback, issue 11).
    /// The prompt index of each example, when the model knows it (a candidate policy's pairs).
    public var prompts: [Int]?
    /// KL(π(·|x_i) ‖ π_ref(·|x_i)) per example, exact over the prompt's candidates and on the
    /// tape (a candidate policy can sum over responses); nil when the model cannot.
    public var promptKL: Var?

    /// A paired batch.
    public init(policyChosen: Var, policyRejected: Var, referenceChosen: Var? = nil, referenceRejected: Var? = nil,
                chosenLengths: Var? = nil, rejectedLengths: Var? = nil, labels: Var? = nil,
                weights: Var? = nil, margins: Var? = nil) {
        self.policyChosen = policyChosen
        self.policyRejected = policyRejected
        self.referenceChosen = referenceChosen
        self.referenceRejected = referenceRejected
        self.chosenLengths = chosenLengths
        self.rejectedLengths = rejectedLengths
        self.labels = labels
        self.weights = weights
        self.margins = margins
    }

    /// An unpaired batch (KTO, BCO): one completion per example with a binary label.
    public init(policy: Var, reference: Var? = nil, labels: Var, policyKL: Var? = nil, referenceKL: Var? = nil,
                lengths: Var? = nil, weights: Var? = nil) {
        self.policy = policy
        self.reference = reference
        self.labels = labels
        self.policyKL = policyKL
        self.referenceKL = referenceKL
        self.lengths = lengths
        self.weights = weights
    }

    /// The tape the batch lives on.
    public var tape: Tape? { (policyChosen ?? policy)?.tape }

    /// The number of examples B.
    public var count: Int { (policyChosen ?? policy)?.shape.count ?? 0 }

    /// Whether the batch has a reference model's log-probs.
    public var hasReference: Bool { referenceChosen != nil || reference != nil }

    /// Δc = pc − rc (pc when reference-free).
    public var chosenLogratio: Var {
        get throws(TensorError) { try Self.logratio(require(policyChosen, "policyChosen"), referenceChosen) }
    }

    /// Δr = pr − rr (pr when reference-free).
    public var rejectedLogratio: Var {
        get throws(TensorError) { try Self.logratio(require(policyRejected, "policyRejected"), referenceRejected) }
    }

    /// Unpaired Δ = policy − reference.
    public var logratio: Var {
        get throws(TensorError) { try Self.logratio(require(policy, "policy"), reference) }
    }

    /// Unpaired KL log-ratio policyKL − referenceKL.
    public var klLogratio: Var {
        get throws(TensorError) { try Self.logratio(require(policyKL, "policyKL"), referenceKL) }
    }

    /// The field, or an error naming it when the batch lacks it.
    public func require(_ v: Var?, _ name: String, op: String = "loss") throws(TensorError) -> Var {
        guard let v else { throw TensorError(op: op, "the batch has no \(name)", hint: "this loss needs \(name) in the batch") }
        return v
    }

    static func logratio(_ p: Var, _ r: Var?) throws(TensorError) -> Var {
        guard let r else { return p }
        return try p - r
    }
}
