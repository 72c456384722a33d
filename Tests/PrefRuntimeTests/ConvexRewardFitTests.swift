import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// `fit(rm, pairs, bradley_terry_loss(), optimizer: "newton" | "lbfgs")` from pref: both reach the
/// same optimum, the history's last loss is `evaluate`'s log-loss, runs repeat, and misuse is a
/// located error.
@Suite("training: convex reward-model fit") struct ConvexRewardFitTests {
    static func session() throws -> Session {
        let s = Pref.session()
        _ = try Pref.eval("""
            let w = toy_world(seed: 4, candidates: 16, prompts: 30, noise: 0.5)
            let d = w.pairs(400, group: "gold", seed: 1)
            let a = reward_model(features: w, seed: 1)
            let b = reward_model(features: w, seed: 2)
            let ra = fit(a, d, bradley_terry_loss(), optimizer: "newton", tolerance: 1e-10)
            let rb = fit(b, d, bradley_terry_loss(), optimizer: "lbfgs", tolerance: 1e-10)

            """, in: s)
        return s
    }

    @Test func newtonAndLbfgsReachTheSameOptimum() throws {
        let s = try Self.session()
        let la = try Pref.number("ra.history.rows[-1].loss", in: s), lb = try Pref.number("rb.history.rows[-1].loss", in: s)
        #expect(abs(la - lb) <= 1e-12 * la)
        #expect(try Pref.number("ra.grad_norm", in: s) <= 1e-10)
        #expect(try Pref.number("rb.grad_norm", in: s) <= 1e-10)
        #expect(try Pref.number("ra.iterations", in: s) <= 12)
        #expect(try Pref.number("ra.steps", in: s) == (try Pref.number("ra.iterations", in: s)) + 1)
        // Same rewards from both fits, and the fit's loss is evaluate's log-loss of the fitted model.
        #expect(try Pref.number("max(abs(a(w) - b(w)))", in: s) < 1e-6)
        #expect(abs(try Pref.number("evaluate(a, d).log_loss", in: s) - la) <= 1e-12 * la)
        // The loss falls from the start (Armijo).
        let losses = try Pref.tensor("tensor([row.loss for row in ra.history.rows], dtype: \"f64\")", in: s).scalars
        #expect(losses.first ?? 0 > la + 1e-3)
    }

    @Test func deterministicAndWithMarginAndCentring() throws {
        let s = try Self.session()
        _ = try Pref.eval("""
            let c = reward_model(features: w, seed: 1)
            let rc = fit(c, d, bradley_terry_loss(), optimizer: "newton", tolerance: 1e-10)
            let e = reward_model(features: w, seed: 1)
            let re = fit(e, d, bradley_terry_loss(margin: 0.3, center: 0.01), optimizer: "newton")
            let f = reward_model(features: w, seed: 1)
            let rf = fit(f, d, bradley_terry_loss(margin: 0.3, center: 0.01), epochs: 1500, batch: 400, lr: 0.05, optimizer: "adam")

            """, in: s)
        #expect(try Pref.number("max(abs(a(w) - c(w)))", in: s) == 0)
        // Adam on the tape approaches the Newton optimum of the margin-and-centring loss from above.
        let newton = try Pref.number("re.history.rows[-1].loss", in: s), adam = try Pref.number("min([row.loss for row in rf.history.rows])", in: s)
        #expect(adam >= newton - 1e-12)
        #expect(adam - newton < 1e-6, "Adam \(adam) vs Newton \(newton)")
    }

    @Test func misuseIsALocatedError() throws {
        let s = try Self.session()
        for bad in ["fit(reward_model(kind: \"mlp\", features: w, hidden: 4), d, bradley_terry_loss(), optimizer: \"newton\")",
                    "fit(a, d, dpo(), optimizer: \"newton\")",
                    "fit(candidate_policy(w), d, dpo(), optimizer: \"lbfgs\")",
                    "fit(a, d, bradley_terry_loss(), optimizer: \"newton\", eval: d)",
                    "fit(a, d, bradley_terry_loss(), optimizer: \"newton\", tolerance: 0)",
                    "fit(a, d, bradley_terry_loss(), optimizer: \"lbfgs\", max_iter: 0)",
                    "fit(a, d, bradley_terry_loss(), optimizer: \"lbfgs\", max_iter: 1, tolerance: 1e-300)"] {
            do {
                _ = try Pref.eval(bad, in: s)
                Issue.record("no error: \(bad)")
            } catch let e as RuntimeError {
                #expect(e.range != nil, "\(bad): \(e.message) has no location")
            }
        }
    }
}
