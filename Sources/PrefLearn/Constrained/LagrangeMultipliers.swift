#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import PrefCore

/// The Lagrange multipliers of constrained RLHF and their dual step (spec algorithms.md §1.3,
/// steps 4 and 6; Moskovitz et al. 2024, code `constrained_ppo.py`):
///
///     λ̃_i = σ(λ_i)      inequality constraints (squash = true)
///     λ̃_i = tanh(λ_i)   equality constraints   (squash = true)
///     λ̃_i = λ_i         unsquashed; an inequality's λ is clamped at 0 after each step
///     dual loss  L(λ) = Σ_i λ̃_i · s_i · c_i,   c_i = v_i − θ_i
///     ∂L/∂λ_i = s_i c_i · dλ̃_i/dλ_i       (σ' = λ̃(1 − λ̃), tanh' = 1 − λ̃², 1 unsquashed)
///     g ← g · min(1, max_norm / ‖g‖)      (global norm clipping)
///     b ← m·b + g,  λ ← λ − η·b           (PyTorch SGD with momentum m, no dampening)
///
/// s_i = +1 for a lower bound or an equality, −1 for an upper bound (All-PPO's flipped sign):
/// a lower bound below its threshold (c < 0) raises λ̃_i, above it lowers λ̃_i. The raw λ_i
/// start at N(0, 0.01²) from the seed (stream "constrained/lambda").
public struct LagrangeMultipliers: Sendable {
    /// The raw λ_i.
    public private(set) var raw: [Double]
    /// True for equality constraints (tanh), false for inequalities (σ).
    public let equality: [Bool]
    /// s_i, ±1.
    public let signs: [Double]
    public let squash: Bool
    public let learningRate: Double
    public let momentum: Double
    /// nil: no clipping.
    public let maxGradNorm: Double?
    private var buffer: [Double]

    public init(equality: [Bool], signs: [Double], squash: Bool = true, learningRate: Double = 0.1, momentum: Double = 0.1,
                maxGradNorm: Double? = nil, seed: UInt64) throws(TensorError) {
        guard equality.count == signs.count, !equality.isEmpty else {
            throw TensorError(op: "constrained", "needs at least one constraint")
        }
        guard learningRate.isFinite, learningRate > 0 else { throw TensorError(op: "constrained", "lagrange_lr must be finite and > 0") }
        guard momentum.isFinite, (0..<1).contains(momentum) else { throw TensorError(op: "constrained", "momentum must be in [0, 1)") }
        if let m = maxGradNorm, !(m.isFinite && m > 0) { throw TensorError(op: "constrained", "the dual gradient clip must be finite and > 0") }
        var rng = RandomStream(seed: seed, stream: "constrained/lambda")
        var raw = equality.map { _ in 0.01 * rng.normal() }
        if !squash { for i in raw.indices where !equality[i] { raw[i] = Swift.max(raw[i], 0) } }
        self.raw = raw
        self.equality = equality
        self.signs = signs
        self.squash = squash
        self.learningRate = learningRate
        self.momentum = momentum
        self.maxGradNorm = maxGradNorm
        buffer = Array(repeating: 0, count: equality.count)
    }

    /// λ̃_i, the bounded multipliers that weight the advantages.
    public var bounded: [Double] {
        raw.indices.map { i in
            guard squash else { return raw[i] }
            return equality[i] ? tanh(raw[i]) : 1 / (1 + exp(-raw[i]))
        }
    }

    /// One dual SGD step on L(λ) = Σ λ̃_i s_i c_i for the violations c_i = v_i − θ_i.
    public mutating func step(violations c: [Double]) throws(TensorError) {
        guard c.count == raw.count else { throw TensorError(op: "constrained", "\(c.count) violations for \(raw.count) multipliers") }
        guard c.allSatisfy(\.isFinite) else { throw TensorError(op: "constrained", "a constraint's expected reward is not finite") }
        let b = bounded
        var g = raw.indices.map { i -> Double in
            let slope = !squash ? 1 : equality[i] ? 1 - b[i] * b[i] : b[i] * (1 - b[i])
            return signs[i] * c[i] * slope
        }
        if let maxGradNorm {
            let norm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > maxGradNorm { g = g.map { $0 * maxGradNorm / norm } }
        }
        for i in raw.indices {
            buffer[i] = momentum * buffer[i] + g[i]
            raw[i] -= learningRate * buffer[i]
            if !squash && !equality[i] { raw[i] = Swift.max(raw[i], 0) }
        }
    }
}
