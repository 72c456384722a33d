import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// `inspect` of gpo, mapo, dove and the record-shaped losses against the sheet, in f64 (1e-10).
@Suite("builtins: more losses") struct BuiltinsMoreLossesTests {
    typealias Zoo = BuiltinsLossZooTests

    func close(_ expr: String, _ want: [Double], _ s: Session) throws {
        let got = try Pref.tensor(expr, in: s).scalars
        #expect(got.count == want.count, "\(expr)")
        for (g, w) in zip(got, want) { #expect(abs(g - w) <= 1e-10 * max(1, abs(w)), "\(expr): \(g) vs \(w)") }
    }

    @Test func gpoSavageAndMapo() throws {
        let (s, path) = try Zoo.session()
        defer { try? FileManager.default.removeItem(atPath: path) }
        // h = (pc − rc) − (pr − rr) = [1 + 1.5, 0.5 − 1] = [2.5, −0.5]; savage ℓ = σ(−βh)², ∂ℓ/∂pc = −2βσ(−t)²σ(t).
        let t = [0.25, -0.05]
        try Zoo.check("gpo(link: \"savage\")", s, loss: t.map { pow(Zoo.sigmoid(-$0), 2) },
                      gc: t.map { -2 * 0.1 * pow(Zoo.sigmoid(-$0), 2) * Zoo.sigmoid($0) },
                      gr: t.map { 2 * 0.1 * pow(Zoo.sigmoid(-$0), 2) * Zoo.sigmoid($0) })
        try Zoo.check("dove()", s, loss: t.map { Zoo.softplus(-$0) }, gc: t.map { -0.1 * Zoo.sigmoid(-$0) }, gr: t.map { 0.1 * Zoo.sigmoid(-$0) })
        // MaPO: L_w = −pc/lc = [2.5, 4.1], L_l = −pr/lr = [2, 9.5]; x = 0.5·L; s(x) = x/(eˣ − 1).
        func sx(_ x: Double) -> Double { x / expm1(x) }
        let lw = [2.5, 4.1], ll = [2.0, 9.5]
        let loss = (0..<2).map { lw[$0] + 0.1 * Zoo.softplus(-50 * (sx(0.5 * lw[$0]) - sx(0.5 * ll[$0]))) }
        _ = try Pref.eval("let m = inspect(mapo(), d)\n", in: s)
        try close("m.loss", loss, s)
    }

    @Test func rankedTreeAndTokenRecords() throws {
        let s = Pref.session()
        _ = try Pref.eval("""
            let f = fn(x) tensor(x, dtype: "f64")
            let pl = inspect(plackett_luce(beta: 1), {policy_logps: f([[-1, -2, -3]]), ref_logps: f([[-1.5, -1, -2]]), scores: f([[2, 0, 1]])})
            let tree = {step_logratios: f([[[0.2, -0.4], [1, 0], [-0.6, 0.2]]]), step_weights: f([[[1, 1], [2, 0], [0.5, 1.5]]]), scores: f([[2, 0, 1]])}
            let tp = inspect(tpo(beta: 1, step_reward: "mean"), tree)
            let ts = inspect(tpo(beta: 1), tree)
            let sp = inspect(sparse_po(beta: 1, lambda_u: 0.01, lambda_d: 0.01), {chosen_logps: f([[-1, -2, -0.5]]), ref_chosen_logps: f([[-1.5, -1, -1]]),
                rejected_logps: f([[-2, -2, -2]]), ref_rejected_logps: f([[-1, -1, -1]]), chosen_weights: f([[1, 0.5, 0]]),
                chosen_kl: f([[-0.1, -0.2, -0.3]]), rejected_kl: f([[-0.4, 0, 0]])})

            """, in: s)
        // PL: s = [0.5, −1, −1], τ = [0, 2, 1]: ℓ = log(e^{0.5} + 2e^{−1}) − 0.5 + log 2.
        try close("pl.loss", [log(exp(0.5) + 2 * exp(-1.0)) - 0.5 + log(2.0)], s)
        // TPO gap, mean form: R = Σ w r / Σ w = [−0.1, 1, 0]: ℓ = 2·softplus(1.1) + softplus(0.1) + softplus(1).
        try close("tp.loss", [2 * Zoo.softplus(1.1) + Zoo.softplus(0.1) + Zoo.softplus(1)], s)
        try close("tp.reward", [-0.1, 1, 0], s)
        // The default sum form: R = Σ w r = [−0.2, 2, 0]: ℓ = 2·softplus(2.2) + softplus(0.2) + softplus(2).
        try close("ts.loss", [2 * Zoo.softplus(2.2) + Zoo.softplus(0.2) + Zoo.softplus(2)], s)
        try close("ts.reward", [-0.2, 2, 0], s)
        // SparsePO: u = 0 − (−3), d = −0.2 − (−0.4), z = 2.8; penalty 0.02·(1.5 + 3).
        try close("sp.loss", [Zoo.softplus(-2.8) + 0.09], s)
        try close("sp.grad_chosen", [-Zoo.sigmoid(-2.8), -0.5 * Zoo.sigmoid(-2.8), 0], s)
    }
}
