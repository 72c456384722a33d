import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// PAL-A (spec algorithms.md §5.1): the reward against its closed form, tape gradients against
/// finite differences, and recovery of planted groups with few-shot adaptation of a new user.
@Suite("PAL") struct PalModelTests {
    static func config(k: Int, dim: Int = 2, hidden: Int = 0) -> PalModel.Config {
        var c = PalModel.Config()
        c.prototypes = k; c.dim = dim; c.hidden = hidden
        return c
    }

    @Test func closedForm() throws {
        // Identity map on R², prototypes (1, 0) and (0, 2), user logits (0, log 3): w = (1/4, 3/4),
        // a = (1/4, 3/2); ℓ = log 2, so r(y) = −2‖y − a‖.
        let m = try PalModel(featureDim: 2, users: 1, config: Self.config(k: 2))
        m.map.parameters[0].value = try Tensor([1, 0, 0, 1], shape: [2, 2], dtype: .f64)
        m.prototypes.value = try Tensor([1, 0, 0, 2], shape: [2, 2], dtype: .f64)
        m.userLogits.value = try Tensor([0, log(3)], shape: [1, 2], dtype: .f64)
        m.logScale.value = Tensor([log(2)], dtype: .f64)
        let y = try Tensor([1, 1, -2, 0.5], shape: [2, 2], dtype: .f64)
        let r = try m.rewards(y, logits: m.logits(user: 0)).scalars
        let d1 = ((1 - 0.25) * (1 - 0.25) + (1 - 1.5) * (1 - 1.5)).squareRoot()
        let d2 = ((-2 - 0.25) * (-2 - 0.25) + (0.5 - 1.5) * (0.5 - 1.5)).squareRoot()
        #expect(isClose(r[0], -2 * d1) && isClose(r[1], -2 * d2), "\(r)")
        let s = try m.scores(chosen: y.rows(0..<1), rejected: y.rows(1..<2), logits: m.logits(user: 0)).scalars[0]
        #expect(isClose(s, 2 * d2 - 2 * d1))
        #expect(isClose(try m.weights().scalars[1], 0.75))
    }

    @Test(arguments: [0, 3]) func gradients(_ hidden: Int) throws {
        let m = try PalModel(featureDim: 3, users: 3, config: Self.config(k: 2, dim: 2, hidden: hidden), seed: 2)
        m.userLogits.value = randomTensor([3, 2], seed: 9)
        m.logScale.value = Tensor([0.3], dtype: .f64)
        let count = m.parameters.count
        let users = try IndexTensor([0, 2, 1, 2])
        let inputs = m.parameters.map(\.value) + [randomTensor([4, 3], seed: 1), randomTensor([4, 3], seed: 2)]
        let r = try checkGradient(inputs) { _, v in
            try m.score(chosen: v[count], rejected: v[count + 1], users: users, Array(v[0..<count])).logSigmoid().mean() * -1
        }
        #expect(r.maxError < 1e-6, "\(r)")
    }

    /// Planted world: 3 groups with ideal points in R², 18 users (6 per group), 60 noiseless
    /// comparisons each, labelled by −‖y − a_g‖. PAL with K = 3 puts users of one group on one
    /// dominant prototype, beats K = 1 on held-out pairs, and adapts a new user from 10 pairs.
    @Test func recoversPlantedGroups() throws {
        let ideal = [[2.0, 0], [-1, 1.7], [-1, -1.7]]
        var rng = RandomStream(seed: 11, stream: "pal-test")
        func pairs(_ n: Int, group g: Int) throws -> (Tensor, Tensor) {
            var c = [Double](), r = [Double]()
            for _ in 0..<n {
                let a = [rng.normal() * 2, rng.normal() * 2], b = [rng.normal() * 2, rng.normal() * 2]
                func d(_ y: [Double]) -> Double { hypot(y[0] - ideal[g][0], y[1] - ideal[g][1]) }
                let aWins = d(a) < d(b)
                c += aWins ? a : b
                r += aWins ? b : a
            }
            return (try Tensor(c, shape: [n, 2], dtype: .f64), try Tensor(r, shape: [n, 2], dtype: .f64))
        }
        let users = 18
        var chosen = [Tensor](), rejected = [Tensor](), ids = [Int](), tests = [(Tensor, Tensor)]()
        for u in 0..<users {
            let (c, r) = try pairs(60, group: u % 3)
            chosen.append(c); rejected.append(r)
            ids += Array(repeating: u, count: 60)
            tests.append(try pairs(200, group: u % 3))
        }
        let c = try Tensor.concat(chosen), r = try Tensor.concat(rejected)
        func heldOut(_ m: PalModel) throws -> Double {
            try (0..<users).reduce(0.0) { acc, u in
                acc + RichRewardFit.accuracy(try m.scores(chosen: tests[u].0, rejected: tests[u].1, logits: m.logits(user: u)))
            } / Double(users)
        }
        let options = RichRewardFit.Options(epochs: 400, learningRate: 0.05)
        let one = try PalModel(featureDim: 2, users: users, config: Self.config(k: 1), seed: 1)
        try one.fit(chosen: c, rejected: r, users: ids, options: options)
        let three = try PalModel(featureDim: 2, users: users, config: Self.config(k: 3), seed: 1)
        try three.fit(chosen: c, rejected: r, users: ids, options: options)
        let (acc1, acc3) = (try heldOut(one), try heldOut(three))
        #expect(acc3 > 0.9, "K = 3 accuracy \(acc3)")
        #expect(acc3 > acc1 + 0.1, "K = 3 \(acc3) vs K = 1 \(acc1)")
        // Users of the same group share their dominant prototype; different groups do not.
        let w = try three.weights().scalars
        let dominant = (0..<users).map { u in (0..<3).max { w[u * 3 + $0] < w[u * 3 + $1] }! }
        for u in 3..<users { #expect(dominant[u] == dominant[u % 3]) }
        #expect(Set(dominant[0..<3]).count == 3, "\(dominant)")
        // A new member of group 1 from 10 comparisons.
        let (nc, nr) = try pairs(10, group: 1), test = try pairs(300, group: 1)
        let logits = try three.adapt(chosen: nc, rejected: nr)
        let adapted = RichRewardFit.accuracy(try three.scores(chosen: test.0, rejected: test.1, logits: logits))
        #expect(adapted > 0.85, "adapted accuracy \(adapted)")
    }

    @Test func errors() throws {
        #expect(throws: TensorError.self) { try PalModel(featureDim: 2, users: 0) }
        #expect(throws: TensorError.self) { try PalModel(featureDim: 2, users: 2, config: Self.config(k: 0)) }
        let m = try PalModel(featureDim: 2, users: 2)
        let y = randomTensor([3, 2], seed: 1)
        #expect(throws: TensorError.self) { try m.fit(chosen: y, rejected: y, users: [0, 1, 2]) }
        #expect(throws: TensorError.self) { try m.fit(chosen: y, rejected: y, users: [0, 1]) }
        #expect(throws: TensorError.self) { try m.logits(user: 5) }
        #expect(throws: TensorError.self) { try m.fit(chosen: y, rejected: y, users: [0, 1, 1], options: .init(epochs: 0)) }
    }
}
