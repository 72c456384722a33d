import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// A reward with fixed values per candidate (test double).
final class FixedReward: RewardFunction, @unchecked Sendable {
    let values: [Double]
    init(_ values: [Double]) { self.values = values }
    func rewards(_ inputs: RewardInputs) throws(TensorError) -> Tensor { try Tensor(values, shape: [values.count], dtype: .f64) }
    var summary: String { "fixed" }
}

/// Ensembles and the reward algebra against spec §3.1's formulas, worked by hand.
@Suite("reward ensembles") struct EnsembleRewardTests {
    // Three members, two candidates: R = [[1, −2], [3, 0.5], [−1, 4]].
    static let members = [FixedReward([1, -2]), FixedReward([3, 0.5]), FixedReward([-1, 4])]
    static let inputs = try! RewardInputs(features: Tensor(zeros: [2, 1], dtype: .f64))

    func combined(_ c: RewardCombination, _ ms: [FixedReward] = members) throws -> [Double] {
        try EnsembleReward(ms, combination: c).rewards(Self.inputs).scalars
    }

    @Test func combinations() throws {
        let mean = try combined(.mean)
        #expect(isClose(mean[0], 1, rel: 1e-12) && isClose(mean[1], 2.5 / 3, rel: 1e-12))
        #expect(try combined(.min) == [-1, -2])
        #expect(try combined(.max) == [3, 4])
        #expect(try combined(.median) == [1, 0.5])
        #expect(try combined(.median, Array(Self.members.prefix(2))) == [2, -0.75])
        // Column 0: mean 1, population variance ((0)² + 2² + 2²)/3 = 8/3; UWO(0.5) = 1 − 4/3.
        // Column 1: mean 5/6, deviations −17/6, −1/3, 19/6: variance (289 + 4 + 361)/108 = 654/108.
        let uwo = try combined(.uwo(lambda: 0.5))
        #expect(isClose(uwo[0], 1 - 0.5 * 8 / 3, rel: 1e-12))
        #expect(isClose(uwo[1], 5.0 / 6 - 0.5 * 654 / 108, rel: 1e-12))
        #expect(try combined(.weights([0.5, 0.25, -1])) == [0.5 + 0.75 + 1, -1 + 0.125 - 4])
        #expect(throws: TensorError.self) { try EnsembleReward(Self.members, combination: .weights([1])) }
        #expect(throws: TensorError.self) { try EnsembleReward([], combination: .mean) }
        #expect(throws: TensorError.self) { try EnsembleReward(Self.members, combination: .uwo(lambda: .nan)) }
    }

    @Test func algebraFlattens() throws {
        let a = Self.members[0], b = Self.members[1]
        let sum = WeightedSumReward([(0.5, a), (0.5, b)], constant: 1)
        let nested = WeightedSumReward([(2, sum), (-1, Self.members[2])])
        #expect(nested.terms.count == 3 && nested.constant == 2)
        // 2·(1 + 0.5a + 0.5b) − c = [2 + 1 + 3 + 1, 2 − 2 + 0.5 − 4].
        #expect(try nested.rewards(Self.inputs).scalars == [7, -3.5])
    }

    @Test func standardisation() throws {
        let s = try StandardizedReward(FixedReward([1, 3]), over: Self.inputs)
        #expect(s.mean == 2 && s.std == 1)
        #expect(try s.rewards(Self.inputs).scalars == [-1, 1])
        let flat = try StandardizedReward(FixedReward([5, 5]), over: Self.inputs)
        #expect(try flat.rewards(Self.inputs).scalars == [0, 0])
    }

    @Test func goldAndLengthReadTheWorld() throws {
        var config = ToyWorld.Config()
        config.seed = 3
        config.candidates = 8
        let world = try ToyWorld(config)
        let all = try RewardInputs(world: world, split: .test)
        let first = world.prompts(.test).lowerBound * 8
        #expect(try GoldReward(world).rewards(all).scalars == Array(world.gold[first..<(first + all.count)]))
        #expect(try LengthReward().rewards(all).scalars == world.lengths[first..<(first + all.count)].map(Double.init))
        // Features that are not the world's q of the ids: data from another world.
        let wrong = try RewardInputs(features: Tensor(zeros: [1, config.featureDim], dtype: .f64), ids: [3], world: world)
        #expect(throws: TensorError.self) { try GoldReward(world).rewards(wrong) }
        #expect(throws: TensorError.self) { try LengthReward().rewards(Self.inputs) }
    }
}
