import Foundation

/// Wall-clock seconds of `body`, repeated until at least `minSeconds` have passed; returns seconds per call.
func secondsPerCall(minSeconds: Double = 0.02, _ body: () -> Void) -> Double {
    var calls = 0
    let start = DispatchTime.now().uptimeNanoseconds
    var now = start
    repeat {
        body()
        calls += 1
        now = DispatchTime.now().uptimeNanoseconds
    } while Double(now - start) / 1e9 < minSeconds
    return Double(now - start) / 1e9 / Double(calls)
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Runs the variants interleaved (one sample of each per round, so host noise hits them alike)
/// and returns the median seconds per call of each.
func interleaved(rounds: Int, minSeconds: Double = 0.02, _ variants: [() -> Void]) -> [Double] {
    var samples = Array(repeating: [Double](), count: variants.count)
    for v in variants { _ = secondsPerCall(minSeconds: minSeconds / 4, v) }  // warm-up
    for _ in 0..<rounds {
        for (i, v) in variants.enumerated() { samples[i].append(secondsPerCall(minSeconds: minSeconds, v)) }
    }
    return samples.map(median)
}
