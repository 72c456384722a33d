import Foundation
import PrefCore
import PrefLearn

/// Issue 8 item 6: the exact-expectation policy-gradient step (`PolicyGradientTrainer`,
/// reinforce, β = 0.1, SGD) of a log-linear candidate policy on 100 prompts × 512 candidates ×
/// 6 features in f64 and in f32 — the size of spec §1.5's toy — in steps per second, through the
/// fused kernel (`FusedPolicyGradient`, the default) and through the tape (`fused = false`).
/// Its NumPy peer is Scripts/bench/rlhf/numpy_step.py (same shapes, dtypes and arithmetic,
/// analytic gradient).
func rlhfBench(rounds: Int) -> [String] {
    [DType.f64, .f32].flatMap { dtype in [true, false].map { rlhfBench(rounds: rounds, dtype: dtype, fused: $0) } }
}

func rlhfBench(rounds: Int, dtype: DType, fused: Bool) -> String {
    do {
        let (p, k, d) = (100, 512, 6)
        var rng = RandomStream(seed: 1, stream: "bench/rlhf")
        let psi = rng.normalTensor([p, k, d], dtype: dtype)
        // r = w·q − 0.25‖q‖² with w = (0.6, 0.6, 0.5, 0, 0, 0), spec Appendix A (E5).
        let w = try Tensor([0.6, 0.6, 0.5, 0, 0, 0], shape: [d, 1], dtype: dtype)
        let flat = try psi.reshaped([p * k, d])
        let rewards = try (try flat.matmul(w) - (try flat.square().sum(axis: 1, keepDims: true) * 0.25)).reshaped([p, k])
        let policy = try CandidatePolicy(.loglinear, source: try CandidateFeatures(psi: psi, origin: "bench"))
        var config = PolicyGradientConfig()
        config.beta = 0.1
        config.fused = fused
        let trainer = try PolicyGradientTrainer(policy: policy, reference: policy.frozen(), prompts: Array(0..<p), rewards: rewards,
                                                config: config, optimizer: try SGD(policy.parameters, learningRate: 0.3), seed: 1)
        var last = [String: Double]()
        let seconds = interleaved(rounds: rounds, minSeconds: 0.2, [{ last = (try? trainer.step()) ?? [:] }])[0]
        let reward = last["reward"] ?? .nan
        return String(format: "rlhf exact step %@, %d prompts × %d candidates × %d features (%@): %.1f steps/s (%.3f ms/step; reward %.3f)",
                      fused ? "fused" : "tape", p, k, d, "\(dtype)", 1 / seconds, seconds * 1e3, reward)
    } catch {
        return "rlhf bench failed: \(error)"
    }
}
