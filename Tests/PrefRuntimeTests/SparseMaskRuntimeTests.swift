import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefLearn
@testable import PrefRuntime

/// `fit(tp, pairs, sparse_po(mask:))` trains SparsePO's mask network with the policy;
/// `tp.masks(data)` reads it and `tp.gold_kl(n)` measures a token policy by sampling.
@Suite("SparsePO masks in pref") struct SparseMaskRuntimeTests {
    static let setup = """
        let w = toy_world(seed: 1, view: "token", prompts: 30, test_prompts: 10, candidates: 16, lambda: 0, length_cost: 0, diversity: 0)
        let tp = token_policy(w, hidden: 8, seed: 2)
        let data = w.pairs(300)
        let held = w.pairs(40, seed: 9)

        """

    static func session() throws -> Session { try Pref.session(running: setup) }

    static func policy(_ s: Session) throws -> TokenPolicyObject {
        let o = try Pref.object("tp", as: TokenPolicyObject.self, in: s)
        return o
    }

    @Test func fitTrainsTheMasksAndMasksReadsThem() throws {
        let s = try Self.session()
        _ = try Pref.eval("let r = fit(tp, data, sparse_po(mask: \"common\"), epochs: 2, batch: 50, lr: 0.02, seed: 3)\nlet m = tp.masks(held)\n", in: s)
        let net = try #require(try Self.policy(s).maskNetwork)
        #expect(net.kind == .common)
        // The network trained: its parameters left their initial values.
        let fresh = try SparseMaskNetwork(kind: .common, hidden: 8, seed: 0)
        #expect(net.parameters[2].value.scalars != fresh.parameters[2].value.scalars)
        let reward = try Pref.tensor("m.reward", in: s), kl = try Pref.tensor("m.kl", in: s), tokens = try Pref.tensor("m.tokens", in: s)
        #expect(reward.shape.dims[0] == 80 && reward.shape == tokens.shape)
        #expect(reward.scalars == kl.scalars, "a common mask is both m^u and m^d")
        // Padding is −1 with mask 0; the masks are ≥ 0; the per-token means agree with the masks.
        var sums = [Double](repeating: 0, count: 17), counts = sums
        for (m, t) in zip(reward.scalars, tokens.scalars) {
            #expect(m >= 0)
            if t < 0 { #expect(m == 0) } else { sums[Int(t)] += m; counts[Int(t)] += 1 }
        }
        #expect(try Pref.tensor("m.count_by_token", in: s).scalars == counts)
        #expect(counts[16] == 80, "one EOS per sequence")
        for (x, (a, c)) in zip(try Pref.tensor("m.reward_by_token", in: s).scalars, zip(sums, counts)) {
            #expect(abs(x - (c > 0 ? a / c : 0)) < 1e-12)
        }
        // The L1 term: the first step's loss is log 2 + 2λ·Σ m per pair (u = d = 0 at the reference).
        #expect(try Pref.number("r.history.rows[0].loss", in: s) > log(2.0))
    }

    @Test func independentMasksDifferAndTrainingIsDeterministic() throws {
        func run() throws -> ([Double], [Double]) {
            let s = try Self.session()
            _ = try Pref.eval("fit(tp, data, sparse_po(mask: \"independent\"), epochs: 1, batch: 50, lr: 0.02, seed: 3)\nlet m = tp.masks(held)\n", in: s)
            return (try Pref.tensor("m.reward", in: s).scalars, try Pref.tensor("m.kl", in: s).scalars)
        }
        let (u, d) = try run(), (u2, d2) = try run()
        #expect(u != d)
        #expect(u.map(\.bitPattern) == u2.map(\.bitPattern) && d.map(\.bitPattern) == d2.map(\.bitPattern))
    }

    @Test func resumingWithMasksContinuesBitIdentically() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pref-sparse-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func run(_ extra: String, epochs: Int) throws -> [UInt64] {
            let s = try Self.session()
            _ = try Pref.eval("fit(tp, data, sparse_po(mask: \"common\"), epochs: \(epochs), batch: 100, lr: 0.02, seed: 5\(extra))\n", in: s)
            let o = try Self.policy(s)
            return (o.policy.parameters + (o.maskNetwork?.parameters ?? [])).flatMap { $0.value.scalars }.map(\.bitPattern)
        }
        let whole = try run("", epochs: 2)
        _ = try run(", checkpoint: \"\(dir)/ck\"", epochs: 1)
        #expect(try run(", resume: \"\(dir)/ck\"", epochs: 2) == whole)
    }

    @Test func fixedMaskTokensAreTheGivenIndicator() throws {
        func parameters(_ loss: String) throws -> [UInt64] {
            let s = try Self.session()
            _ = try Pref.eval("fit(tp, data, \(loss), epochs: 1, batch: 100, lr: 0.02, seed: 5, optimizer: \"adam\")\n", in: s)
            return try Self.policy(s).policy.parameters.flatMap { $0.value.scalars }.map(\.bitPattern)
        }
        let initial = try Self.policy(try Self.session()).policy.parameters.flatMap { $0.value.scalars }.map(\.bitPattern)
        // Every output fixed (tokens 0…15 and EOS 16) is the m = 1 path, bit for bit.
        #expect(try parameters("sparse_po(mask_tokens: range(0, 17))") == parameters("sparse_po()"))
        // No token: u = d = 0, the loss is constant and the policy does not move (Adam, no weight decay).
        #expect(try parameters("sparse_po(mask_tokens: [])") == initial)
        // The sentiment tokens only: the policy moves, and differently from m = 1.
        let sentiment = try parameters("sparse_po(mask_tokens: [0, 1])"), unit = try parameters("sparse_po()")
        #expect(sentiment != initial && sentiment != unit)
    }

    @Test func goldKLOfTheReferenceIsExact() throws {
        let s = try Self.session()
        _ = try Pref.eval("let g = tp.gold_kl(3, split: \"test\", seed: 4)\n", in: s)
        // π = π_ref: every log-ratio is 0.
        #expect(try Pref.number("g.kl", in: s) == 0 && Pref.number("g.kl_se", in: s) == 0)
        #expect(try Pref.number("g.samples", in: s) == 30)
        // The gold is the world's r* of the very samples tp.sample draws with that seed.
        let o = try Self.policy(s)
        let prompts = Array(o.world.prompts(.test)).flatMap { [Int](repeating: $0, count: 3) }
        let gold = try o.world.sequenceGold(try o.policy.sample(prompts: prompts, maxLength: o.world.config.maxLength, seed: 4))
        #expect(abs(try Pref.number("g.gold", in: s) - gold.reduce(0, +) / 30) < 1e-12)
    }

    @Test func goldKLEstimatesTheExactKL() throws {
        // V = 3, max_length 2: 13 sequences per prompt, so KL(π‖π_ref) over the cut sequences is enumerable.
        let s = Pref.session()
        _ = try Pref.eval("""
            let w = toy_world(seed: 2, view: "token", vocabulary: 3, max_length: 2, prompts: 3, test_prompts: 1, clusters: 1, candidates: 8)
            let tp = token_policy(w, hidden: 4, seed: 1)
            fit(tp, w.pairs(60), dpo(beta: 0.1), epochs: 3, batch: 20, lr: 0.2, seed: 1)
            let g = tp.gold_kl(4000, seed: 7)

            """, in: s)
        let o = try Self.policy(s)
        let p = o.policy, ref = o.initial
        var seqs = [[Int]](), prompts = [Int]()
        for x in 0..<3 { for q in [[], [0], [1], [2]] + (0..<9).map({ [$0 / 3, $0 % 3] }) { seqs.append(q); prompts.append(x) } }
        let batch = try TokenBatch(prompts: prompts, sequences: seqs, vocabulary: 3)
        let lp = try p.evaluate { t throws(TensorError) in try p.tokenLogProbs(batch, tape: t) }.scalars
        let lr = try ref.evaluate { t throws(TensorError) in try ref.tokenLogProbs(batch, tape: t) }.scalars
        var exact = 0.0
        for (r, q) in seqs.enumerated() {
            let end = q.count < 2 ? q.count : 1                      // length-2 sequences are cut: no EOS
            let a = (0...end).reduce(0.0) { $0 + lp[r * 3 + $1] }, b = (0...end).reduce(0.0) { $0 + lr[r * 3 + $1] }
            exact += exp(a) * (a - b) / 3
        }
        let estimate = try Pref.number("g.kl", in: s), se = try Pref.number("g.kl_se", in: s)
        #expect(exact > 0.01, "the policy moved: \(exact)")
        #expect(abs(estimate - exact) < 4 * se, "estimate \(estimate) ± \(se), exact \(exact)")
    }

    @Test func errorsAreLocated() throws {
        for (code, message) in [("tp.masks(held)", "no mask network"), ("sparse_po(mask: \"indp\")", "unknown mask"),
                                ("fit(tp, data, sparse_po(mask: \"common\") + sparse_po(mask: \"independent\"))", "different masks"),
                                ("tp.gold_kl(0)", "n must be"),
                                ("sparse_po(mask: \"common\", mask_tokens: [0])", "fixes the masks"),
                                ("sparse_po(mask_tokens: [0, -1])", "≥ 0"), ("sparse_po(mask_tokens: 3)", "a list of token ids"),
                                ("sparse_po(mask_tokens: [0.5])", "whole number"),
                                ("fit(tp, data, sparse_po(mask_tokens: [17]))", "is not one of the policy"),
                                ("fit(tp, data, sparse_po(mask_tokens: [0]) + sparse_po(mask_tokens: [1]))", "different mask tokens")] {
            let s = try Self.session()
            #expect(throws: (any Error).self, "\(code)") { try Pref.eval(code + "\n", in: s) }
            do { _ = try Pref.eval(code + "\n", in: s) } catch {
                let text = "\(error)"
                #expect(text.contains(message), "\(code): \(text)")
            }
        }
    }
}
