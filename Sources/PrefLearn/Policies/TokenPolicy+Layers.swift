import PrefCore

extension TokenPolicy {
    /// The policy's two layers at every position's reading state (`TokenBatch.readingRows`):
    /// the embedding layer a_t = x·W_x + Σ_j E_j[y_{t−j+1}] + b₁ and the hidden layer
    /// h_t = tanh(a_t), each [N, H] for N = B·(T+1). SparsePO's mask network reads these.
    /// `leaves`: as for `positionLogProbs` (nil: the parameters' own leaves, constants if frozen).
    public func readingLayers(_ batch: TokenBatch, tape: Tape, leaves bound: [Var]? = nil) throws(TensorError) -> [Var] {
        try check(batch)
        let w = try leaves(tape, bound)
        let n = batch.positions, h = hidden
        let x = try tape.constant(promptFeatures).gather(batch.positionPrompts, axis: 0)
        let e = try w[1].gather(try batch.readingRows(context: context), axis: 0)
        let pre = try x.matmul(w[0]) + (context == 1 ? e : try e.reshaped([n, context, h]).sum(axis: 1)) + w[2]
        return [pre, try pre.tanh()]
    }

    /// The reading layers' values (no gradient): SparsePO's masks read the reference's, as the
    /// released code feeds its mask network the reference model's hidden states under no_grad.
    public func readingLayerValues(_ batch: TokenBatch) throws(TensorError) -> [Tensor] {
        let tape = Tape()
        tape.isRecording = false
        var out = [Tensor]()
        for v in try readingLayers(batch, tape: tape) { out.append(try v.value()) }
        return out
    }
}
