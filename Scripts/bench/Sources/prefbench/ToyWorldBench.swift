import Foundation
import PrefCore
import PrefLearn

/// The toy world (spec §9): building the default world (200 + 100 prompts × 64 candidates) and
/// drawing 3,000 labelled pairs as rows and as a `Dataset` with feature tensors; also the
/// best-of-n size (K = 1024). Medians of interleaved rounds.
func toyWorldBench(rounds: Int) -> [String] {
    let config = ToyWorld.Config()
    var big = ToyWorld.Config()
    big.candidates = 1024
    let world = try! ToyWorld(config)
    let times = interleaved(rounds: rounds, [
        { _ = try! ToyWorld(config) },
        {
            var rng = RandomStream(seed: 1, stream: "bench")
            _ = try! world.pairs(3000, rng: &rng)
        },
        {
            var rng = RandomStream(seed: 1, stream: "bench")
            _ = try! world.dataset(try! world.pairs(3000, rng: &rng), rng: &rng)
        },
        { _ = try! ToyWorld(big) },
    ])
    return [
        "toy world: default world (300 prompts × 64 candidates) \(ms(times[0])) ms",
        "toy world: 3,000 pairs (rows) \(ms(times[1])) ms, as a dataset with features \(ms(times[2])) ms",
        "toy world: best-of-n world (300 prompts × 1024 candidates) \(ms(times[3])) ms",
    ]
}

private func ms(_ seconds: Double) -> String {
    let x = seconds * 1000
    return x < 10 ? String(format: "%.2f", x) : String(format: "%.0f", x)
}
