import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// Reward models (spec §9.5): closed forms, finite-difference gradients of the Bradley–Terry and
/// Plackett–Luce losses through the model, and full-batch training.
@Suite("reward models") struct RewardModelTests {
    static let phi: [Double] = [0.5, -1.0, 2.0, 0.25, 0.0, -0.75]   // 3 candidates × 2 features

    static func inputs(_ values: [Double] = phi, rows: Int = 3) throws -> RewardInputs {
        try RewardInputs(features: try Tensor(values, shape: [rows, values.count / rows], dtype: .f64))
    }

    @Test func linearIsADotProduct() throws {
        let m = try RewardModel(.linear, inputDim: 2, seed: 3)
        m.parameters[0].value = try Tensor([0.3, -0.2], shape: [2, 1], dtype: .f64)
        let r = try m.rewards(try Self.inputs()).scalars
        let expected = [0.5 * 0.3 + 1.0 * 0.2, 2.0 * 0.3 - 0.25 * 0.2, 0.0 + 0.75 * 0.2]
        for (a, b) in zip(r, expected) { #expect(isClose(a, b, rel: 1e-12)) }
    }

    @Test func mlpIsOneTanhLayer() throws {
        let m = try RewardModel(.mlp, inputDim: 2, hidden: 2, seed: 3)
        m.parameters[0].value = try Tensor([0.1, 0.2, -0.3, 0.4], shape: [2, 2], dtype: .f64)
        m.parameters[1].value = try Tensor([0.05, -0.1], shape: [2], dtype: .f64)
        m.parameters[2].value = try Tensor([1.5, -0.5], shape: [2, 1], dtype: .f64)
        let r = try m.rewards(try Self.inputs()).scalars
        for i in 0..<3 {
            let x = Self.phi[(2 * i)..<(2 * i + 2)].map { $0 }
            let h0 = tanh(x[0] * 0.1 + x[1] * -0.3 + 0.05), h1 = tanh(x[0] * 0.2 + x[1] * 0.4 - 0.1)
            #expect(isClose(r[i], 1.5 * h0 - 0.5 * h1, rel: 1e-12))
        }
    }

    @Test func seedsDifferAndRepeat() throws {
        let a = try RewardModel(.mlp, inputDim: 4, hidden: 3, seed: 1), b = try RewardModel(.mlp, inputDim: 4, hidden: 3, seed: 2)
        let c = try a.reinitialized(seed: 1)
        #expect(a.parameters[0].value.scalars != b.parameters[0].value.scalars)
        #expect(a.parameters[0].value.scalars == c.parameters[0].value.scalars)
        #expect(throws: TensorError.self) { try RewardModel(.mlp, inputDim: 4, hidden: 0) }
        #expect(throws: TensorError.self) { try RewardModel(.linear, view: .psi, inputDim: 4) }
        #expect(throws: TensorError.self) { try a.rewards(try Self.inputs()) }   // 2 features for a 4-feature model
    }

    /// The Bradley–Terry loss of an MLP reward model, as a function of its parameters.
    @Test func bradleyTerryGradientsThroughTheModel() throws {
        let m = try RewardModel(.mlp, inputDim: 2, hidden: 3, seed: 5)
        let chosen = try Self.inputs(), rejected = try Self.inputs(Self.phi.reversed())
        let result = try checkGradient(m.parameters.map(\.value)) { tape, leaves in
            try RewardModelTrainer.loss(m, .pairs(chosen: chosen, rejected: rejected, margins: [0.5, 0, -0.2], objective: .bradleyTerry(center: 0.01)),
                                        tape: tape, leaves: leaves).perExample
        }
        #expect(result.maxError < 1e-6, "\(result)")
    }

    @Test func plackettLuceGradientsThroughTheModel() throws {
        let m = try RewardModel(.linear, inputDim: 2, seed: 5)
        let values = pseudoRandom(count: 16, seed: 11)
        let lists = try Self.inputs(values, rows: 8)   // 2 lists of 4
        let result = try checkGradient(m.parameters.map(\.value)) { tape, leaves in
            try RewardModelTrainer.loss(m, .ranked(lists, lists: 2, labels: [[3, 1, 2, 0], [0, 2, 1, 3]], beta: 0.7), tape: tape, leaves: leaves).perExample
        }
        #expect(result.maxError < 1e-6, "\(result)")
    }

    /// Plackett–Luce of one list of 2 is the Bradley–Terry loss of the pair: −log σ(β(r_best − r_other)).
    @Test func plackettLuceOfTwoIsBradleyTerry() throws {
        let m = try RewardModel(.linear, inputDim: 2, seed: 5)
        m.parameters[0].value = try Tensor([0.4, -1.1], shape: [2, 1], dtype: .f64)
        let x = try Self.inputs([0.5, -1.0, 2.0, 0.25], rows: 2)
        let r = try m.rewards(x).scalars
        let pl = try RewardModelTrainer.loss(m, .ranked(x, lists: 1, labels: [[1, 2]], beta: 0.5), tape: Tape()).loss.value().item()
        let z = 0.5 * (r[1] - r[0])
        #expect(isClose(pl, log1p(exp(-z)), rel: 1e-12))
    }

    @Test func trainingLearnsTheGoldOrder() throws {
        var config = ToyWorld.Config()
        config.seed = 2
        config.candidates = 16
        let world = try ToyWorld(config)
        var rng = RandomStream(seed: 4, stream: "test")
        let rows = try world.pairs(500, labeller: .gold, split: .train, rng: &rng)
        let chosen = try RewardInputs(features: try world.featureTensor(rows.chosen, dtype: .f64), ids: rows.chosen, world: world)
        let rejected = try RewardInputs(features: try world.featureTensor(rows.rejected, dtype: .f64), ids: rows.rejected, world: world)
        let m = try RewardModel(.mlp, inputDim: world.config.featureDim, hidden: 16, seed: 1)
        let run = try RewardModelTrainer.fit(m, .pairs(chosen: chosen, rejected: rejected, margins: nil, objective: .bradleyTerry(center: nil)),
                                             options: .init(epochs: 200, learningRate: 0.02))
        #expect(run.losses.count == 200)
        #expect(run.losses.last! < run.losses.first! - 0.1, "\(run.losses.first!) → \(run.losses.last!)")
        let e = try RewardEvaluation(m, chosen: chosen, rejected: rejected, gold: GoldReward(world))
        #expect(e.goldAgreement! > 0.8, "\(e.goldAgreement!)")
    }
}
