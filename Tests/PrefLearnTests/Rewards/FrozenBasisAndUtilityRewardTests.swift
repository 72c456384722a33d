import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// The reward model's frozen random-feature basis (finetune- vs pretrain-like ensemble members,
/// spec §3.3) and the annotator-utility reward (spec §9.3).
@Suite("frozen basis and utility reward") struct FrozenBasisAndUtilityRewardTests {
    static func inputs(_ values: [Double], rows: Int) throws -> RewardInputs {
        try RewardInputs(features: try Tensor(values, shape: [rows, values.count / rows], dtype: .f64))
    }

    /// r = w₂·tanh(W₁φ + b₁) with (W₁, b₁) the basis seed's draws, and only w₂ a parameter.
    @Test func frozenBasisIsATanhLayerOfTheBasisSeed() throws {
        let m = try RewardModel(.mlp, inputDim: 2, hidden: 3, seed: 1, basisSeed: 7)
        #expect(m.parameters.count == 1 && m.parameters[0].shape.dims == [3, 1])
        #expect(m.hidden == 3 && m.basisSeed == 7)
        var b = RandomStream(seed: 7, stream: "reward_model/basis")
        let w1 = b.normalTensor([2, 3], std: 1 / 2.0.squareRoot(), dtype: .f64).scalars, b1 = b.normalTensor([3], dtype: .f64).scalars
        let w2 = m.parameters[0].value.scalars
        let phi: [Double] = [0.5, -1.0, 2.0, 0.25]
        let r = try m.rewards(try Self.inputs(phi, rows: 2)).scalars
        for i in 0..<2 {
            var expected = 0.0
            for j in 0..<3 {
                let pre: Double = phi[2 * i] * w1[j] + phi[2 * i + 1] * w1[3 + j] + b1[j]
                expected += w2[j] * tanh(pre)
            }
            #expect(isClose(r[i], expected, rel: 1e-12))
        }
    }

    /// Reinitialising keeps the basis (finetune-like) unless another basis seed is given
    /// (pretrain-like); the readout's seed changes w₂ only.
    @Test func membersShareOrChangeTheBasis() throws {
        let m = try RewardModel(.mlp, inputDim: 4, hidden: 5, seed: 1, basisSeed: 3)
        let x = try Self.inputs(pseudoRandom(count: 12, seed: 2), rows: 3)
        let sameBasis = try m.reinitialized(seed: 2), otherBasis = try m.reinitialized(seed: 2, basisSeed: 4)
        #expect(sameBasis.basisSeed == 3 && otherBasis.basisSeed == 4)
        // Same readout weights, so equal rewards means equal bases.
        otherBasis.parameters[0].value = sameBasis.parameters[0].value.copy()
        m.parameters[0].value = sameBasis.parameters[0].value.copy()
        #expect(try m.rewards(x).scalars == sameBasis.rewards(x).scalars)
        #expect(try otherBasis.rewards(x).scalars != sameBasis.rewards(x).scalars)
        #expect(throws: TensorError.self) { try RewardModel(.linear, inputDim: 4, basisSeed: 1) }
    }

    /// Bradley–Terry gradients through the frozen basis reach w₂ only, and match finite differences.
    @Test func gradientsThroughTheFrozenBasis() throws {
        let m = try RewardModel(.mlp, inputDim: 2, hidden: 4, seed: 5, basisSeed: 9)
        let values = pseudoRandom(count: 12, seed: 3)
        let chosen = try Self.inputs(Array(values[0..<6]), rows: 3), rejected = try Self.inputs(Array(values[6..<12]), rows: 3)
        let result = try checkGradient(m.parameters.map(\.value)) { tape, leaves in
            try RewardModelTrainer.loss(m, .pairs(chosen: chosen, rejected: rejected, margins: nil, objective: .bradleyTerry(center: nil)),
                                        tape: tape, leaves: leaves).perExample
        }
        #expect(result.maxError < 1e-6, "\(result)")
    }

    /// The utility reward reads u_g exactly, routes "cluster" by the prompt's cluster, and is r* for gold.
    @Test func utilityRewardLooksUpTheAnnotatorsUtility() throws {
        var config = ToyWorld.Config()
        config.seed = 3
        config.candidates = 8
        config.prompts = 12
        config.testPrompts = 4
        config.lengthBias = 0.3
        let world = try ToyWorld(config)
        let ids = Array(0..<(16 * 8))
        let inputs = try RewardInputs(features: try world.featureTensor(ids, dtype: .f64), ids: ids, world: world)
        let group1 = try UtilityReward(world, labeller: .group(1)).rewards(inputs).scalars
        let routed = try UtilityReward(world, labeller: .cluster).rewards(inputs).scalars
        let gold = try UtilityReward(world, labeller: .gold).rewards(inputs).scalars
        for i in ids {
            #expect(group1[i] == world.utility(.group(1), i))
            #expect(routed[i] == world.utility(.group(world.clusters[i / 8] % config.groups), i))
            #expect(gold[i] == world.gold[i])
        }
        #expect(Set(ids.map { world.clusters[$0 / 8] }).count > 1, "the test needs prompts of several clusters")
        #expect(throws: TensorError.self) { try UtilityReward(world, labeller: .randomGroup) }
        #expect(throws: TensorError.self) { try UtilityReward(world, labeller: .group(config.groups)) }
    }
}
