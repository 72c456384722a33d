import Foundation
import Testing
@testable import PrefCore

// Reference numbers: Scripts/reference/optimizers.py (an independent NumPy implementation of the
// documented PyTorch / transformers rules, cross-checked once against torch.optim), recorded in
// Fixtures/optimizer_reference.json.

private struct Reference: Decodable {
    struct OptimizerCase: Decodable {
        var name, kind: String
        var lr, momentum, dampening, weightDecay, eps: Double
        var nesterov, amsgrad: Bool
        var betas: [Double]
        var clip: Double?
        var trajectory: [[Double]]
        var norms: [Double]
    }
    struct ScheduleCase: Decodable {
        var name, kind: String
        var warmup, total: Int?
        var minFactor: Double?
        var factors: [Double]
    }
    var initial: [Double]
    var gradients: [[Double]]
    var optimizers: [OptimizerCase]
    var schedules: [ScheduleCase]

    static func load() throws -> Reference {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/optimizer_reference.json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Reference.self, from: Data(contentsOf: url))
    }

    func optimizer(_ name: String) throws -> OptimizerCase {
        try #require(optimizers.first { $0.name == name }, "no optimizer case \(name) in the fixture")
    }
}

private let optimizerCases = [
    "sgd_plain", "sgd_momentum_dampening", "sgd_nesterov_weight_decay", "adam_default",
    "adam_weight_decay_amsgrad", "adamw", "clip_then_sgd",
]

private func makeOptimizer(_ c: Reference.OptimizerCase, _ parameters: [Parameter]) throws -> any Optimizer {
    switch c.kind {
    case "sgd":
        return try SGD(parameters, learningRate: c.lr, momentum: c.momentum, dampening: c.dampening,
                       weightDecay: c.weightDecay, nesterov: c.nesterov)
    case "adam":
        return try Adam(parameters, learningRate: c.lr, betas: (c.betas[0], c.betas[1]), epsilon: c.eps,
                        weightDecay: c.weightDecay, amsgrad: c.amsgrad)
    default:
        return try AdamW(parameters, learningRate: c.lr, betas: (c.betas[0], c.betas[1]), epsilon: c.eps,
                         weightDecay: c.weightDecay, amsgrad: c.amsgrad)
    }
}

/// Runs a fixture case in `dtype`: the trajectory after each step and the pre-clip norms.
private func run(_ c: Reference.OptimizerCase, _ ref: Reference, dtype: DType) throws -> ([[Double]], [Double]) {
    let p = Parameter(Tensor(ref.initial, dtype: dtype), name: "x")
    let optimizer = try makeOptimizer(c, [p])
    var trajectory: [[Double]] = [], norms: [Double] = []
    for g in ref.gradients {
        p.grad = Tensor(g, dtype: dtype)
        if let clip = c.clip { norms.append(clipGradientNorm([p], maxNorm: clip)) }
        try optimizer.step()
        trajectory.append(p.value.scalars)
    }
    return (trajectory, norms)
}

/// |a − b| ≤ tol·max(|b|, floor): relative, with a floor below which it is absolute.
private func close(_ a: [Double], _ b: [Double], _ tol: Double, floor: Double = 1e-3) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tol * max(abs($1), floor) }
}

private func f64(_ values: [Double], _ shape: Shape? = nil) throws -> Tensor {
    try Tensor(values, shape: shape ?? [values.count], dtype: .f64)
}

@Suite struct OptimizerTests {
    // MARK: Reference trajectories

    @Test func fixtureListsEveryCase() throws {
        let ref = try Reference.load()
        #expect(ref.optimizers.map(\.name) == optimizerCases)
        #expect(ref.schedules.count == 4)
    }

    @Test(arguments: optimizerCases)
    func matchesReferenceInFloat64(_ name: String) throws {
        let ref = try Reference.load()
        let c = try ref.optimizer(name)
        let (trajectory, norms) = try run(c, ref, dtype: .f64)
        for (t, (got, want)) in zip(trajectory, c.trajectory).enumerated() {
            #expect(close(got, want, 1e-12), "step \(t + 1): \(got) vs \(want)")
        }
        #expect(close(norms, c.norms, 1e-12))
    }

    @Test(arguments: optimizerCases)
    func float32AgreesWithFloat64(_ name: String) throws {
        let ref = try Reference.load()
        let c = try ref.optimizer(name)
        let (trajectory, norms) = try run(c, ref, dtype: .f32)
        for (t, (got, want)) in zip(trajectory, c.trajectory).enumerated() {
            #expect(close(got, want, 1e-5, floor: 1), "step \(t + 1): \(got) vs \(want)")
        }
        #expect(close(norms, c.norms, 1e-5))
    }

    @Test func schedulesMatchReference() throws {
        for s in try Reference.load().schedules {
            let schedule: LearningRateSchedule
            switch s.kind {
            case "constant": schedule = .constant
            case "linear": schedule = .linear(warmup: s.warmup ?? 0, total: s.total ?? 0)
            default: schedule = .cosine(warmup: s.warmup ?? 0, total: s.total ?? 0, minFactor: s.minFactor ?? 0)
            }
            let got = (0...12).map { schedule.factor(at: $0) }
            #expect(close(got, s.factors, 1e-12, floor: 1), "\(s.name): \(got)")
        }
    }

    // MARK: Convergence

    /// ½(x − c)ᵀA(x − c) with A symmetric positive definite (eigenvalues in about [0.8, 3.6]).
    private static let a: [[Double]] = [[3, 1, 0, 0], [1, 2, 0.5, 0], [0, 0.5, 1.5, 0.2], [0, 0, 0.2, 1]]
    private static let c: [Double] = [1, -2, 0.5, 3]

    @Test(arguments: ["sgd", "sgd_momentum", "sgd_nesterov", "adam", "adam_amsgrad", "adamw"])
    func minimisesConvexQuadratic(_ name: String) throws {
        let p = Parameter(try f64([0, 0, 0, 0]), name: "x")
        let optimizer: any Optimizer = switch name {
        case "sgd": try SGD([p], learningRate: 0.2)
        case "sgd_momentum": try SGD([p], learningRate: 0.05, momentum: 0.9, dampening: 0.1)
        case "sgd_nesterov": try SGD([p], learningRate: 0.05, momentum: 0.9, nesterov: true)
        case "adam": try Adam([p], learningRate: 0.05)
        case "adam_amsgrad": try Adam([p], learningRate: 0.05, amsgrad: true)
        default: try AdamW([p], learningRate: 0.05, weightDecay: 0)
        }
        // A decaying rate lets Adam settle instead of circling the optimum at a scale set by lr.
        let schedule = LearningRateSchedule.cosine(warmup: 0, total: 3000, minFactor: 0.01)
        for step in 0..<3000 {
            if name.hasPrefix("adam") { schedule.apply(to: optimizer, baseLearningRate: 0.05, step: step) }
            let x = p.value.scalars
            let g = Self.a.map { row in (0..<4).reduce(0.0) { $0 + row[$1] * (x[$1] - Self.c[$1]) } }
            p.grad = try f64(g)
            try optimizer.step()
        }
        let error = zip(p.value.scalars, Self.c).map { abs($0 - $1) }.max() ?? .infinity
        #expect(error <= 1e-6, "\(name): distance \(error)")
    }

    @Test(arguments: ["sgd_momentum", "adam", "adamw"])
    func fitsLogisticRegression(_ name: String) throws {
        // 200 points uniform in [-1, 1]², labelled by 2·x1 − x2 + 0.3 > 0, four labels flipped.
        var state: UInt64 = 12345
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / 9_007_199_254_740_992
        }
        var xs: [(Double, Double)] = [], ys: [Double] = []
        for i in 0..<200 {
            let x = (2 * uniform() - 1, 2 * uniform() - 1)
            let label = 2 * x.0 - x.1 + 0.3 > 0
            xs.append(x)
            ys.append(label != (i % 50 == 7) ? 1 : 0)
        }
        func loss(_ w: [Double], _ b: Double) -> Double {
            zip(xs, ys).reduce(0.0) { acc, e in
                let z = w[0] * e.0.0 + w[1] * e.0.1 + b
                return acc + max(z, 0) + log1p(exp(-abs(z))) - e.1 * z
            } / Double(xs.count)
        }
        // The minimum of a convex loss is at most its value anywhere: the labelling hyperplane
        // scaled by 3 gives about 0.194 (the optimum is about 0.183); a fitted model must beat it.
        let threshold = loss([6, -3], 0.9)
        let w = Parameter(try f64([0, 0]), name: "w"), b = Parameter(try f64([0], []), name: "b")
        let optimizer: any Optimizer = switch name {
        case "sgd_momentum": try SGD([w, b], learningRate: 0.5, momentum: 0.9)
        case "adam": try Adam([w, b], learningRate: 0.1)
        default: try AdamW([w, b], learningRate: 0.1, weightDecay: 1e-4)
        }
        for _ in 0..<600 {
            let wv = w.value.scalars, bv = b.value.scalars[0]
            var gw = [0.0, 0.0], gb = 0.0
            for (x, y) in zip(xs, ys) {
                let r = 1 / (1 + exp(-(wv[0] * x.0 + wv[1] * x.1 + bv))) - y
                gw[0] += r * x.0 / 200
                gw[1] += r * x.1 / 200
                gb += r / 200
            }
            w.grad = try f64(gw)
            b.grad = try f64([gb], [])
            try optimizer.step()
        }
        let wv = w.value.scalars, bv = b.value.scalars[0]
        let correct = zip(xs, ys).filter { (wv[0] * $0.0 + wv[1] * $0.1 + bv > 0) == ($1 == 1) }.count
        #expect(loss(wv, bv) < threshold, "\(name): loss \(loss(wv, bv)) vs \(threshold)")
        #expect(Double(correct) / 200 >= 0.95)
    }

    // MARK: Rules checked directly

    @Test func adamWDecayIsDecoupled() throws {
        // With a zero gradient the Adam step is 0/ε = 0, leaving θ ← θ·(1 − lr·λ) each step;
        // Adam's L2 decay instead feeds λ·θ through the moments (a first step of about lr).
        let p = Parameter(try f64([2, -1]), name: "x"), q = Parameter(try f64([2, -1]), name: "y")
        let adamW = try AdamW([p], learningRate: 0.1, weightDecay: 0.5)
        let adam = try Adam([q], learningRate: 0.1, weightDecay: 0.5)
        var expected = [2.0, -1.0]
        for _ in 0..<3 {
            p.grad = try f64([0, 0])
            q.grad = try f64([0, 0])
            try adamW.step()
            try adam.step()
            expected = expected.map { $0 * (1 - 0.1 * 0.5) }
        }
        #expect(p.value.scalars == expected)
        // Each Adam step moves each coordinate by about lr against the sign of λ·θ.
        #expect(close(q.value.scalars, [1.7, -0.7], 1e-2, floor: 1))
    }

    @Test func invalidArgumentsThrow() throws {
        let p = Parameter(try f64([1]), name: "x")
        #expect(throws: TensorError.self) { try SGD([p], learningRate: 0.1, nesterov: true) }
        #expect(throws: TensorError.self) { try SGD([p], learningRate: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true) }
        #expect(throws: TensorError.self) { try SGD([p], learningRate: -0.1) }
        #expect(throws: TensorError.self) { try SGD([p], learningRate: .nan) }
        #expect(throws: TensorError.self) { try SGD([p], learningRate: 0.1, momentum: -0.5) }
        #expect(throws: TensorError.self) { try SGD([p, p], learningRate: 0.1) }
        #expect(throws: TensorError.self) { try Adam([p], learningRate: -1e-3) }
        #expect(throws: TensorError.self) { try Adam([p], betas: (0.9, 1.0)) }
        #expect(throws: TensorError.self) { try Adam([p], epsilon: -1) }
        #expect(throws: TensorError.self) { try AdamW([p], learningRate: -1e-3) }
        #expect(throws: TensorError.self) { try AdamW([p], weightDecay: -0.01) }
        #expect(throws: Never.self) { try SGD([p], learningRate: 0.1, momentum: 0.9, nesterov: true) }
        // A negative rate set after construction is caught by step, before any update.
        let sgd = try SGD([p], learningRate: 0.1)
        sgd.learningRate = -1
        p.grad = try f64([1])
        #expect(throws: TensorError.self) { try sgd.step() }
        #expect(p.value.scalars == [1])
    }

    @Test func mismatchedGradientThrowsBeforeAnyUpdate() throws {
        let a = Parameter(try f64([1, 2]), name: "a"), b = Parameter(try f64([1, 2, 3]), name: "weights")
        a.grad = try f64([0.5, 0.5])
        b.grad = try f64([1, 1])
        let optimizers: [any Optimizer] = [try SGD([a, b], learningRate: 0.1), try Adam([a, b]), try AdamW([a, b])]
        for optimizer in optimizers {
            let error = #expect(throws: TensorError.self) { try optimizer.step() }
            #expect(error?.message.contains("'weights'") == true)
            #expect(a.value.scalars == [1, 2])
        }
        b.grad = Tensor([1, 1, 1], dtype: .f32)
        let error = #expect(throws: TensorError.self) { try SGD([a, b], learningRate: 0.1).step() }
        #expect(error?.message.contains("dtype") == true)
    }

    @Test func nilGradientsAreSkipped() throws {
        let a = Parameter(try f64([1]), name: "a"), b = Parameter(try f64([5]), name: "b")
        let adam = try Adam([a, b], learningRate: 0.1)
        a.grad = try f64([1])
        try adam.step()
        #expect(b.value.scalars == [5])
        // b's first update is a first Adam step (t = 1): Δ = lr·g/(|g| + ε).
        b.grad = try f64([2])
        try adam.step()
        #expect(close(b.value.scalars, [5 - 0.1 * 2 / (2 + 1e-8)], 1e-14))
        adam.zeroGrad()
        #expect(a.grad == nil && b.grad == nil)
        try adam.step()
        #expect(close(b.value.scalars, [5 - 0.1 * 2 / (2 + 1e-8)], 1e-14))
    }

    @Test func stepDoesNotWriteThroughSharedStorage() throws {
        let original = try f64([1, 2, 3])
        let p = Parameter(original, name: "x")
        p.grad = try f64([1, 1, 1])
        try SGD([p], learningRate: 0.5, momentum: 0.9).step()
        #expect(original.scalars == [1, 2, 3])
        #expect(p.value.scalars == [0.5, 1.5, 2.5])
    }

    // MARK: Clipping and schedules

    @Test func clippingScalesByGlobalNorm() throws {
        let shared = try f64([3, 0])
        let a = Parameter(try f64([0, 0]), name: "a"), b = Parameter(try f64([0, 0], [1, 2]), name: "b")
        let none = Parameter(try f64([0]), name: "none")
        a.grad = shared
        b.grad = try f64([0, 4], [1, 2])
        #expect(clipGradientNorm([a, none, b], maxNorm: 10) == 5)
        #expect(a.grad?.scalars == [3, 0])
        #expect(clipGradientNorm([a, none, b], maxNorm: 1) == 5)
        let k = 1 / (5 + 1e-6)
        #expect(close(a.grad?.scalars ?? [], [3 * k, 0], 1e-15))
        #expect(close(b.grad?.scalars ?? [], [0, 4 * k], 1e-15))
        #expect(shared.scalars == [3, 0])
        // Float32 gradients, norm accumulated in Double.
        let c = Parameter(Tensor([0, 0], dtype: .f32), name: "c")
        c.grad = Tensor([0.6, 0.8], dtype: .f32)
        #expect(abs(clipGradientNorm([c], maxNorm: 0.5) - 1) < 1e-7)
        let k32 = 0.5 / (1 + 1e-6)
        #expect(close(c.grad?.scalars ?? [], [0.6 * k32, 0.8 * k32], 1e-6))
    }

    @Test func clippingHandlesExtremeNorms() throws {
        let p = Parameter(try f64([0, 0]), name: "x")
        p.grad = try f64([1e200, 1e200])
        let root2 = Double(2).squareRoot()
        #expect(close([clipGradientNorm([p], maxNorm: 1)], [1e200 * root2], 1e-15))
        #expect(close(p.grad?.scalars ?? [], [1 / root2, 1 / root2], 1e-12))
        p.grad = try f64([.nan, 1])
        #expect(clipGradientNorm([p], maxNorm: 1).isNaN)
        #expect(p.grad?.scalars[1] == 1)
        p.grad = try f64([.infinity, 1])
        #expect(clipGradientNorm([p], maxNorm: 1) == .infinity)
        #expect(p.grad?.scalars[1] == 1)
        p.grad = try f64([3, 4])
        #expect(clipGradientNorm([p], maxNorm: -1) == 5)
        #expect(p.grad?.scalars == [3, 4])
    }

    @Test func scheduleEdgesAndApply() throws {
        let linear = LearningRateSchedule.linear(warmup: 0, total: 4)
        #expect(linear.factor(at: 0) == 1 && linear.factor(at: 2) == 0.5 && linear.factor(at: 9) == 0)
        #expect(LearningRateSchedule.cosine(warmup: 2, total: 6).factor(at: -5) == 0)
        #expect(LearningRateSchedule.cosine(warmup: 0, total: 0).factor(at: 0) == 1)
        let extreme = LearningRateSchedule.linear(warmup: Int.min, total: Int.max).factor(at: Int.max)
        #expect(extreme.isFinite)
        let optimizer = try SGD([Parameter(try f64([1]))], learningRate: 1)
        LearningRateSchedule.linear(warmup: 4, total: 10).apply(to: optimizer, baseLearningRate: 0.2, step: 1)
        #expect(optimizer.learningRate == 0.05)
    }
}
