import Testing
import PrefLearn
@testable import PrefRuntime

/// toy_world(shared_steps: "paraphrased"): the siblings of a preference tree share the meaning of
/// the steps before the last (a token or its synonym, which has the same embedding, so the same
/// features and gold) but not always their tokens; the last step still differs.
@Suite("tpo paraphrased trees") struct TPOParaphrasedTreesTests {
    static let world = """
        let w = toy_world(seed: 3, view: "token", vocabulary: 8, max_length: 6, branches: 4, candidates: 8, prompts: 30, test_prompts: 10,
                          token_noise: 0, shared_steps: "paraphrased")
        let tp = token_policy(w, hidden: 12, seed: 2)

        """

    @Test func siblingsShareMeaningNotTokens() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.world, in: s)
        let world = try TokenPolicyRuntimeTests.policy("tp", in: s).world, c = world.config
        // Two sentiment tokens keep their own; the others pair up (2, 3), (4, 5), (6, 7).
        #expect((0..<8).map(c.synonym(of:)) == [0, 1, 3, 2, 5, 4, 7, 6])
        let e = world.geometry.tokenEmbeddings, d = c.featureDim
        func embedding(_ t: Int) -> [Double] { Array(e[(t * d)..<(t * d + d)]) }
        for t in 0..<8 { #expect(embedding(t) == embedding(c.synonym(of: t)), "token \(t)") }
        #expect(embedding(2) != embedding(4) && embedding(4) != embedding(6))
        var paraphrased = 0, trees = 0
        for tree in stride(from: 0, to: world.gold.count, by: 4) {
            let leaves = (tree..<(tree + 4)).map(world.tokens(of:))
            let meanings = Set(leaves.map { $0.prefix(4).map { min($0, c.synonym(of: $0)) } })
            #expect(meanings.count == 1, "tree \(tree): \(leaves)")
            #expect(Set(leaves.map { Array($0.suffix(2)) }).count == 4, "tree \(tree)")
            if Set(leaves.map { Array($0.prefix(4)) }).count > 1 { paraphrased += 1 }
            trees += 1
        }
        #expect(paraphrased > trees / 2, "\(paraphrased) of \(trees) trees paraphrase")
        // The default world is unchanged by the knob's existence: identical prefixes.
        let plain = Pref.session()
        _ = try Pref.eval(Self.world.replacingOccurrences(of: "shared_steps: \"paraphrased\"", with: "shared_steps: \"identical\""), in: plain)
        let p = try TokenPolicyRuntimeTests.policy("tp", in: plain).world
        #expect(stride(from: 0, to: p.gold.count, by: 4).allSatisfy { t in Set((t..<(t + 4)).map { Array(p.tokens(of: $0).prefix(4)) }).count == 1 })
        #expect(try Pref.eval("w.config.shared_steps", in: s).reprText == "\"paraphrased\"")
    }

    /// TPO's weight on the non-top leaves' shared steps: exactly 2 when the steps are identical
    /// (identical hidden states), 1 + cos < 2 when they are paraphrased (other tokens, other states).
    @Test func sharedStepWeightsSeeParaphrases() throws {
        for (form, paraphrased) in [("paraphrased", true), ("identical", false)] {
            let s = Pref.session()
            let source = Self.world.replacingOccurrences(of: "shared_steps: \"paraphrased\"", with: "shared_steps: \"\(form)\"")
            _ = try Pref.eval(source + "let r = fit(tp, w.trees(40, seed: 1), tpo(beta: 0.1), epochs: 1, batch: 8, lr: 0.02, seed: 3)\n", in: s)
            let shared = try TokenPolicyRuntimeTests.column("step_weights/shared", in: s)
            #expect(shared.count == 5)
            if paraphrased {
                #expect(shared.allSatisfy { $0 > 1 && $0 < 1.99 }, "\(shared)")
            } else {
                #expect(shared.allSatisfy { abs($0 - 2) < 1e-12 }, "\(shared)")
            }
        }
    }

    @Test func paraphrasedStepsNeedTrees() {
        let e = Pref.failure("toy_world(view: \"token\", shared_steps: \"paraphrased\")")
        #expect(e?.message.contains("needs preference trees") == true && e?.range != nil, "\(String(describing: e))")
        #expect(Pref.failure("toy_world(view: \"token\", branches: 4, candidates: 8, shared_steps: \"synonyms\")")?.message.contains("unknown shared_steps") == true)
    }
}
