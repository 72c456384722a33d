import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// `inspect` of KTO and BCO on an unpaired logps file, against spec/losses.md §2–3 in f64.
@Suite("builtins: unpaired losses") struct BuiltinsLossUnpairedTests {
    static let p = [-10.0, -12, -9, -15], r = [-11.0, -11.5, -10, -14], label = [true, true, false, false]
    static let pkl = [-13.0, -12, -11, -16], rkl = [-12.0, -12.5, -12, -15.5]

    static func session() throws -> (Session, String) {
        try BuiltinsLossZooTests.load((0..<4).map { i in
            "{\"label\": \(label[i]), \"policy_logps\": \(p[i]), \"ref_logps\": \(r[i]), "
                + "\"policy_kl_logps\": \(pkl[i]), \"ref_kl_logps\": \(rkl[i])}\n"
        }.joined())
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    static func expectClose(_ got: [Double], _ want: [Double], _ what: String) {
        #expect(got.count == want.count)
        for (g, w) in zip(got, want) { #expect(abs(g - w) <= 1e-10 * max(1, abs(w)), "\(what): \(g) vs \(w)") }
    }

    /// KTO: ℓ = λ·σ(s·β(Δ − z₀)), s = −1 desirable, +1 undesirable; ∂ℓ/∂p = s·β·σ(t)(1 − σ(t)).
    static func kto(beta: Double, z0: Double) -> (loss: [Double], grad: [Double]) {
        let t = (0..<4).map { (label[$0] ? -beta : beta) * (p[$0] - r[$0] - z0) }
        return (t.map(sigmoid), (0..<4).map { (label[$0] ? -beta : beta) * sigmoid(t[$0]) * (1 - sigmoid(t[$0])) })
    }

    @Test func ktoWithTheKLReferencePoint() throws {
        let (s, path) = try Self.session()
        defer { try? FileManager.default.removeItem(atPath: path) }
        // mean(pkl − rkl) = (−1 + 0.5 + 1 − 0.5)/4 = 0 → z₀ = 0; with β = 0.2.
        _ = try Pref.eval("let t = inspect(kto(beta: 0.2), d)\n", in: s)
        let want = Self.kto(beta: 0.2, z0: 0)
        Self.expectClose(try Pref.tensor("t.loss", in: s).scalars, want.loss, "loss")
        Self.expectClose(try Pref.tensor("t.grad", in: s).scalars, want.grad, "grad")
        Self.expectClose(try Pref.tensor("t.reward", in: s).scalars, (0..<4).map { 0.2 * (Self.p[$0] - Self.r[$0]) }, "reward")
        #expect(abs(try Pref.number("t.batch_loss", in: s) - want.loss.reduce(0, +) / 4) <= 1e-12)
        #expect(try Pref.number("t.metrics.kl", in: s) == 0)
        // apo_zero_unpaired ignores z₀ (and β defaults to 0.1).
        _ = try Pref.eval("let u = inspect(kto(loss_type: \"apo_zero_unpaired\"), d)\n", in: s)
        Self.expectClose(try Pref.tensor("u.loss", in: s).scalars, Self.kto(beta: 0.1, z0: 0).loss, "apo_zero_unpaired")
    }

    @Test func bcoAgainstItsShift() throws {
        let (s, path) = try Self.session()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Pref.eval("let t = inspect(bco(), d)\n", in: s)
        let delta = try Pref.number("t.metrics.delta", in: s)
        let rewards = (0..<4).map { 0.1 * (Self.p[$0] - Self.r[$0]) }
        #expect(abs(delta - rewards.reduce(0, +) / 4) <= 1e-7)   // the first batch's mean, via float32
        // ℓ = −log σ(±(ρ − δ)); ∂ℓ/∂p = ∓β·σ(∓(ρ − δ)).
        let x = (0..<4).map { (Self.label[$0] ? 1.0 : -1) * (rewards[$0] - delta) }
        Self.expectClose(try Pref.tensor("t.loss", in: s).scalars, x.map { log1p(exp(-$0)) }, "loss")
        Self.expectClose(try Pref.tensor("t.grad", in: s).scalars,
                         (0..<4).map { (Self.label[$0] ? -0.1 : 0.1) * Self.sigmoid(-x[$0]) }, "grad")
    }

    @Test func kindMismatchesAreErrors() throws {
        let (s, path) = try Self.session()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: (any Error).self) { try Pref.eval("inspect(dpo(), d)", in: s) }
        #expect(throws: (any Error).self) { try Pref.eval("inspect(kto() + dpo(), d)", in: s) }
        #expect(try Pref.number("inspect(kto() + 2 * bco(), d).batch_loss - inspect(kto(), d).batch_loss - 2 * inspect(bco(), d).batch_loss", in: s) < 1e-12)
    }
}
