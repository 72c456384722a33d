import Foundation
import Testing
import _PrefTestSupport
import PrefCore
import PrefLanguage
@testable import PrefLearn
@testable import PrefRuntime

/// TPO's adaptive step weights in `fit` (spec algorithms.md §6.10): w_k(y) = 1 + cos(h̄_k(y),
/// h̄_k(y_top)) from the token policy's hidden layer, held constant in the gradient, and the
/// preference-tree worlds (`branches`, `w.trees`) and `tp.best_leaf` of the TPO toy.
@Suite("tpo step weights and trees") struct TPOStepWeightsTests {
    static let setup = """
        let w = toy_world(seed: 3, view: "token", vocabulary: 8, max_length: 6, branches: 4, candidates: 8, prompts: 30, test_prompts: 10, judge_noise: 0)
        let tp = token_policy(w, hidden: 12, seed: 2)
        let trees = w.trees(40, by: "judge", seed: 1)

        """

    static func session() throws -> Session { try Pref.session(running: setup) }

    static func task(_ loss: String, in s: Session, lists: [[Int]], labels: [[Double]]) throws -> (TokenTreeTask, TokenPolicyObject) {
        let o = try TokenPolicyRuntimeTests.policy("tp", in: s)
        let l = try Pref.object(loss, as: LossObject.self, in: s)
        return (TokenTreeTask(policy: o, loss: l, lists: lists, labels: labels, interpreter: s.interpreter), o)
    }

    /// Two whole trees and a list of one tree's leaves in another order (top not first).
    static let lists = [[0, 1, 2, 3], [12, 13, 14, 15], [7, 5, 4, 6]]
    static let labels: [[Double]] = [[3, 2, 1, 0], [0.5, 2, -1, 1], [1, 1, 0, 4]]

    /// The weights `fit` uses equal the formula computed sequence by sequence from the hidden
    /// states: h̄_k the mean of h_t over step k's positions, y_top the list's best by label.
    @Test func weightsInTrainingFollowTheFormula() throws {
        let s = try Self.session()
        _ = try Pref.eval("fit(tp, w.pairs(300), dpo(), batch: 100, lr: 0.05, seed: 1)\n", in: s)
        let (task, o) = try Self.task("tpo()", in: s, lists: Self.lists, labels: Self.labels)
        let (_, weights) = try task.steps([0, 1, 2], on: Tape())
        let st = o.world.config.stepTokens, steps = 3, h = o.policy.hidden, k = o.world.config.candidates
        func stepMeans(_ id: Int) throws -> [[Double]] {
            let seq = o.world.tokens(of: id)
            let b = try TokenBatch(prompts: [id / k], sequences: [seq], vocabulary: o.policy.vocabulary)
            let hidden = try o.policy.evaluate { t throws(TensorError) in try o.policy.tokenLogProbsAndHidden(b, tape: t).hidden }.scalars
            return (0..<steps).map { j in
                let positions = (j * st)..<min((j + 1) * st, seq.count)
                return (0..<h).map { u in positions.reduce(0.0) { $0 + hidden[$1 * h + u] } / Double(positions.count) }
            }
        }
        func cosine(_ a: [Double], _ b: [Double]) -> Double {
            zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / (a.reduce(0) { $0 + $1 * $1 }.squareRoot() * b.reduce(0) { $0 + $1 * $1 }.squareRoot())
        }
        var row = 0, same = [Double](), divergent = [Double]()
        for (list, labels) in zip(Self.lists, Self.labels) {
            let top = list[labels.firstIndex(of: labels.max()!)!]
            let topMeans = try stepMeans(top)
            for id in list {
                let means = try stepMeans(id)
                for j in 0..<steps {
                    let expected = 1 + cosine(means[j], topMeans[j]), got = weights[row * steps + j]
                    #expect(abs(got - expected) <= 1e-12, "list \(list) response \(id) step \(j): \(got) vs \(expected)")
                    if id != top, j < 2 || o.world.tokens(of: id)[4] == o.world.tokens(of: top)[4] { same.append(got) } else if id != top { divergent.append(got) }
                }
                row += 1
            }
        }
        // Siblings share steps 1–2, so those weights are 2. In step 3 (context 1) position 4's
        // state sees the shared y₃ and position 5's sees y₄: the weight is below 2 exactly when y₄
        // differs from the top's.
        #expect(same.allSatisfy { abs($0 - 2) < 1e-12 })
        #expect(!divergent.isEmpty && divergent.allSatisfy { $0 < 2 - 1e-6 })
        // The history's step_weights/last: the mean step-3 weight of the non-top leaves.
        var last = [Double]()
        for (n, l) in Self.labels.enumerated() {
            let top = l.firstIndex(of: l.max()!)!
            for y in 0..<4 where y != top { last.append(weights[(n * 4 + y) * steps + 2]) }
        }
        #expect(abs(TokenTreeTask.lastStepWeight(weights, labels: Self.labels, steps: steps) - last.reduce(0, +) / 9) < 1e-12)
        // step_weights/shared: the mean weight of the non-top leaves' steps 1–2, here all 2.
        var earlier = [Double]()
        for (n, l) in Self.labels.enumerated() {
            let top = l.firstIndex(of: l.max()!)!
            for y in 0..<4 where y != top { earlier += [weights[(n * 4 + y) * steps], weights[(n * 4 + y) * steps + 1]] }
        }
        let shared = TokenTreeTask.earlierStepWeight(weights, labels: Self.labels, steps: steps)
        #expect(abs(shared - earlier.reduce(0, +) / 18) < 1e-12 && abs(shared - 2) < 1e-12)
        // step_weights: "uniform" is the list loss without step weights: every present step 1.
        let (plain, _) = try Self.task("tpo(step_weights: \"uniform\")", in: s, lists: Self.lists, labels: Self.labels)
        #expect(try plain.steps([0, 1, 2], on: Tape()).1 == [Double](repeating: 1, count: 36))
        #expect(try Pref.eval("tpo(step_weights: \"uniform\").step_weights", in: s).reprText == "\"uniform\"")
    }

    /// ∂L/∂θ of the TPO loss through the token policy, with the weights held at their values,
    /// against central differences of the same loss at fixed weights.
    @Test(arguments: TPOStepReward.allCases) func gradientThroughThePolicyMatchesFiniteDifferences(_ reward: TPOStepReward) throws {
        let s = try Self.session()
        _ = try Pref.eval("fit(tp, w.pairs(300), dpo(), batch: 100, lr: 0.05, seed: 1)\n", in: s)
        let (task, o) = try Self.task("tpo(beta: 0.7, step_reward: \"\(reward.rawValue)\")", in: s, lists: Self.lists, labels: Self.labels)
        let config = TPOConfig(beta: 0.7, stepReward: reward)
        let tape = Tape()
        let (r, weights) = try task.steps([0, 1, 2], on: tape)
        #expect(weights.contains { $0 != 1 && $0 != 2 })
        try tape.backward(try tpoLoss(stepLogratios: r, stepWeights: weights, labels: Self.labels, config: config).loss)
        func loss() throws -> Double {
            let r = try task.steps([0, 1, 2], on: Tape()).0
            return try tpoLoss(stepLogratios: r, stepWeights: weights, labels: Self.labels, config: config).loss.value().scalars[0]
        }
        // The training path gives the same value as tpoLoss with these weights.
        #expect(abs(try task.value(of: task.loss, rows: [0, 1, 2]) - (try loss())) < 1e-12)
        for (index, p) in o.policy.parameters.enumerated() {
            let grad = try #require(p.grad).scalars
            let sample = Array(stride(from: index, to: grad.count, by: max(grad.count / 7, 1)))
            for (i, fd) in zip(sample, try numericGradient(of: p, at: sample, loss)) {
                #expect(abs(fd - grad[i]) <= 1e-7 * max(1, abs(fd)), "\(p.name)[\(i)]: \(fd) vs \(grad[i])")
            }
        }
        for q in o.policy.parameters { q.zeroGrad() }
    }

    /// Through a trained policy on whole trees (every leaf shares steps 1–2 with the top, so their
    /// adaptive weights are 2): under step_reward "sum" the loss equals the loss with the shared
    /// steps removed, because they cancel in every R_i − R_j; under "mean" it does not (the top's
    /// normaliser is 6, a sibling's 4 + w_3), which is how the mean form moves the shared prefix.
    @Test func sharedStepsCancelThroughThePolicyUnderSum() throws {
        let s = try Self.session()
        _ = try Pref.eval("fit(tp, w.pairs(300), dpo(), batch: 100, lr: 0.05, seed: 1)\n", in: s)
        let trees = [[0, 1, 2, 3], [12, 13, 14, 15]], labels = [Self.labels[0], Self.labels[1]]
        for reward in TPOStepReward.allCases {
            let (task, _) = try Self.task("tpo(beta: 0.7, step_reward: \"\(reward.rawValue)\")", in: s, lists: trees, labels: labels)
            let config = TPOConfig(beta: 0.7, stepReward: reward)
            let (r, weights) = try task.steps([0, 1], on: Tape())
            #expect(weights.count == 24 && (0..<8).allSatisfy { abs(weights[$0 * 3] - 2) < 1e-12 && abs(weights[$0 * 3 + 1] - 2) < 1e-12 })
            let full = try tpoLoss(stepLogratios: r, stepWeights: weights, labels: labels, config: config).loss.value().scalars[0]
            let divergentOnly = weights.enumerated().map { $0.offset % 3 == 2 ? $0.element : 0 }
            let last = try tpoLoss(stepLogratios: r, stepWeights: divergentOnly, labels: labels, config: config).loss.value().scalars[0]
            // The shared steps carry nonzero log-ratios after the DPO warm-up, so "mean" sees them.
            let prefix = try r.value().scalars.enumerated().filter { $0.offset % 3 < 2 }.map { abs($0.element) }.max() ?? 0
            #expect(prefix > 1e-3)
            if reward == .sum {
                #expect(abs(full - last) <= 1e-12 * abs(full), "sum: \(full) vs \(last)")
            } else {
                #expect(abs(full - last) > 1e-4, "mean: \(full) vs \(last)")
            }
        }
    }

    /// The same seed gives the same run, bit for bit, with adaptive weights.
    @Test func trainingIsDeterministic() throws {
        func run() throws -> [UInt64] {
            let s = try Self.session()
            _ = try Pref.eval("let r = fit(tp, trees, tpo(beta: 0.5), epochs: 2, batch: 8, lr: 0.02, seed: 3)\n", in: s)
            let o = try TokenPolicyRuntimeTests.policy("tp", in: s)
            return (try TokenPolicyRuntimeTests.column("loss", in: s) + o.policy.parameters.flatMap { $0.value.scalars }).map(\.bitPattern)
        }
        let first = try run()
        #expect(first.count > 10)
        #expect(try run() == first)
    }

    /// Tree worlds: leaves are max_length long, siblings share all but the last step and differ
    /// in it; w.trees lists the leaves of one tree, scored by the judge (here the gold).
    @Test func treesShareTheirPrefixAndDifferInTheLastStep() throws {
        let s = try Self.session()
        let o = try TokenPolicyRuntimeTests.policy("tp", in: s)
        let world = o.world, b = 4
        for tree in stride(from: 0, to: world.gold.count, by: b) {
            let leaves = (tree..<(tree + b)).map(world.tokens(of:))
            #expect(leaves.allSatisfy { $0.count == 6 })
            #expect(Set(leaves.map { Array($0.prefix(4)) }).count == 1, "tree \(tree)")
            #expect(Set(leaves.map { Array($0.suffix(2)) }).count == b, "tree \(tree)")
        }
        guard case .native(let box) = try Pref.eval("trees", in: s), let d = (box.object as? DatasetObject)?.dataset else { throw Pref.Mismatch("no data") }
        let (lists, labels) = try Self.examples(d, world)
        #expect(lists.count == 40)
        for (list, l) in zip(lists, labels) {
            #expect(Set(list.map { $0 / b }).count == 1 && Set(list).count == b)
            #expect(l == list.map { world.gold[$0] })
        }
        #expect(try Pref.number("len(w.trees(5, size: 2, seed: 4))", in: s) == 5)
        let noTrees = Pref.failure("let v = toy_world(view: \"token\")\nv.trees(3)")
        #expect(noTrees?.message.contains("the world has no trees") == true && noTrees?.range != nil)
        #expect(Pref.failure("toy_world(branches: 4)")?.message.contains("branches needs the token view") == true)
        #expect(Pref.failure("toy_world(view: \"token\", branches: 3, candidates: 8)")?.message.contains("multiple of branches") == true)
        #expect(Pref.failure("toy_world(view: \"token\", vocabulary: 3, sentiment_tokens: 0, max_length: 1, step_tokens: 1, branches: 4, candidates: 8)")?
            .message.contains("cannot differ") == true)
        let big = Pref.failure(Self.setup + "w.trees(3, size: 5)")
        #expect(big?.message.contains("between 2 and the 4 leaves per tree") == true && big?.range != nil)
    }

    /// best_leaf against the softmax of the exact sequence log-probs over each list.
    @Test func bestLeafIsTheSoftmaxOverTheList() throws {
        let s = try Self.session()
        _ = try Pref.eval("fit(tp, w.pairs(300), dpo(), batch: 100, lr: 0.05, seed: 1)\nlet m = tp.best_leaf(trees)\n", in: s)
        let o = try TokenPolicyRuntimeTests.policy("tp", in: s), world = o.world, k = world.config.candidates
        guard case .native(let box) = try Pref.eval("trees", in: s), let d = (box.object as? DatasetObject)?.dataset else { throw Pref.Mismatch("no data") }
        let (lists, _) = try Self.examples(d, world)
        var probability = 0.0, gold = 0.0
        for list in lists {
            let lp = try list.map { id in
                let b = try TokenBatch(prompts: [id / k], sequences: [world.tokens(of: id)], vocabulary: o.policy.vocabulary)
                return try o.policy.evaluate { t throws(TensorError) in try o.policy.sequenceLogProbs(b, tape: t) }.scalars[0]
            }
            let z = lp.reduce(0) { $0 + exp($1) }
            let best = list.indices.max { world.gold[list[$0]] < world.gold[list[$1]] }!
            probability += exp(lp[best]) / z
            gold += world.gold[list[lp.indices.max { lp[$0] < lp[$1] }!]]
        }
        #expect(abs(try Pref.number("m.probability", in: s) - probability / 40) < 1e-12)
        #expect(abs(try Pref.number("m.gold", in: s) - gold / 40) < 1e-12)
        #expect(try Pref.number("m.best_gold", in: s) > (try Pref.number("m.mean_gold", in: s)))
    }

    static func examples(_ d: Dataset, _ world: ToyWorld) throws -> ([[Int]], [[Double]]) {
        guard case .ranked(let rows) = d.rows, let ids = d.features["responses_id"] else { throw Pref.Mismatch("not ranked") }
        let flat = ids.to(.f64).scalars.map { Int($0) }, m = rows[0].responses.count
        return (rows.indices.map { Array(flat[($0 * m)..<($0 * m + m)]) }, rows.map { $0.scores ?? [] })
    }
}
