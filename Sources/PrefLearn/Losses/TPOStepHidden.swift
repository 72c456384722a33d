import PrefCore

/// h̄_k(y), the mean last-layer hidden state of each TPO step (spec algorithms.md §6.10, the
/// input of `tpoStepWeights`): `hidden` holds one state per position, [n·W, H] with W positions
/// per sequence (position t is the state that predicts token t, as the released TPO code pairs
/// them); step k covers positions k·stepTokens ..< (k+1)·stepTokens below the sequence's length
/// (EOS belongs to no step). Returns [n, S, H]; a step without tokens is the zero vector, whose
/// cosine `tpoStepWeights` takes as 0.
public func tpoStepHidden(hidden: Tensor, width: Int, lengths: [Int], stepTokens: Int, steps: Int) throws(TensorError) -> Tensor {
    let n = lengths.count
    guard hidden.shape.rank == 2, hidden.shape.dims[0] == n * width, width > 0 else {
        throw TensorError(op: "tpo", "hidden states must be [\(n)·\(width), H], got shape \(hidden.shape)")
    }
    guard stepTokens > 0, steps > 0, steps * stepTokens <= width else {
        throw TensorError(op: "tpo", "\(steps) steps of \(stepTokens) tokens do not fit \(width) positions")
    }
    guard lengths.allSatisfy({ (0..<width).contains($0) }) else { throw TensorError(op: "tpo", "every length must be below the width \(width)") }
    let h = hidden.shape.dims[1], x = hidden.to(.f64).scalars
    var out = [Double](repeating: 0, count: n * steps * h)
    for r in 0..<n {
        for k in 0..<steps {
            let first = k * stepTokens, last = min((k + 1) * stepTokens, lengths[r])
            guard last > first else { continue }
            let o = (r * steps + k) * h, scale = 1 / Double(last - first)
            for t in first..<last {
                let row = (r * width + t) * h
                for j in 0..<h { out[o + j] += x[row + j] * scale }
            }
        }
    }
    return try Tensor(out, shape: [n, steps, h], dtype: .f64)
}
