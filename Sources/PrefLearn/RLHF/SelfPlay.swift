#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import PrefCore

/// General-preference self-play over K responses to one prompt: the exact target of GPO's
/// iterations (Zhang, Zhang, Wu, Xu, Gu, ICML 2025; spec algorithms.md §4.3), which is SPPO's
/// multiplicative-weights step (Wu et al. 2024) with a skew-symmetric score in place of P − ½:
///
///     π_{t+1}(y) ∝ π_t(y)^{1−ηβ} · π_ref(y)^{ηβ} · exp(η · ŝ(y ≻ π_t))
///     ŝ(y ≻ π_t) = Σ_{y'} π_t(y') s(y ≻ y')                    (exact)
///                = (1/M) Σ_m s(y ≻ y_m),  y_m ~ π_t             (M samples)
///
/// β = 0 is §4.3's update; β > 0 adds a KL anchor to π_ref (the magnetic mirror-descent step of
/// E_π ŝ(· ≻ π_t) − β·KL(π‖π_ref), whose fixed points satisfy π ∝ π_ref·exp(s(· ≻ π)/β)). With a
/// Bradley–Terry score s(y ≻ y') = r(y) − r(y') the step is reward RLHF's exponentiated-gradient
/// step with a baseline, so the same routine runs both sides of E7.
///
/// Because s is skew-symmetric, E_{y∼π} s(y ≻ π) = πᵀSπ = 0: no centring is needed, and the
/// exploitability max_y s(y ≻ π) ≥ 0 is 0 exactly at a von Neumann winner.
public enum SelfPlay {
    public struct Options: Sendable {
        /// η, the step size, > 0.
        public var eta = 0.5
        /// Iterations, ≥ 1.
        public var steps = 100
        /// β, the KL anchor's weight, ≥ 0 with η·β ≤ 1.
        public var kl = 0.0
        /// M opponents drawn from π_t per step; nil: the exact expectation.
        public var samples: Int?
        /// Seed of the opponents' draws (sampled only).
        public var seed: UInt64 = 0

        public init() {}
    }

    /// π_0…π_T, their running time-averages π̄_t = (1/(t+1)) Σ_{s≤t} π_s, and per iterate the
    /// exploitability of π_t and of π̄_t and E_{y∼π_t} ŝ(y ≻ π_t).
    public struct Trajectory: Sendable {
        public var policies: [[Double]] = []
        public var averages: [[Double]] = []
        public var gaps: [Double] = []
        public var averageGaps: [Double] = []
        public var meanScores: [Double] = []
    }

    /// Runs `options.steps` updates from `initial` (K probabilities) with the K×K score matrix
    /// `preference` (row-major, S[i][j] = s(y_i ≻ y_j), skew-symmetric) and reference π_ref
    /// (nil: `initial`).
    public static func run(initial: [Double], preference: [Double], reference: [Double]? = nil,
                           options: Options) throws(TensorError) -> Trajectory {
        let k = initial.count
        try validate(initial, preference: preference, reference: reference, options: options)
        let logRef = (reference ?? initial).map { log($0) }
        var rng = RandomStream(seed: options.seed, stream: "self_play")
        // The state is log π_t, so probabilities that shrink below the smallest double stay > 0.
        var logPi = normalized(initial).map { log($0) }
        var sum = [Double](repeating: 0, count: k)
        var out = Trajectory()
        for step in 0...options.steps {
            let pi = logPi.map { exp($0) }
            let s = try scores(pi, preference, samples: options.samples, rng: &rng)
            for i in 0..<k { sum[i] += pi[i] }
            let average = sum.map { $0 / Double(step + 1) }
            out.policies.append(pi)
            out.averages.append(average)
            out.gaps.append(exploitability(pi, preference))
            out.averageGaps.append(exploitability(average, preference))
            out.meanScores.append(zip(pi, s).reduce(0) { $0 + $1.0 * $1.1 })
            if step == options.steps { break }
            let a = options.eta * options.kl
            // (1 − a)·log π_t + a·log π_ref, leaving out a factor that is 0 (0·(−∞) is not a number).
            logPi = logSoftmax((0..<k).map { i in
                (a < 1 ? (1 - a) * logPi[i] : 0) + (a > 0 ? a * logRef[i] : 0) + options.eta * s[i]
            })
        }
        return out
    }

    /// ŝ(y ≻ π) for every y: exact (Sπ) or the mean score against M draws from π.
    public static func scores(_ pi: [Double], _ preference: [Double], samples: Int?,
                              rng: inout RandomStream) throws(TensorError) -> [Double] {
        let k = pi.count
        guard let m = samples else {
            return (0..<k).map { i in (0..<k).reduce(0) { $0 + preference[i * k + $1] * pi[$1] } }
        }
        var s = [Double](repeating: 0, count: k)
        for _ in 0..<m {
            let opponent = try rng.categorical(probabilities: pi)
            for i in 0..<k { s[i] += preference[i * k + opponent] / Double(m) }
        }
        return s
    }

    /// max_y s(y ≻ π) = max_y (Sπ)_y: how much the best response gains against π (≥ 0 for a
    /// skew-symmetric S since πᵀSπ = 0; 0 exactly at a von Neumann winner).
    public static func exploitability(_ pi: [Double], _ preference: [Double]) -> Double {
        let k = pi.count
        return (0..<k).map { i in (0..<k).reduce(0) { $0 + preference[i * k + $1] * pi[$1] } }.max() ?? 0
    }

    static func normalized(_ p: [Double]) -> [Double] {
        let total = p.reduce(0, +)
        return p.map { $0 / total }
    }

    /// log of softmax; −∞ entries (zero initial probabilities) stay −∞.
    static func logSoftmax(_ logits: [Double]) -> [Double] {
        let top = logits.max() ?? 0
        let total = logits.reduce(0) { $1 == -.infinity ? $0 : $0 + exp($1 - top) }
        let shift = top + log(total)
        return logits.map { $0 - shift }
    }

    static func validate(_ initial: [Double], preference: [Double], reference: [Double]?,
                         options: Options) throws(TensorError) {
        let k = initial.count
        guard k >= 2 else { throw TensorError(op: "self_play", "needs at least 2 responses, got \(k)") }
        for (name, p) in [("the initial policy", initial), ("the reference", reference ?? initial)] {
            guard p.count == k else { throw TensorError(op: "self_play", "\(name) has \(p.count) probabilities, the initial policy \(k)") }
            guard p.allSatisfy({ $0.isFinite && $0 >= 0 }), p.reduce(0, +) > 0 else {
                throw TensorError(op: "self_play", "\(name) must be finite probabilities ≥ 0 with a positive sum")
            }
        }
        if let r = reference, let i = (0..<k).first(where: { r[$0] == 0 && options.kl > 0 }) {
            throw TensorError(op: "self_play", "the reference gives response \(i) probability 0; the KL anchor needs π_ref > 0",
                              hint: "use kl: 0 or a reference with full support")
        }
        guard preference.count == k * k else {
            throw TensorError(op: "self_play", "the preference matrix must be \(k)×\(k) for \(k) responses, got \(preference.count) entries")
        }
        for i in 0..<k {
            for j in i..<k {
                let a = preference[i * k + j], b = preference[j * k + i]
                guard a.isFinite, b.isFinite else { throw TensorError(op: "self_play", "the preference matrix has a non-finite entry at [\(i), \(j)]") }
                if i == j, a != 0 {
                    throw TensorError(op: "self_play", "the preference matrix's diagonal s(y_i ≻ y_i) must be 0; [\(i), \(i)] = \(a)",
                                      hint: "scores s, not probabilities: use log(P / (1 − P)) or P − 0.5")
                }
                guard Swift.abs(a + b) <= 1e-9 * Swift.max(1, Swift.abs(a)) else {
                    throw TensorError(op: "self_play", "the preference matrix must be skew-symmetric (s(i ≻ j) = −s(j ≻ i)); [\(i), \(j)] = \(a), [\(j), \(i)] = \(b)",
                                      hint: "scores s, not probabilities: use log(P / (1 − P)) or P − 0.5")
                }
            }
        }
        guard options.eta.isFinite, options.eta > 0 else { throw TensorError(op: "self_play", "eta must be finite and > 0, got \(options.eta)") }
        guard options.kl.isFinite, options.kl >= 0, options.eta * options.kl <= 1 else {
            throw TensorError(op: "self_play", "kl must be ≥ 0 with eta·kl ≤ 1, got kl \(options.kl), eta \(options.eta)")
        }
        guard (1...1_000_000).contains(options.steps) else { throw TensorError(op: "self_play", "steps must be 1…1000000, got \(options.steps)") }
        // Two [T+1, K] trajectories are kept: bound them (10⁷ numbers is 80 MB each).
        guard (options.steps + 1) * k <= 10_000_000 else {
            throw TensorError(op: "self_play", "\(options.steps) steps of \(k) responses would keep \((options.steps + 1) * k) probabilities per trajectory, more than 10000000",
                              hint: "use fewer steps")
        }
        if let m = options.samples, !(1...1_000_000).contains(m) {
            throw TensorError(op: "self_play", "samples must be 1…1000000, got \(m)")
        }
    }
}
