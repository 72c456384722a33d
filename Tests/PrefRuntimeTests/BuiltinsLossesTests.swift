import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

@Suite("builtins: losses") struct BuiltinsLossesTests {
    /// Two pairs: Δc = [1, 0.5], Δr = [−1.5, 1], so h = [2.5, −0.5].
    static func dataPath() throws -> String {
        let path = NSTemporaryDirectory() + "pref-dpo-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).jsonl"
        let rows = """
            {"policy_chosen_logps": -10, "policy_rejected_logps": -14, "ref_chosen_logps": -11, "ref_rejected_logps": -12.5}
            {"policy_chosen_logps": -20.5, "policy_rejected_logps": -19, "ref_chosen_logps": -21, "ref_rejected_logps": -20}

            """
        try rows.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func inspectGivesPerExampleLossGradientsRewardsAndMetrics() throws {
        let path = try Self.dataPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let load = "let d = load(\"\(path)\", kind: \"logps\")\nlet t = inspect(dpo(beta: 0.1), d)\n"
        let s = Pref.session()
        _ = try Pref.eval(load, in: s)
        // z = [0.25, −0.05]: ℓ = log(1 + e^{−z}), g_c = −0.1·σ(−z) = −0.1/(1 + e^{z}).
        let loss = try Pref.tensor("t.loss", in: s).scalars
        let gc = try Pref.tensor("t.grad_chosen", in: s).scalars, gr = try Pref.tensor("t.grad_rejected", in: s).scalars
        for (i, z) in [0.25, -0.05].enumerated() {
            #expect(abs(loss[i] - log(1 + exp(-z))) <= 1e-12)
            #expect(abs(gc[i] + 0.1 / (1 + exp(z))) <= 1e-12 && abs(gr[i] - 0.1 / (1 + exp(z))) <= 1e-12)
        }
        #expect(try Pref.tensor("t.reward_chosen", in: s).scalars.enumerated().allSatisfy { abs($1 - [0.1, 0.05][$0]) <= 1e-12 })
        #expect(abs(try Pref.number("t.batch_loss", in: s) - (log(1 + exp(-0.25)) + log(1 + exp(0.05))) / 2) <= 1e-12)
        #expect(try Pref.number("t.metrics[\"rewards/accuracies\"]", in: s) == 0.5)
        #expect(abs(try Pref.number("t.metrics[\"logps/chosen\"]", in: s) + 15.25) <= 1e-12)
    }

    @Test func dpoOptionsAndErrors() throws {
        #expect(try Pref.repr("dpo(loss_type: [\"sigmoid\", \"nll\"], loss_weights: [1, 0.5]).loss_type") == "[\"sigmoid\", \"sft\"]")
        #expect(throws: (any Error).self) { try Pref.eval("dpo(loss_type: \"nope\")") }
        #expect(throws: (any Error).self) { try Pref.eval("dpo(loss_type: \"exo_pair\")") }
        #expect(throws: (any Error).self) { try Pref.eval("dpo(loss_type: \"bco_pair\", f_divergence_type: \"js_divergence\")") }
        #expect(throws: (any Error).self) { try Pref.eval("dpo(beta: -1)") }
        #expect(throws: (any Error).self) { try Pref.eval("inspect(dpo(), 3)") }
    }
}
