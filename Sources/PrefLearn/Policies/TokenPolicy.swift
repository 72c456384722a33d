import PrefCore

/// The tiny autoregressive token policy of spec §9.1 ("the token model"; DESIGN.md §3 Models):
///
///     c_t = (y_{t−1}, …, y_{t−C})            y_{<0} = BOS (index V)
///     h_t = tanh(x·W_x + Σ_{j=1..C} E_j[c_t,j] + b₁)                     (H units)
///     p(· | x, y_{<t}) = softmax(h_t·W₂ + b₂)                             (over V tokens + EOS)
///     log π(y|x) = Σ_{t<ℓ} log p(y_t | x, y_{<t}) + log p(EOS | x, y_{<ℓ})
///
/// EOS (index V) is an extra output class, so sequences of every length share one proper
/// distribution: Σ over all finite sequences of π(y|x) = 1 (when EOS has positive probability).
/// Each context slot j has its own embedding table E_j of V + 1 rows (the V tokens and BOS, the
/// pad before the start) mapping straight into the hidden layer, i.e. onehot(c_t,j)·E_j — the
/// same function as a separate embedding followed by a linear layer, without the extra matmul.
///
/// Whole-batch on the tape: B padded sequences give B·(T+1) positions; the embeddings are one
/// gather, the hidden and output layers one matmul each over all positions, then a log-softmax
/// and a take-along of the targets, masked to the real positions (`TokenBatch`).
public final class TokenPolicy: @unchecked Sendable {
    /// V, the vocabulary without EOS; EOS is output V, BOS the context index V.
    public let vocabulary: Int
    /// C, the number of previous tokens in the context.
    public let context: Int
    /// x of every prompt, [P, d_x].
    public let promptFeatures: Tensor
    /// Identifies the world the prompts come from (policies over different worlds never mix).
    public let origin: String
    /// [W_x (d_x×H), E (C·(V+1)×H), b₁ (H), W₂ (H×(V+1)), b₂ (V+1)].
    public let parameters: [Parameter]
    /// True for a reference copy: its parameters never take gradients.
    public let isFrozen: Bool

    public static let names = ["w_x", "embed", "b1", "w2", "b2"]
    /// The largest embedding table C·(V+1)·H (64M weights, 512 MB in f64).
    public static let maxTable = 1 << 26

    /// A new policy. W_x and E are N(0, 1/(d_x + C)) — the hidden pre-activation sees d_x
    /// features plus C one-hot embeddings, so its fan-in is d_x + C — W₂ is N(0, 1/H) and the
    /// biases are 0 (the N(0, 1/fan_in) rule of the candidate MLP), all from `seed`.
    public init(vocabulary: Int, promptFeatures: Tensor, hidden: Int, context: Int, seed: UInt64,
                origin: String, dtype: DType = .f64) throws(TensorError) {
        guard (1...4096).contains(vocabulary) else { throw TensorError(op: "token_policy", "vocab must be 1…4096, not \(vocabulary)") }
        guard (1...4096).contains(hidden) else { throw TensorError(op: "token_policy", "hidden must be 1…4096, not \(hidden)") }
        guard (1...16).contains(context) else { throw TensorError(op: "token_policy", "context must be 1…16, not \(context)") }
        guard promptFeatures.rank == 2, promptFeatures.shape[0] > 0 else {
            throw TensorError(op: "token_policy", "prompt features must be a non-empty [P, d] tensor, not \(promptFeatures.shape)")
        }
        let dx = promptFeatures.shape[1], v1 = vocabulary + 1
        guard context * v1 * hidden <= Self.maxTable else {
            throw TensorError(op: "token_policy", "the embedding table of \(context)·\(v1) × \(hidden) exceeds \(Self.maxTable) weights",
                              hint: "use a smaller vocab, context or hidden")
        }
        var rng = RandomStream(seed: seed, stream: "token_policy/init")
        let inStd = 1 / Double(dx + context).squareRoot()
        parameters = [
            Parameter(rng.normalTensor([dx, hidden], std: inStd, dtype: dtype), name: Self.names[0]),
            Parameter(rng.normalTensor([context * v1, hidden], std: inStd, dtype: dtype), name: Self.names[1]),
            Parameter(Tensor(zeros: [hidden], dtype: dtype), name: Self.names[2]),
            Parameter(rng.normalTensor([hidden, v1], std: 1 / Double(hidden).squareRoot(), dtype: dtype), name: Self.names[3]),
            Parameter(Tensor(zeros: [v1], dtype: dtype), name: Self.names[4]),
        ]
        self.vocabulary = vocabulary
        self.context = context
        self.promptFeatures = promptFeatures.to(dtype)
        self.origin = origin
        isFrozen = false
    }

    private init(copying other: TokenPolicy) {
        vocabulary = other.vocabulary
        context = other.context
        promptFeatures = other.promptFeatures
        origin = other.origin
        parameters = other.parameters.map { Parameter($0.value.copy(), name: $0.name) }
        isFrozen = true
    }

    /// A frozen copy of the current parameters: the reference π_ref.
    public func frozen() -> TokenPolicy { TokenPolicy(copying: self) }

    /// H.
    public var hidden: Int { parameters[0].shape[1] }
    /// The dtype of the parameters.
    public var dtype: DType { parameters[0].dtype }
    /// P, the number of prompts.
    public var prompts: Int { promptFeatures.shape[0] }
    /// The EOS output index (and the BOS context index): V.
    public var eos: Int { vocabulary }

    /// The tape leaves of the parameters: `bound` when given (e.g. pref's `grad` variables),
    /// constants for a frozen policy, else parameter leaves.
    func leaves(_ tape: Tape, _ bound: [Var]?) throws(TensorError) -> [Var] {
        if let bound {
            guard bound.count == parameters.count else {
                throw TensorError(op: "token_policy", "\(bound.count) parameter leaves for \(parameters.count) parameters")
            }
            return bound
        }
        return parameters.map { isFrozen ? tape.constant($0.value) : tape.parameter($0) }
    }

    /// log p(· | x, c) at every position of the batch, [N, V+1] for N = B·(T+1).
    public func positionLogProbs(_ batch: TokenBatch, tape: Tape, leaves bound: [Var]? = nil) throws(TensorError) -> Var {
        try check(batch)
        return try logProbs(prompts: batch.positionPrompts, contextRows: try batch.contextRows(context: context),
                            tape: tape, leaves: try leaves(tape, bound))
    }

    /// The network on N positions: the prompt of each ([N]) and its C context rows of E ([N·C]).
    func logProbs(prompts: IndexTensor, contextRows: IndexTensor, tape: Tape, leaves w: [Var]) throws(TensorError) -> Var {
        try head(try hiddenStates(prompts: prompts, contextRows: contextRows, tape: tape, leaves: w), leaves: w)
    }

    /// The last (only) hidden layer h_t = tanh(x·W_x + Σ_j E_j[c_t,j] + b₁) on N positions, [N, H].
    func hiddenStates(prompts: IndexTensor, contextRows: IndexTensor, tape: Tape, leaves w: [Var]) throws(TensorError) -> Var {
        let n = prompts.shape.count, h = hidden
        let x = try tape.constant(promptFeatures).gather(prompts, axis: 0)                          // [N, d_x]
        let e = try w[1].gather(contextRows, axis: 0)                                               // [N·C, H]
        let pre = try x.matmul(w[0]) + (context == 1 ? e : try e.reshaped([n, context, h]).sum(axis: 1))
        return try (pre + w[2]).tanh()                                                              // [N, H]
    }

    /// log p(· | x, c) = log-softmax(h·W₂ + b₂), [N, V+1].
    func head(_ hidden: Var, leaves w: [Var]) throws(TensorError) -> Var {
        try (try hidden.matmul(w[3]) + w[4]).logSoftmax(axis: -1)
    }

    /// The token log-probs of `tokenLogProbs` and the hidden states that produced them: h_t at
    /// every position, [B·W, H] (row r·W + t is the state that predicts y_t of sequence r, the
    /// state the released TPO code averages per step). One forward pass serves both.
    public func tokenLogProbsAndHidden(_ batch: TokenBatch, tape: Tape, leaves bound: [Var]? = nil) throws(TensorError) -> (logps: Var, hidden: Var) {
        try check(batch)
        let w = try leaves(tape, bound)
        let h = try hiddenStates(prompts: batch.positionPrompts, contextRows: try batch.contextRows(context: context), tape: tape, leaves: w)
        return (try pickTargets(try head(h, leaves: w), batch), h)
    }

    /// log p(y_t | x, y_{<t}) per position, [B, T+1]: the tokens, then EOS at t = ℓ, 0 after.
    public func tokenLogProbs(_ batch: TokenBatch, tape: Tape, leaves: [Var]? = nil) throws(TensorError) -> Var {
        try pickTargets(try positionLogProbs(batch, tape: tape, leaves: leaves), batch)
    }

    /// The log-prob of each position's target from the [B·W, V+1] log-probs, masked, [B, W].
    func pickTargets(_ lp: Var, _ batch: TokenBatch) throws(TensorError) -> Var {
        let picked = try lp.takeAlong(batch.targets, axis: 1).reshaped([batch.count, batch.width])
        // Padding positions are exactly 0 (a select, not a product with the mask, so no −0).
        return try Var.select(lp.tape.constant(batch.mask(dtype)), picked, lp.tape.constant(0, dtype: dtype))
    }

    /// log π(y|x) of each sequence, [B]: the sum of its token log-probs including EOS.
    public func sequenceLogProbs(_ batch: TokenBatch, tape: Tape, leaves: [Var]? = nil) throws(TensorError) -> Var {
        try tokenLogProbs(batch, tape: tape, leaves: leaves).sum(axis: 1)
    }

    /// A value computed on a scratch tape without recording.
    public func evaluate(_ body: (Tape) throws(TensorError) -> Var) throws(TensorError) -> Tensor {
        let tape = Tape()
        tape.isRecording = false
        return try body(tape).value()
    }

    /// Refuses a batch built for another vocabulary or with prompts outside 0..<P.
    func check(_ batch: TokenBatch) throws(TensorError) {
        guard batch.vocabulary == vocabulary else {
            throw TensorError(op: "token_policy", "the batch is over a vocabulary of \(batch.vocabulary), the policy's of \(vocabulary)")
        }
        if let bad = batch.prompts.first(where: { !(0..<prompts).contains($0) }) {
            throw TensorError(op: "token_policy", "prompt \(bad) is outside 0..<\(prompts)")
        }
    }

    /// True when `other` ranges over the same prompts and vocabulary (a valid reference).
    public func isCompatible(with other: TokenPolicy) -> Bool {
        other.origin == origin && other.vocabulary == vocabulary && other.promptFeatures.shape == promptFeatures.shape
    }
}
