import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// The DMoERM-style mixture of experts (spec algorithms.md §5.3): the reward against its closed
/// form, tape gradients against finite differences, routing, and the three training phases.
@Suite("mixture-of-experts reward") struct MoERewardModelTests {
    static func world() throws -> ToyWorld {
        var c = ToyWorld.Config()
        c.seed = 3; c.candidates = 8; c.prompts = 60; c.testPrompts = 30
        return try ToyWorld(c)
    }

    @Test func closedForm() throws {
        let w = try Self.world()
        let m = try MoERewardModel(world: w, tasks: 2, capabilities: 2, hidden: 3, seed: 1)
        let q = randomTensor([4, 6], seed: 2)
        let labels = [0, 1, 1, 0]
        let tape = Tape()
        let p = m.parameters.map { tape.constant($0.value) }
        let r = try m.rewards(tape.constant(q), labels: labels, tape: tape, p).value().scalars
        let v = m.parameters.map(\.value.scalars)
        for i in 0..<4 {
            let t = labels[i]
            // e_{t,c} = q·W_e[:, t·C + c] + b_e[t·C + c]
            let x = q.scalars
            var e = [Double](repeating: 0, count: 2)
            for c in 0..<2 {
                e[c] = v[3][t * 2 + c]
                for k in 0..<6 { e[c] += x[i * 6 + k] * v[2][k * 4 + t * 2 + c] }
            }
            let base = 4 + 4 * t
            var expected = v[base + 3][0]
            for j in 0..<3 {
                var z = v[base + 1][j]
                for c in 0..<2 { z += e[c] * v[base][c * 3 + j] }
                expected += tanh(z) * v[base + 2][j]
            }
            #expect(isClose(r[i], expected), "row \(i): \(r[i]) vs \(expected)")
        }
    }

    @Test func gradients() throws {
        let w = try Self.world()
        let m = try MoERewardModel(world: w, tasks: 3, capabilities: 2, hidden: 3, seed: 2)
        let count = m.parameters.count, labels = [0, 2, 1, 2, 0]
        let check = try checkGradient(m.parameters.map(\.value) + [randomTensor([5, 6], seed: 3), randomTensor([5, 6], seed: 4)]) { tape, v in
            let p = Array(v[0..<count])
            let margin = try m.rewards(v[count], labels: labels, tape: tape, p) - m.rewards(v[count + 1], labels: labels, tape: tape, p)
            return try margin.logSigmoid().mean() * -1 + m.expert(1, v[count], labels: labels, tape: tape, p).sum()
        }
        #expect(check.maxError < 1e-6, "\(check)")
    }

    /// Phases 1–3 on gold-labelled pairs with capability data from the component rewards: the
    /// router learns the clusters, every phase's loss falls, and the reward orders held-out gold
    /// pairs better than chance.
    @Test func trainsAllPhases() throws {
        let w = try Self.world()
        var rng = RandomStream(seed: 4, stream: "moe-test")
        func pairs(_ n: Int, _ utility: (Int) -> Double, split: ToyWorld.Split = .train) throws -> MoERewardModel.Pairs {
            let rows = try w.pairs(n, labeller: .gold, split: split, rng: &rng)
            var c = [Int](), r = [Int]()
            for i in 0..<rows.count {
                let (a, b) = (rows.chosen[i], rows.rejected[i])
                let aWins = utility(a) > utility(b)
                c.append(aWins ? a : b); r.append(aWins ? b : a)
            }
            return try MoERewardModel.Pairs(chosen: c, rejected: r)
        }
        let m = w.gold.count
        let capabilities = try (0..<2).map { k in try pairs(300) { w.componentRewards[k * m + $0] } }
        let overall = try pairs(600) { w.gold[$0] }
        let model = try MoERewardModel(world: w, capabilities: 2, hidden: 6, seed: 1)
        try model.fit(overall: overall, capabilityData: capabilities, options: .init(epochs: 150, learningRate: 0.05))
        for h in [model.routerHistory, model.expertHistory, model.combinerHistory] { #expect(h.count == 150 && h.last! < h.first!) }
        let ids = Array(0..<(w.config.prompts * w.config.candidates))
        let routed = try model.route(ids), truth = model.taskLabels(ids)
        let agreement = Double(zip(routed, truth).filter { $0 == $1 }.count) / Double(ids.count)
        #expect(agreement > 0.9, "router agreement \(agreement)")
        let test = try pairs(500, { w.gold[$0] }, split: .test)
        let logits = try model.preferenceLogits(chosen: RewardInputs(features: w.featureTensor(test.chosen, dtype: .f64), ids: test.chosen, world: w),
                                                rejected: RewardInputs(features: w.featureTensor(test.rejected, dtype: .f64), ids: test.rejected, world: w))
        #expect(RichRewardFit.accuracy(logits) > 0.6)
    }

    @Test func errors() throws {
        let w = try Self.world()
        #expect(throws: TensorError.self) { try MoERewardModel(world: w, tasks: 0) }
        #expect(throws: TensorError.self) { try MoERewardModel(world: w, capabilities: 0) }
        let m = try MoERewardModel(world: w, capabilities: 2)
        let p = try MoERewardModel.Pairs(chosen: [0], rejected: [1])
        #expect(throws: TensorError.self) { try m.fit(overall: p, capabilityData: [p], options: .init(epochs: 1)) }
        #expect(throws: TensorError.self) { try m.fit(overall: MoERewardModel.Pairs(chosen: [0], rejected: [1_000_000]), capabilityData: [], options: .init(epochs: 1)) }
        #expect(throws: TensorError.self) { try m.rewards(RewardInputs(features: randomTensor([2, 6], seed: 1))) }
        #expect(throws: TensorError.self) { try MoERewardModel.Pairs(chosen: [], rejected: []) }
    }
}
