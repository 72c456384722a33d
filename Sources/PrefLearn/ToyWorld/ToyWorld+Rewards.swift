#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import PrefCore

extension ToyWorld {
    /// Gold, annotator utilities and component rewards of every candidate, from one matmul of
    /// the features with the stacked directions [w*; w_1…w_N; w* + Δ_1…w* + Δ_G].
    struct Values {
        var gold: [Double]
        var utilities: [Double]
        var components: [Double]
    }

    /// The reward formulas of spec §9.2–§9.4, for all candidates at once:
    /// - gold      r* = w*·q − λ‖q‖² − c_ℓ(ℓ − ℓ*)²
    /// - linear    u_g = (w* + Δ_g)·q − λ_ann‖q‖² + b_len·ℓ − c_ℓ(ℓ − ℓ*)²
    /// - ideal     u_g = −‖q − a_g‖ + b_len·ℓ − c_ℓ(ℓ − ℓ*)²,  a_g = (w* + Δ_g)/(2λ)
    /// - component r_i = w_i·q
    static func values(_ q: [Double], lengths: [Int], config c: Config, geometry g: ToyGeometry) throws(TensorError) -> Values {
        let d = c.featureDim, n = c.components, groups = c.groups, m = lengths.count
        let columns = 1 + n + groups
        var directions = g.goldWeights + g.componentWeights
        for group in 0..<groups {
            for j in 0..<d { directions.append(g.goldWeights[j] + g.groupOffsets[group * d + j]) }
        }
        let w = try Tensor(directions, shape: [columns, d], dtype: .f64)
        let projections = try Tensor(q, shape: [m, d], dtype: .f64).matmul(try w.transposed()).scalars

        var gold = [Double](repeating: 0, count: m)
        var utilities = [Double](repeating: 0, count: groups * m)
        var components = [Double](repeating: 0, count: n * m)
        let lambdaAnn = c.effectiveAnnotatorLambda
        let idealNorms = (0..<groups).map { group in
            let a = directions[((1 + n + group) * d)..<((2 + n + group) * d)].map { $0 / (2 * c.lambda) }
            return a.reduce(0) { $0 + $1 * $1 }
        }
        for i in 0..<m {
            var norm2 = 0.0
            for j in 0..<d { norm2 += q[i * d + j] * q[i * d + j] }
            let lengthGap = Double(lengths[i]) - c.targetLength
            let lengthTerm = -c.lengthCost * lengthGap * lengthGap
            let row = i * columns
            gold[i] = projections[row] - c.lambda * norm2 + lengthTerm
            for k in 0..<n { components[k * m + i] = projections[row + 1 + k] }
            let annotatorLength = c.lengthBias * Double(lengths[i]) + lengthTerm
            for group in 0..<groups {
                let p = projections[row + 1 + n + group]
                let quality: Double
                switch c.utility {
                case .linear:
                    quality = p - lambdaAnn * norm2
                case .idealPoint:
                    // ‖q − a‖² = ‖q‖² − 2 a·q + ‖a‖², with a·q = (w* + Δ_g)·q / (2λ).
                    quality = -Swift.max(norm2 - p / c.lambda + idealNorms[group], 0).squareRoot()
                }
                utilities[group * m + i] = quality + annotatorLength
            }
        }
        return Values(gold: gold, utilities: utilities, components: components)
    }

    /// The utility of candidate `i` for `judge`: a group's u_g, or the gold r*.
    public func utility(_ judge: Judge, _ i: Int) -> Double {
        switch judge {
        case .gold: gold[i]
        case .group(let g): utilities[g * gold.count + i]
        }
    }

    /// Who labels a row: an annotator group g ∈ 0..<G, or the gold reward itself.
    public enum Judge: Sendable, Equatable {
        case group(Int)
        case gold
    }

    /// The skew-symmetric cyclic term of §9.3: u_a v_b − v_a u_b = sin(θ_b − θ_a), so the
    /// term for (b, a) is the negative of the term for (a, b) and zero for a = b.
    public func cyclic(_ a: Int, _ b: Int) -> Double {
        let (ua, va) = style(a), (ub, vb) = style(b)
        return ua * vb - va * ub
    }

    /// The logit of P(a ≻ b) before label noise (§9.3):
    /// (u(a) − u(b)) / τ_ann + κ·(u_a v_b − v_a u_b). Candidates may belong to different
    /// prompts (joint labels compare absolute utilities).
    public func preferenceLogit(_ a: Int, _ b: Int, judge: Judge) -> Double {
        let base = (utility(judge, a) - utility(judge, b)) / config.temperature
        return config.kappa == 0 ? base : base + config.kappa * cyclic(a, b)
    }

    /// P(a ≻ b) after label noise: (1 − ε)·σ(z) + ε·σ(−z) with z the preference logit.
    public func preferenceProbability(_ a: Int, _ b: Int, judge: Judge) -> Double {
        let p = Self.sigmoid(preferenceLogit(a, b, judge: judge))
        return (1 - config.noise) * p + config.noise * (1 - p)
    }

    /// The median of `judge`'s utility over prompt `p`'s candidates.
    public func median(_ judge: Judge, prompt p: Int) -> Double {
        switch judge {
        case .gold: goldMedians[p]
        case .group(let g): utilityMedians[g * config.totalPrompts + p]
        }
    }

    /// σ(z) = 1 / (1 + e^(−z)), computed without overflow for large |z|.
    static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }
}
