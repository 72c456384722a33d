import Foundation
import PrefCore
import PrefLearn

/// Issue 7 item 7, the solver alone: the linear Bradley–Terry problem of Scripts/bench/rewards on
/// raw little-endian f32 files `DIR/xc.f32` and `DIR/xr.f32` ([n, p] row-major; write them from
/// pairs.npz with numpy's `astype(np.float32).tofile`), without the 1M-row CSV load that dominates
/// `rm_run`'s process time. Prints forming D, one evaluation (with and without the Hessian) and
/// each solver's time, iterations, evaluations and final loss.
/// `only` ("newton" or "lbfgs") runs that solver alone (for `perf stat`).
/// The solvers' tolerance is ‖∇L‖₂ ≤ 1e-9 (fit's default), or PREF_BENCH_TOL.
/// Usage: prefbench rm DIR [rounds] [p] [threads] [only]
func rewardModelBench(directory: String, rounds: Int, p: Int, threads: Int, only: String?) -> [String] {
    do {
        func load(_ name: String) throws -> Tensor {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            let n = data.count / (4 * p)
            let t = Tensor(uninitialized: [n, p], dtype: .f32)
            data.withUnsafeBytes { raw in
                guard let src = raw.baseAddress else { return }
                UnsafeMutableRawPointer(t.pointer(Float.self)).copyMemory(from: src, byteCount: n * p * 4)
            }
            return t
        }
        let xc = try load("xc.f32"), xr = try load("xr.f32")
        let tolerance = ProcessInfo.processInfo.environment["PREF_BENCH_TOL"].flatMap(Double.init) ?? 1e-9
        var lines = ["linear Bradley-Terry: \(xc.shape[0]) pairs × \(p), \(threads) thread(s)"]
        var problem = try LinearBradleyTerryProblem(chosen: xc, rejected: xr, margins: nil, center: nil)
        problem.threads = threads
        for method in LinearBradleyTerrySolver.Method.allCases where method.rawValue == only {
            let r = try LinearBradleyTerrySolver.solve(problem, start: [Double](repeating: 0, count: p), options: .init(method: method, tolerance: tolerance))
            return lines + ["  \(method.rawValue): \(r.iterations) iterations, \(r.evaluations) evaluations, loss \(r.history.last?.loss ?? .nan), steps \(r.history.map(\.stepSize))"]
        }
        if only == "load" { return lines }
        // CPU seconds (the host is shared: wall time there measures the neighbours), interleaved.
        let form = cpuInterleaved(rounds: rounds, [{
            _ = try? LinearBradleyTerryProblem(chosen: xc, rejected: xr, margins: nil, center: nil)
        }])[0]
        lines.append(String(format: "  forming D from f32 features: %.4f s CPU", form))
        let w = (0..<p).map { 0.05 * sin(Double($0)) }
        var variants = [(String, LinearBradleyTerryProblem)]()
        for rows in [128, 256, 512, 2048] {
            var v = problem
            v.blockRows = rows
            variants.append(("\(rows)-row blocks", v))
        }
        let times = cpuInterleaved(rounds: rounds, variants.map { _, v in { _ = try? v.evaluate(w, hessian: false) } })
        let hess = cpuInterleaved(rounds: rounds, variants.map { _, v in { _ = try? v.evaluate(w, hessian: true) } })
        for (k, (name, _)) in variants.enumerated() {
            lines.append(String(format: "  evaluate, %@: %.4f s CPU (f, ∇f), %.4f s (with the Hessian)", name, times[k], hess[k]))
        }
        for method in LinearBradleyTerrySolver.Method.allCases {
            var samples = [Double](), cpu = [Double](), result: LinearBradleyTerrySolver.Result?
            for _ in 0..<rounds {
                let c0 = cpuSeconds(), t0 = DispatchTime.now().uptimeNanoseconds
                result = try LinearBradleyTerrySolver.solve(problem, start: [Double](repeating: 0, count: p), options: .init(method: method, tolerance: tolerance))
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
                cpu.append(cpuSeconds() - c0)
            }
            guard let r = result, let last = r.history.last else { continue }
            lines.append(String(format: "  %@: wall %.4f s, CPU %.4f s, %d iterations, %d evaluations, loss %.12f, ‖∇L‖ %.2e",
                                method.rawValue, median(samples), median(cpu), r.iterations, r.evaluations, last.loss, last.gradientNorm))
        }
        return lines
    } catch {
        return ["rm: \(error)"]
    }
}

/// The process's CPU seconds (every thread's).
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Median CPU seconds per call of each variant over interleaved rounds (each round ≥ 0.3 s CPU).
func cpuInterleaved(rounds: Int, _ variants: [() -> Void]) -> [Double] {
    var samples = Array(repeating: [Double](), count: variants.count)
    for v in variants { v() }
    for _ in 0..<rounds {
        for (i, v) in variants.enumerated() {
            let start = cpuSeconds()
            var calls = 0
            repeat { v(); calls += 1 } while cpuSeconds() - start < 0.3
            samples[i].append((cpuSeconds() - start) / Double(calls))
        }
    }
    return samples.map(median)
}
