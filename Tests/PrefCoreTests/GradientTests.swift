import Testing
import PrefCore
import _PrefTestSupport

/// Finite-difference checks in f64 of every differentiable op's backward rule, over several
/// shapes including broadcasting and size-1 dimensions.
@Suite("gradients") struct GradientTests {
    static let tolerance = 1e-6

    static let binaryShapes: [(Shape, Shape)] = [
        ([3, 4], [3, 4]), ([3, 4], [4]), ([3, 1], [1, 4]), ([2, 3, 4], [3, 1]), ([], [2, 3]), ([1], [5]), ([2, 1, 3], [2, 4, 1]),
    ]

    func expectGradient(_ inputs: [Tensor], _ label: String, _ f: (Tape, [Var]) throws -> Var) throws {
        let r = try checkGradient(inputs, f)
        #expect(r.maxError < GradientTests.tolerance, "\(label): \(r)")
    }

    @Test(arguments: [BinaryOp.add, .sub, .mul, .div, .pow, .maximum, .minimum, .mod])
    func binary(_ op: BinaryOp) throws {
        for (k, (sa, sb)) in GradientTests.binaryShapes.enumerated() {
            // pow and div need a positive base or divisor; keep away from 0.
            let positive = op == .pow || op == .div || op == .mod
            let a = randomTensor(sa, seed: UInt64(k + 1), scale: positive ? 0.5 : 1, offset: positive ? 1.5 : 0)
            let b = randomTensor(sb, seed: UInt64(k + 50), scale: positive ? 0.5 : 1, offset: positive ? 1.2 : 0)
            try expectGradient([a, b], "\(op.name) \(sa) \(sb)") { t, v in try t.binary(op, v[0], v[1]) }
        }
    }

    @Test(arguments: [UnaryOp.neg, .exp, .log, .log1p, .sigmoid, .logSigmoid, .softplus, .tanh, .relu, .abs, .sqrt, .square,
                      .affine, .reciprocal, .powScalar, .clamp])
    func unary(_ op: UnaryOp) throws {
        let positive: Set<UnaryOp> = [.log, .sqrt, .reciprocal, .powScalar]
        for (k, shape) in ([[], [1], [7], [3, 4], [2, 1, 3]] as [Shape]).enumerated() {
            let scale = op == .exp || op == .sigmoid || op == .logSigmoid || op == .softplus || op == .tanh ? 4.0 : 1.0
            let x = randomTensor(shape, seed: UInt64(k + 3), scale: positive.contains(op) ? 0.8 : scale,
                                 offset: positive.contains(op) ? 1.0 : 0)
            let (p0, p1): (Double, Double) = switch op {
            case .affine: (-2.5, 0.75)
            case .reciprocal: (3, 0)
            case .powScalar: (2.7, 0)
            case .clamp: (-0.4, 0.5)
            default: (0, 0)
            }
            try expectGradient([x], "\(op.name) \(shape)") { t, v in try t.unary(op, v[0], p0, p1) }
        }
    }

    @Test func reductions() throws {
        let x = randomTensor([2, 3, 4], seed: 11, scale: 2)
        for axis in [nil, 0, 1, 2, -1] as [Int?] {
            for keep in [false, true] {
                try expectGradient([x], "sum \(String(describing: axis))") { _, v in try v[0].sum(axis: axis, keepDims: keep) }
                try expectGradient([x], "mean") { _, v in try v[0].mean(axis: axis, keepDims: keep) }
                try expectGradient([x], "max") { _, v in try v[0].max(axis: axis, keepDims: keep) }
                try expectGradient([x], "min") { _, v in try v[0].min(axis: axis, keepDims: keep) }
                try expectGradient([x], "logsumexp") { _, v in try v[0].logsumexp(axis: axis, keepDims: keep) }
            }
        }
        let single = randomTensor([1, 5, 1], seed: 12)
        try expectGradient([single], "sum size-1") { _, v in try v[0].sum(axis: 0) }
        try expectGradient([single], "logsumexp size-1") { _, v in try v[0].logsumexp(axis: 2) }
    }

    @Test func softmaxes() throws {
        for (k, (shape, axis)) in ([([5], 0), ([3, 4], -1), ([3, 4], 0), ([2, 3, 4], 1), ([2, 1, 3], 1)] as [(Shape, Int)]).enumerated() {
            let x = randomTensor(shape, seed: UInt64(20 + k), scale: 3)
            try expectGradient([x], "softmax \(shape) axis \(axis)") { _, v in try v[0].softmax(axis: axis) }
            try expectGradient([x], "log_softmax \(shape) axis \(axis)") { _, v in try v[0].logSoftmax(axis: axis) }
        }
    }

    @Test func matmul() throws {
        let cases: [(Shape, Shape)] = [([3, 4], [4, 2]), ([4], [4, 2]), ([3, 4], [4]), ([4], [4]), ([2, 3, 4], [2, 4, 5]),
                                       ([2, 3, 4], [4, 5]), ([3, 4], [2, 4, 5]), ([2, 1, 3, 4], [3, 4, 2]), ([1, 4], [4, 1])]
        for (k, (sa, sb)) in cases.enumerated() {
            let a = randomTensor(sa, seed: UInt64(30 + k)), b = randomTensor(sb, seed: UInt64(60 + k))
            try expectGradient([a, b], "matmul \(sa) \(sb)") { _, v in try v[0].matmul(v[1]) }
        }
    }

    @Test func layout() throws {
        let x = randomTensor([2, 3, 4], seed: 41)
        try expectGradient([x], "transpose") { _, v in try v[0].transposed() }
        try expectGradient([x], "transpose perm") { _, v in try v[0].transposed([1, 0, 2]) }
        try expectGradient([x], "slice") { _, v in try v[0].slice(axis: 1, start: 1, end: 3) }
        try expectGradient([x], "slice step") { _, v in try v[0].slice(axis: 2, start: 0, end: nil, step: 2) }
        try expectGradient([x], "slice negative step") { _, v in try v[0].slice(axis: -1, step: -1) }
        try expectGradient([x], "reshape") { _, v in try v[0].reshaped([6, -1]) }
        try expectGradient([x], "gather") { _, v in try v[0].gather(try IndexTensor([2, 0, 2, -1]), axis: 1) }
        try expectGradient([x], "gather 2-d indices") { _, v in try v[0].gather(try IndexTensor([3, 1, 0, 3], shape: [2, 2]), axis: 2) }
        let along = try IndexTensor([0, 2, 1, 1, 0, 0, 2, 2, 1, 0, 1, 2, 2, 2, 0, 1], shape: [2, 2, 4])
        try expectGradient([x], "take_along_axis") { _, v in try v[0].takeAlong(along, axis: 1) }
        let y = randomTensor([2, 1, 4], seed: 42), z = randomTensor([2, 2, 4], seed: 43)
        try expectGradient([x, y, z], "concat") { _, v in try Var.concat(v, axis: 1) }
        try expectGradient([x, x], "stack") { _, v in try Var.stack(v, axis: -1) }
        try expectGradient([y], "expand") { _, v in try v[0].expanded(to: [3, 2, 5, 4]) }
    }

    @Test func select() throws {
        let cond = try Tensor([1, 0, 0, 1], shape: [4], dtype: .f64)
        let a = randomTensor([3, 4], seed: 51), b = randomTensor([3, 1], seed: 52)
        try expectGradient([a, b], "where") { t, v in try Var.select(t.constant(cond), v[0], v[1]) }
    }

    @Test func scalarOperators() throws {
        let x = randomTensor([3], seed: 61, scale: 0.5, offset: 1)
        try expectGradient([x], "x + 2") { _, v in try v[0] + 2 }
        try expectGradient([x], "3 - x") { _, v in try 3 - v[0] }
        try expectGradient([x], "x / 4") { _, v in try v[0] / 4 }
        try expectGradient([x], "2 / x") { _, v in try 2 / v[0] }
        try expectGradient([x], "-x") { _, v in try -v[0] }
    }

    @Test func compositeChainWithFanOut() throws {
        // The notes' 10-op chain: fan-out, the same input twice, broadcasting, BLAS.
        let x = randomTensor([8, 8], seed: 71), w = randomTensor([8, 8], seed: 72), b = randomTensor([8], seed: 73), s = randomTensor([1], seed: 74)
        try expectGradient([w, b, s], "chain") { t, v in
            let xc = t.constant(x)
            let t1 = try xc.matmul(v[0]), t2 = try t1 + v[1], t3 = try t2.logSigmoid(), t4 = try t3 * v[2]
            let t5 = try t4.exp(), t6 = try t5 - xc, t7 = try t6 * t6, t8 = try t7.matmul(v[0]), t9 = try t8 + t3
            return try t9.sum()
        }
    }
}
