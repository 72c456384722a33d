import Foundation
import Testing
import PrefCore
import PrefLanguage
import PrefLearn
@testable import PrefRuntime

/// `udm_weights(data)` and bco's density-ratio clip (`min_density_ratio`, `max_density_ratio`,
/// TRL BCOConfig's options): the weights are the sheet's w = clip(p/(1 − p + 1e-8), min, max)
/// on undesirable rows and 1 on desirable ones, and the clip reaches training.
@Suite("UDM weights and bco's density-ratio clip") struct UDMWeightsTests {
    static let world = "let w = toy_world(seed: 1, candidates: 8, prompts: 20, test_prompts: 5)\n"
        + "let u = w.unpaired(200, seed: 1)\n"

    /// The sheet's formula (spec/losses.md §3) on the classifier's own probabilities, to 1e-10
    /// relative, with the default clip and with a custom one.
    @Test func weightsAreTheSheetsClippedDensityRatio() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.world, in: s)
        let x = try Pref.tensor("u.features.prompt", in: s).to(.f64).scalars
        let labels = try Pref.numbers("[if r.label { 1 } else { 0 } for r in u]", in: s).map { $0 == 1 }
        let classifier = try PromptClassifier(features: x, dim: 4, labels: labels)
        for (lo, hi, call) in [(0.5, 10.0, "udm_weights(u)"), (0.8, 1.5, "udm_weights(u, min_density_ratio: 0.8, max_density_ratio: 1.5)")] {
            let got = try Pref.tensor(call, in: s).scalars
            #expect(got.count == 200)
            var clippedLow = 0, clippedHigh = 0
            for i in 0..<200 {
                let p = classifier.probability(x[4 * i ..< 4 * i + 4])
                let ratio = p / (1 - p + 1e-8), expected = labels[i] ? 1 : min(max(ratio, lo), hi)
                #expect(abs(got[i] - expected) <= 1e-10 * abs(expected), "\(call) row \(i): \(got[i]) vs \(expected)")
                if !labels[i] && ratio < lo { clippedLow += 1 }
                if !labels[i] && ratio > hi { clippedHigh += 1 }
            }
            if lo == 0.8 { #expect(clippedLow > 0 && clippedHigh > 0, "the narrow clip binds on both sides: \(clippedLow), \(clippedHigh)") }
        }
    }

    /// With the clip [1, 1] every UDM weight is 1, so bco(udm: true) trains exactly as bco();
    /// with the default clip it does not.
    @Test func aUnitClipIsPlainBCO() throws {
        func theta(_ loss: String) throws -> [UInt64] {
            let s = Pref.session()
            _ = try Pref.eval(Self.world + "let pi = candidate_policy(w, dtype: \"f64\")\nfit(pi, u, \(loss), epochs: 2, lr: 0.05, seed: 1)\n", in: s)
            return try Pref.tensor("pi.parameters[0]", in: s).scalars.map(\.bitPattern)
        }
        let plain = try theta("bco()")
        #expect(try theta("bco(udm: true, min_density_ratio: 1, max_density_ratio: 1)") == plain)
        #expect(try theta("bco(udm: true)") != plain)
    }

    /// Bad clips and data are located errors.
    @Test func badArgumentsAreLocatedErrors() throws {
        let cases: [(String, String)] = [
            ("bco(udm: true, min_density_ratio: 2, max_density_ratio: 1)", "must be ≤ max_density_ratio"),
            ("bco(min_density_ratio: -1)", "min_density_ratio must be ≥ 0"),
            ("bco(max_density_ratio: 0)", "max_density_ratio must be > 0"),
            ("udm_weights(u, max_density_ratio: 1 / 0)", "max_density_ratio must be > 0"),
            ("udm_weights(w.pairs(10))", "needs an unpaired dataset"),
            ("udm_weights(filter(u, fn(r) r.label))", "needs desirable and undesirable examples"),
        ]
        for (source, message) in cases {
            let e = Pref.failure(Self.world + source)
            #expect(e?.message.contains(message) == true, "\(source): \(e?.message ?? "no error")")
            #expect(e?.range != nil, "\(source) is located")
        }
    }
}
