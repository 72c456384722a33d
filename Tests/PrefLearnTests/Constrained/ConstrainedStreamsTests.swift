import Foundation
import Testing
import PrefCore
@testable import PrefLearn

/// The exact streams, advantages and mixes of constrained RLHF (spec §1.3), and the dual step of
/// the multipliers, against values worked by hand.
@Suite("constrained streams") struct ConstrainedStreamsTests {
    static let lp = [log(0.5), log(0.3), log(0.2), log(0.25), log(0.25), log(0.5)]
    static let lr = [Double](repeating: log(1.0 / 3), count: 6)
    static let r1 = [1.0, 0, -1, 2, 0, 1]
    static let r2 = [0.5, 0.5, 3, -1, 1, 0]

    static func t(_ v: [Double]) throws -> Tensor { try Tensor(v, shape: [2, 3], dtype: .f64) }

    static func streams(beta: Double = 0.2) throws -> ConstrainedStreams {
        try ConstrainedStreams(logProbs: t(lp), reference: t(lr), components: [t(r1), t(r2)], beta: beta)
    }

    /// Â(r) by hand: centre per prompt under p, divide by sqrt(mean_x Σ p (r − E r)²).
    static func advantage(_ r: [Double]) -> [Double] {
        let p = lp.map(exp)
        var centred = [Double](), variance = 0.0
        for x in 0..<2 {
            let e = (0..<3).reduce(0) { $0 + p[x * 3 + $1] * r[x * 3 + $1] }
            for k in 0..<3 {
                centred.append(r[x * 3 + k] - e)
                variance += p[x * 3 + k] * (r[x * 3 + k] - e) * (r[x * 3 + k] - e) / 2
            }
        }
        return centred.map { $0 / (variance.squareRoot() + 1e-8) }
    }

    @Test func valuesAndKL() throws {
        let s = try Self.streams()
        let p = Self.lp.map(exp)
        let v1 = ((0.5 * 1 + 0.3 * 0 + 0.2 * -1) + (0.25 * 2 + 0 + 0.5 * 1)) / 2
        #expect(abs(s.values[0] - v1) < 1e-12)
        let kl = (0..<6).reduce(0) { $0 + p[$1] * (Self.lp[$1] - Self.lr[$1]) } / 2
        #expect(abs(s.kl - kl) < 1e-12)
    }

    @Test func advantagesAreStandardisedUnderThePolicy() throws {
        let s = try Self.streams()
        let a = try s.advantage(try Self.t(Self.r1)).scalars
        let p = Self.lp.map(exp)
        for x in 0..<2 {
            let mean: Double = (0..<3).reduce(0.0) { (acc: Double, k: Int) -> Double in acc + p[x * 3 + k] * a[x * 3 + k] }
            #expect(abs(mean) < 1e-12)
        }
        let second: Double = (0..<6).reduce(0.0) { (acc: Double, k: Int) -> Double in acc + p[k] * a[k] * a[k] }
        #expect(abs(second / 2 - 1) < 1e-6)
        for (x, y) in zip(a, Self.advantage(Self.r1)) { #expect(abs(x - y) < 1e-12) }
    }

    @Test func theMixesOfEachKind() throws {
        let s = try Self.streams(beta: 0.2)
        let r0 = zip(Self.lp, Self.lr).map { -0.2 * ($0 - $1) }
        let a0 = Self.advantage(r0), a1 = Self.advantage(Self.r1), a2 = Self.advantage(Self.r2)
        let l = [0.3, 0.6]
        let mu = try s.mixed(.mu, multipliers: l, signs: [1, -1], thresholds: [0, 0]).scalars
        for k in 0..<6 {
            let expected: Double = 1.1 * a0[k] + 0.3 * a1[k] - 0.6 * a2[k]
            #expect(abs(mu[k] - expected) < 1e-9)
        }
        let f1 = Self.advantage(zip(Self.r1, r0).map(+)), f2 = Self.advantage(zip(Self.r2, r0).map(+))
        let all = try s.mixed(.all, multipliers: l, signs: [-1, -1], thresholds: [0, 0]).scalars
        for k in 0..<6 {
            let expected: Double = 1.1 * (f1[k] + f2[k]) - 0.3 * f1[k] - 0.6 * f2[k]
            #expect(abs(all[k] - expected) < 1e-9)
        }
        let sat = try s.mixed(.sat, multipliers: [0, 0], signs: [1, 1], thresholds: [1, 0.5]).scalars
        let penalty: [Double] = (0..<6).map { (k: Int) -> Double in
            let d1: Double = Self.r1[k] - 1, d2: Double = Self.r2[k] - 0.5
            return r0[k] - d1 * d1 - d2 * d2
        }
        let target = Self.advantage(penalty)
        for k in 0..<6 { #expect(abs(sat[k] - target[k]) < 1e-9) }
    }

    @Test func theDualStepByHand() throws {
        var m = try LagrangeMultipliers(equality: [false, true], signs: [1, 1], learningRate: 0.1, momentum: 0.1, seed: 7)
        let l0 = m.raw
        #expect(l0.allSatisfy { abs($0) < 0.05 } && l0[0] != l0[1])
        let b0 = m.bounded
        #expect(abs(b0[0] - 1 / (1 + exp(-l0[0]))) < 1e-15 && abs(b0[1] - tanh(l0[1])) < 1e-15)
        // Below a lower bound (c < 0) the multiplier grows; the equality's moves the other way for c > 0.
        try m.step(violations: [-0.5, 0.4])
        let g0 = [-0.5 * b0[0] * (1 - b0[0]), 0.4 * (1 - b0[1] * b0[1])]
        #expect(abs(m.raw[0] - (l0[0] - 0.1 * g0[0])) < 1e-15 && abs(m.raw[1] - (l0[1] - 0.1 * g0[1])) < 1e-15)
        #expect(m.bounded[0] > b0[0] && m.bounded[1] < b0[1])
        let l1 = m.raw, b1 = m.bounded
        try m.step(violations: [0.2, 0.2])
        let g1 = [0.2 * b1[0] * (1 - b1[0]), 0.2 * (1 - b1[1] * b1[1])]
        for i in 0..<2 { #expect(abs(m.raw[i] - (l1[i] - 0.1 * (0.1 * g0[i] + g1[i]))) < 1e-15) }
    }

    @Test func upperBoundsAndUnsquashedMultipliers() throws {
        var up = try LagrangeMultipliers(equality: [false], signs: [-1], seed: 1)
        let before = up.bounded[0]
        try up.step(violations: [0.3])          // above an upper bound: the penalty grows
        #expect(up.bounded[0] > before)
        var plain = try LagrangeMultipliers(equality: [false], signs: [1], squash: false, learningRate: 1, momentum: 0, seed: 1)
        #expect(plain.raw[0] >= 0)
        try plain.step(violations: [5])        // far above a lower bound: clamped at 0
        #expect(plain.raw[0] == 0 && plain.bounded[0] == 0)
        var clipped = try LagrangeMultipliers(equality: [false, false], signs: [1, 1], squash: false, learningRate: 1, momentum: 0,
                                              maxGradNorm: 1, seed: 1)
        let r = clipped.raw
        try clipped.step(violations: [-3, -4])   // gradient (−3, −4), norm 5, clipped to (−0.6, −0.8)
        #expect(abs(clipped.raw[0] - (r[0] + 0.6)) < 1e-12 && abs(clipped.raw[1] - (r[1] + 0.8)) < 1e-12)
    }

    @Test func refusals() {
        #expect(throws: TensorError.self) { try LagrangeMultipliers(equality: [], signs: [], seed: 1) }
        #expect(throws: TensorError.self) { try LagrangeMultipliers(equality: [true], signs: [1], momentum: 1, seed: 1) }
        #expect(throws: TensorError.self) {
            var m = try LagrangeMultipliers(equality: [true], signs: [1], seed: 1)
            try m.step(violations: [.nan])
        }
    }
}
