import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// Plackett–Luce, LiPO-λ and RankDPO against algorithms.md §6.9, in f64.
@Suite("Listwise losses") struct ListwiseLossTests {
    // Two prompts, three responses. Prompt 0: s = p − r = [0.5, −1, −1], ψ = [2, 0, 1], τ = [0, 2, 1].
    // Prompt 1: s = [0, 1, −2], ψ = [1, 1, 0] (a tie, kept in list order), τ = [0, 1, 2].
    static let p = [-1.0, -2, -3, -2, -1, -4], r = [-1.5, -1, -2, -2, -2, -2]
    static let psi = [[2.0, 0, 1], [1.0, 1, 0]]
    static let s = [[0.5, -1, -1], [0.0, 1, -2]], tau = [[0, 2, 1], [0, 1, 2]]

    func run(_ v: [Var], _ config: ListwiseConfig, labels: [[Double]] = Self.psi) throws -> LossEvaluation {
        let k = labels[0].count
        return try listwiseLoss(policy: v[0].reshaped([labels.count, k]), reference: v[1].reshaped([labels.count, k]), labels: labels, config: config)
    }

    static func lse(_ xs: [Double]) -> Double { let m = xs.max() ?? 0; return m + log(xs.reduce(0) { $0 + exp($1 - m) }) }

    /// PL by the sheet: ℓ and ∂ℓ/∂s_τ(m) = −1 + Σ_{k ≤ m} exp(s_τ(m))/Σ_{j ≥ k} exp(s_τ(j)).
    static func plackettLuce(_ s: [Double], _ tau: [Int]) -> (Double, [Double]) {
        let sorted = tau.map { s[$0] }, k = s.count
        let loss = (0..<k).reduce(0.0) { $0 + lse(Array(sorted[$1...])) - sorted[$1] }
        var g = [Double](repeating: 0, count: k)
        for m in 0..<k { g[tau[m]] = -1 + (0...m).reduce(0.0) { $0 + exp(sorted[m] - lse(Array(sorted[$1...]))) } }
        return (loss, g)
    }

    @Test func plackettLuceClosedForm() throws {
        // ℓ₀ = log(e^{0.5} + 2e^{−1}) − 0.5 + log 2 = 0.868981 − 0.5 + 0.693147 = 1.062128;
        // ℓ₁ = log(1 + e + e^{−2}) + log(1 + e^{−3}) = 1.348990 + 0.048587 = 1.397577.
        #expect(isClose(Self.plackettLuce(Self.s[0], Self.tau[0]).0, log(exp(0.5) + 2 * exp(-1.0)) - 0.5 + log(2.0), rel: 1e-12))
        #expect(isClose(Self.plackettLuce(Self.s[1], Self.tau[1]).0, log(1 + M_E + exp(-2.0)) + log1p(exp(-3.0)), rel: 1e-12))
        #expect(isClose(Self.plackettLuce(Self.s[0], Self.tau[0]).0, 1.062128, rel: 1e-6))
        let out = try LossTest.run([Self.p, Self.r]) { v in try run(v, ListwiseConfig(type: .plackettLuce, beta: 1)) }
        let sheet = (0..<2).map { Self.plackettLuce(Self.s[$0], Self.tau[$0]) }
        LossTest.expectClose(out.perExample, sheet.map(\.0), "PL ℓ")
        #expect(isClose(out.loss, (sheet[0].0 + sheet[1].0) / 2))
        // ∂L/∂p = β·∂ℓ/∂s / P; ∂L/∂r = −∂L/∂p.
        LossTest.expectClose(out.gradients[0], sheet.flatMap(\.1).map { $0 / 2 }, "PL ∂L/∂p")
        LossTest.expectClose(out.gradients[1], sheet.flatMap(\.1).map { -$0 / 2 }, "PL ∂L/∂r")
        // β = 0.1 scales s.
        let small = try LossTest.run([Self.p, Self.r]) { v in try run(v, ListwiseConfig(type: .plackettLuce)) }
        LossTest.expectClose(small.perExample, (0..<2).map { Self.plackettLuce(Self.s[$0].map { 0.1 * $0 }, Self.tau[$0]).0 }, "PL β=0.1")
    }

    /// LiPO-λ by the sheet with the Δ weights given: ℓ and ∂ℓ/∂s.
    static func lipo(_ s: [Double], _ delta: [[Double]]) -> (Double, [Double]) {
        let k = s.count
        var loss = 0.0, g = [Double](repeating: 0, count: k)
        for i in 0..<k { for j in 0..<k where delta[i][j] != 0 {
            loss -= delta[i][j] * (-log1p(exp(-(s[i] - s[j]))))
            let w = delta[i][j] / (1 + exp(s[i] - s[j]))          // Δ·σ(−(s_i − s_j))
            g[i] -= w
            g[j] += w
        } }
        return (loss, g)
    }

    @Test(arguments: [ListwiseLossType.lipo, .rankDPO]) func lipoClosedForm(_ type: ListwiseLossType) throws {
        // Prompt 0: ranks by s = [1, 2, 3], G = [3, 0, 1]: Δ₀₁ = 3·|1/ln 2 − 1/ln 3| = 1.597368,
        // Δ₀₂ = 2·|1/ln 2 − 1/ln 4| = 1.442695, Δ₂₁ = 1·|1/ln 4 − 1/ln 3| = 0.188891;
        // ℓ₀ = (1.597368 + 1.442695)·softplus(−1.5) + 0.188891·ln 2 = 0.743237.
        // Prompt 1: ranks [2, 1, 3], G = [1, 1, 0]: Δ₀₂ = |1/ln 3 − 1/ln 4| = 0.188891, Δ₁₂ = |1/ln 2 − 1/ln 4| = 0.721348;
        // ℓ₁ = 0.188891·softplus(−2) + 0.721348·softplus(−3) = 0.059024.
        let d0 = [[0, 3 * (1 / log(2.0) - 1 / log(3.0)), 2 * (1 / log(2.0) - 1 / log(4.0))], [0, 0, 0], [0, 1 / log(3.0) - 1 / log(4.0), 0]]
        let d1 = [[0, 0, 1 / log(3.0) - 1 / log(4.0)], [0, 0, 1 / log(2.0) - 1 / log(4.0)], [0, 0, 0]]
        let sheet = [Self.lipo(Self.s[0], d0), Self.lipo(Self.s[1], d1)]
        #expect(isClose(sheet[0].0, 0.743237, rel: 1e-5) && isClose(sheet[1].0, 0.059024, rel: 1e-4))
        // RankDPO with β = 0.5, T = 2 has the same scores as LiPO with β = 1.
        let config = type == .lipo ? ListwiseConfig(type: .lipo, beta: 1) : ListwiseConfig(type: .rankDPO, beta: 0.5, scale: 2)
        let out = try LossTest.run([Self.p, Self.r]) { v in try run(v, config) }
        LossTest.expectClose(out.perExample, sheet.map(\.0), "\(type) ℓ")
        LossTest.expectClose(out.gradients[0], sheet.flatMap(\.1).map { $0 / 2 }, "\(type) ∂L/∂p")
        // Accuracies: prompt 0 pairs (0,1) ✓ (0,2) ✓ (2,1) ✗ (−1 > −1 is false); prompt 1 (0,2) ✓ (1,2) ✓ → 4/5.
        #expect(isClose(out.metrics["rewards/accuracies"] ?? .nan, 0.8))
        // NDCG: prompt 0 (3/ln2 + 1/ln4)/(3/ln2 + 1/ln3); prompt 1 ranks its equal gains ideally → 1.
        let ndcg0 = (3 / log(2.0) + 1 / log(4.0)) / (3 / log(2.0) + 1 / log(3.0))
        #expect(isClose(out.metrics["ndcg"] ?? .nan, (ndcg0 + 1) / 2))
        // Best responses 0 and 0 (s = 0.5, 0), worst 1 and 2 (s = −1, −2).
        #expect(isClose(out.metrics["rewards/chosen"] ?? .nan, 0.25) && isClose(out.metrics["rewards/rejected"] ?? .nan, -1.5))
    }

    @Test(arguments: ListwiseLossType.allCases) func gradients(_ type: ListwiseLossType) throws {
        // The LiPO weights are piecewise constant in s: finite differences need a point without ties in s.
        let p = [-1.0, -2.3, -3, -2, -1, -4]
        try LossTest.expectGradients([p, Self.r], "\(type)") { v in try run(v, ListwiseConfig(type: type, beta: 1)) }
        try LossTest.expectGradients([p, Self.r], "\(type) default β") { v in try run(v, ListwiseConfig(type: type)) }
    }

    @Test(arguments: ListwiseLossType.allCases) func stress(_ type: ListwiseLossType) throws {
        // Margins of ±600 (βΔ = ±60) and lists of length 1 (loss 0, no pairs).
        let big = try LossTest.run([[-1e-12, -600, -300, -600, -1e-12, -300], [0, 0, 0, 0, 0, 0]]) { v in
            try run(v, ListwiseConfig(type: type, beta: 0.1), labels: [[2, 0, 1], [2, 0, 1]])
        }
        LossTest.expectFinite(big, "\(type) ±60")
        let single = try LossTest.run([[-3, -1], [-2, -2]]) { v in try run(v, ListwiseConfig(type: type), labels: [[1], [0]]) }
        LossTest.expectFinite(single, "\(type) K = 1")
        LossTest.expectClose(single.perExample, [0, 0], "\(type) K = 1")
    }

    @Test func errors() throws {
        let tape = Tape()
        let v = tape.variable(try Tensor([1, 2, 3], shape: [3], dtype: .f64))
        #expect(throws: TensorError.self) { try listwiseLoss(policy: v, reference: nil, labels: [[1, 2, 3]]) }
        let m = try v.reshaped([1, 3])
        #expect(throws: TensorError.self) { try listwiseLoss(policy: m, reference: nil, labels: [[1, 2]]) }
    }
}
