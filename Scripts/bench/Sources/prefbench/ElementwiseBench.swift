import PrefCore

#if canImport(Glibc)
import Glibc
#endif

/// add, exp and log-sigmoid on 1M f32 elements through the tensor API, in GB/s of bytes read and
/// written, against a plain memory copy. Goal: ≥ 50 % of copy bandwidth for each.
func elementwiseBench(rounds: Int) -> [String] {
    let n = 1 << 20
    var rng = RandomStream(seed: 3, stream: "bench")
    let a = rng.normalTensor([n], std: 4), b = rng.normalTensor([n])
    let dst = Tensor(uninitialized: [n])
    let copy = { memcpy(dst.rawPointer, a.rawPointer, n * 4); return }
    let add = { _ = try? a + b }
    let exp = { _ = a.exp() }
    let logSigmoid = { _ = a.logSigmoid() }
    let t = interleaved(rounds: rounds, minSeconds: 0.03, [copy, add, exp, logSigmoid])
    let gbps = { (bytes: Int, s: Double) in Double(bytes) / s / 1e9 }
    let copyRate = gbps(2 * n * 4, t[0])
    var lines = ["elementwise: 1M f32 through the tensor API (allocating outputs), GB/s of bytes read + written",
                 String(format: "  memcpy       %6.1f GB/s", copyRate)]
    for (name, bytes, time) in [("add", 3 * n * 4, t[1]), ("exp", 2 * n * 4, t[2]), ("log_sigmoid", 2 * n * 4, t[3])] {
        let r = gbps(bytes, time)
        lines.append(String(format: "  %-12@ %6.1f GB/s  %.0f%% of copy", name, r, 100 * r / copyRate))
    }
    return lines
}
