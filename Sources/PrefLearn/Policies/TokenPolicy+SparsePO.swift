import PrefCore

/// SparsePO's token record of a batch of pairs, built from a token policy, its reference and
/// (optionally) a mask network; `sparsePOLoss` reads it.
public struct SparsePOSides {
    public var chosen: SparsePOTokens, rejected: SparsePOTokens
    /// The policy's per-position token log-probs, [2B, W] (0 on padding).
    public var tokenLogps: Var
}

extension TokenPolicy {
    /// The batch holds the chosen sequences in rows 0..<b and the rejected in b..<2b. Per token:
    /// log π_θ(y_t), log π_ref(y_t) (a constant), the exact δ_t = Σ_v π_ref(v|ctx_t)(log π_θ(v|ctx_t)
    /// − log π_ref(v|ctx_t)) over the V + 1 outputs, and the masks: m^u = 1 without a network,
    /// else the network's m_t on the *reference's* reading layers (constants, as the released
    /// code's mask reads the reference model's hidden states under no_grad: gradients reach the
    /// network, and the policy only through the masked log-ratios), with m^d = m^u ("common") or
    /// the second output ("independent"); `fixedTokens`: m^u = m^d = 1 on those token ids, 0 elsewhere.
    public func sparsePOSides(_ batch: TokenBatch, half b: Int, reference: TokenPolicy, masks network: SparseMaskNetwork?,
                              tape: Tape, leaves bound: [Var]? = nil, maskLeaves: [Var]? = nil,
                              fixedTokens: [Int]? = nil) throws(TensorError) -> SparsePOSides {
        guard b > 0, batch.count == 2 * b else { throw TensorError(op: "sparse_po", "a batch of \(batch.count) sequences is not \(b) pairs") }
        let w = try leaves(tape, bound)
        try check(batch)
        let all = try logProbs(prompts: batch.positionPrompts, contextRows: try batch.contextRows(context: context), tape: tape, leaves: w)
        let refAll = tape.constant(try reference.evaluate { t throws(TensorError) in try reference.positionLogProbs(batch, tape: t) })
        let width = batch.width, mask = tape.constant(try batch.mask(dtype))
        let zero = tape.constant(0, dtype: dtype)
        func perToken(_ v: Var) throws(TensorError) -> Var { try Var.select(mask, try v.reshaped([2 * b, width]), zero) }
        let lp = try perToken(try all.takeAlong(batch.targets, axis: 1))
        let lr = try perToken(try refAll.takeAlong(batch.targets, axis: 1))
        let delta = try perToken(try (refAll.exp() * (all - refAll)).sum(axis: 1))
        var rewardMask = tape.constant(Tensor(repeating: 1, shape: [2 * b, width], dtype: dtype)), klMask: Var?
        if let network {
            guard network.hidden == hidden else { throw TensorError(op: "sparse_po", "the mask network reads \(network.hidden) hidden units, the policy has \(hidden)") }
            guard reference.hidden == hidden else { throw TensorError(op: "sparse_po", "the mask network reads the reference's \(reference.hidden) hidden units, the policy has \(hidden)") }
            let layers = try reference.readingLayerValues(batch).map { tape.constant($0) }
            let m = try network.masks(layers, leaves: try network.leaves(tape, maskLeaves))   // [N, K]
            rewardMask = try m.slice(axis: 1, start: 0, end: 1).reshaped([2 * b, width])
            if network.kind == .independent { klMask = try m.slice(axis: 1, start: 1, end: 2).reshaped([2 * b, width]) }
        } else if let fixedTokens {
            let on = Set(fixedTokens)
            let values = batch.targets.values.enumerated().map { i, t in batch.maskValues[i] != 0 && on.contains(Int(t)) ? 1.0 : 0.0 }
            rewardMask = tape.constant(try Tensor(values, shape: [2 * b, width], dtype: dtype))
        }
        func side(_ first: Bool) throws(TensorError) -> SparsePOTokens {
            let (s, e) = first ? (0, b) : (b, 2 * b)
            return SparsePOTokens(logps: try lp.slice(axis: 0, start: s, end: e), refLogps: try lr.slice(axis: 0, start: s, end: e),
                                  padding: Array(batch.maskValues[(s * width)..<(e * width)]),
                                  rewardMask: try rewardMask.slice(axis: 0, start: s, end: e),
                                  klMask: try klMask?.slice(axis: 0, start: s, end: e),
                                  kl: try delta.slice(axis: 0, start: s, end: e))
        }
        return SparsePOSides(chosen: try side(true), rejected: try side(false), tokenLogps: lp)
    }
}
