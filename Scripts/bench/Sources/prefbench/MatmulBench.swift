import PrefCore

/// Tensor-API matmul (allocating its output each call) against a raw cblas call into a
/// preallocated buffer. Goal: ≥ 0.9x raw.
func matmulBench(rounds: Int) -> [String] {
    var lines = ["matmul: Tensor.matmul vs raw cblas_?gemm (1 thread, median of \(rounds) interleaved rounds)"]
    for dtype in [DType.f32, .f64] {
        for n in [256, 512, 1024] {
            var rng = RandomStream(seed: 1, stream: "bench")
            let a = rng.normalTensor([n, n], dtype: dtype), b = rng.normalTensor([n, n], dtype: dtype)
            let c = Tensor(uninitialized: [n, n], dtype: dtype)
            let raw: () -> Void = dtype == .f32
                ? { BLAS.rawSgemm(m: n, n: n, k: n, a: a.pointer(Float.self), b: b.pointer(Float.self), c: c.pointer(Float.self)) }
                : { BLAS.rawDgemm(m: n, n: n, k: n, a: a.pointer(Double.self), b: b.pointer(Double.self), c: c.pointer(Double.self)) }
            let api: () -> Void = { _ = try? a.matmul(b) }
            let t = interleaved(rounds: rounds, minSeconds: 0.05, [raw, api])
            let gflops = { (s: Double) in 2 * Double(n * n * n) / s / 1e9 }
            lines.append(String(format: "  %@ %4d³  raw %6.1f GFLOP/s  api %6.1f GFLOP/s  ratio %.3f",
                                dtype.rawValue, n, gflops(t[0]), gflops(t[1]), t[0] / t[1]))
        }
    }
    return lines
}
