import PrefCore

/// Forward + backward of the notes' 10-op chain on 8×8 tensors (core-performance.md §3), in µs
/// per op. Goal: ≤ 0.5 µs/op; PyTorch eager is the peer (Scripts/bench/torch_chain.py).
func tapeBench(rounds: Int) -> (lines: [String], microsecondsPerOp: Double, loss: Double) {
    var rng = RandomStream(seed: 2, stream: "bench")
    let x = rng.normalTensor([8, 8]), w = Parameter(rng.normalTensor([8, 8], std: 0.3))
    let b = Parameter(rng.normalTensor([8])), s = Parameter(rng.normalTensor([1], std: 0.3))
    let tape = Tape()
    var loss = 0.0
    let step = {
        tape.reset()
        do {
            let xc = tape.constant(x), wv = tape.parameter(w)
            let t1 = try xc.matmul(wv), t2 = try t1 + tape.parameter(b), t3 = try t2.logSigmoid()
            let t4 = try t3 * tape.parameter(s), t5 = try t4.exp(), t6 = try t5 - xc, t7 = try t6 * t6
            let t8 = try t7.matmul(wv), t9 = try t8 + t3, l = try t9.sum()
            try tape.backward(l)
            loss = try l.value().item()
        } catch {
            fatalError("benchmark chain failed: \(error)")
        }
        w.zeroGrad(); b.zeroGrad(); s.zeroGrad()
    }
    let t = interleaved(rounds: rounds, minSeconds: 0.05, [step])[0]
    let perOp = t * 1e6 / 10
    return (["autodiff: 10-op chain on 8×8, forward + backward: \(fmt(t * 1e6)) µs per chain, \(fmt(perOp)) µs per op (loss \(fmt(loss)))"], perOp, loss)
}

func fmt(_ x: Double) -> String { String(format: "%.3f", x) }
