import Testing
@testable import PrefCore
import _PrefTestSupport

/// Forward values of the eager ops against hand-computed results, and the errors they throw.
@Suite("tensor ops") struct TensorOpsTests {
    func t(_ v: [Double], _ s: Shape, _ d: DType = .f64) throws -> Tensor { try Tensor(v, shape: s, dtype: d) }

    @Test func broadcastingArithmetic() throws {
        let a = try t([1, 2, 3, 4, 5, 6], [2, 3]), b = try t([10, 20, 30], [3]), c = try t([100, 200], [2, 1])
        #expect(try (a + b).scalars == [11, 22, 33, 14, 25, 36])
        #expect(try (a * c).scalars == [100, 200, 300, 800, 1000, 1200])
        #expect(try (c - b).shape == [2, 3])
        #expect(try (c - b).scalars == [90, 80, 70, 190, 180, 170])
        #expect(try (a / Tensor(scalar: 2, dtype: .f64)).scalars == [0.5, 1, 1.5, 2, 2.5, 3])
        #expect((2 - a).scalars == [1, 0, -1, -2, -3, -4])
        #expect((a * 3 + 1).scalars == [4, 7, 10, 13, 16, 19])
        #expect(try a.pow(try t([2], [1])).scalars == [1, 4, 9, 16, 25, 36])
        let big = try t(Array(repeating: 1, count: 2 * 3 * 4), [2, 3, 4])
        #expect(try (big + t([1, 2, 3, 4], [4])).sum().item() == 24 + 2 * 3 * 10)
    }

    @Test func comparisonsAndWhere() throws {
        let a = try t([1, 5, 3], [3]), b = try t([2, 5, 1], [3])
        #expect(try a.compare(.lt, b).scalars == [1, 0, 0])
        #expect(try a.compare(.ge, b).scalars == [0, 1, 1])
        #expect(try a.compare(.eq, b).scalars == [0, 1, 0])
        #expect(try Tensor.select(a.compare(.gt, b), a, b).scalars == [2, 5, 3])
        #expect(try a.maximum(b).scalars == [2, 5, 3])
        // NumPy mod: the sign of the divisor, like Python's %.
        #expect(try Tensor.binary(.mod, t([7, -7, 7, 7.5], [4]), t([3, 3, -3, 2], [4])).scalars == [1, 2, -2, 1.5])
        #expect(try a.minimum(b).scalars == [1, 5, 1])
    }

    @Test func reductions() throws {
        let x = try t([1, 2, 3, 4, 5, 6], [2, 3])
        #expect(try x.sum().item() == 21)
        #expect(try x.sum(axis: 0).scalars == [5, 7, 9])
        #expect(try x.sum(axis: 1, keepDims: true).shape == [2, 1])
        #expect(try x.mean(axis: -1).scalars == [2, 5])
        #expect(try x.max(axis: 0).scalars == [4, 5, 6])
        #expect(try x.min(axis: 1).scalars == [1, 4])
        #expect(try x.argmax(axis: 1).values == [2, 2])
        let lse = try x.logsumexp(axis: 1).scalars
        #expect(isClose(lse[0], Foundation.log(Foundation.exp(1.0) + Foundation.exp(2.0) + Foundation.exp(3.0)), rel: 1e-15))
        // Stability: huge values do not overflow.
        #expect(isClose(try t([1000, 1000], [2]).logsumexp().item(), 1000 + Foundation.log(2.0), rel: 1e-15))
        #expect(try t([-Double.infinity, -Double.infinity], [2]).logsumexp().item() == -.infinity)
        // Long rows use several accumulators; the sum of 1...1000 is exact.
        #expect(try Tensor((1...1000).map(Double.init), dtype: .f64).sum().item() == 500500)
    }

    @Test func softmax() throws {
        let x = try t([1, 2, 3, 1000, 1000, 1000], [2, 3])
        let s = try x.softmax(axis: 1).scalars
        let e = [Foundation.exp(1.0), Foundation.exp(2.0), Foundation.exp(3.0)]
        let z = e.reduce(0, +)
        #expect(maxRelativeError(Array(s[0..<3]), e.map { $0 / z }) < 1e-15)
        #expect(maxRelativeError(Array(s[3..<6]), [1.0 / 3, 1.0 / 3, 1.0 / 3]) < 1e-15)
        let ls = try x.logSoftmax(axis: 1).scalars
        #expect(isClose(ls[0], 1 - Foundation.log(z), rel: 1e-15))
        #expect(isClose(ls[4], -Foundation.log(3.0), rel: 1e-15))
    }

    @Test func stableActivationsF64() throws {
        let x = try t([-800, -40, 0, 40, 800], [5])
        let ls = x.logSigmoid().scalars
        #expect(ls[0] == -800)
        #expect(isClose(ls[2], -Foundation.log(2.0), rel: 1e-15))
        #expect(isClose(ls[3], -4.248354255291589e-18, rel: 1e-12))
        #expect(ls[4] == 0)
        let sp = x.softplus().scalars
        #expect(sp[4] == 800 && sp[0] == 0 || isClose(sp[0], 0, abs: 1e-300))
        #expect(x.sigmoid().scalars[2] == 0.5)
        #expect(x.tanh().scalars == [-1, -1, 0, 1, 1])
        #expect(x.relu().scalars == [0, 0, 0, 40, 800])
    }

    @Test func matmulAgainstNaiveProducts() throws {
        for dtype in [DType.f32, .f64] {
            let a = randomTensor([2, 3, 4], seed: 1).to(dtype), b = randomTensor([4, 5], seed: 2).to(dtype)
            let c = try a.matmul(b)
            #expect(c.shape == [2, 3, 5])
            let av = a.scalars, bv = b.scalars, cv = c.scalars
            for n in 0..<2 { for i in 0..<3 { for j in 0..<5 {
                var s = 0.0
                for k in 0..<4 { s += av[n * 12 + i * 4 + k] * bv[k * 5 + j] }
                #expect(isClose(cv[n * 15 + i * 5 + j], s, rel: dtype == .f32 ? 1e-5 : 1e-14, abs: 1e-6))
            } } }
        }
        let v = try t([1, 2], [2]), m = try t([1, 2, 3, 4], [2, 2])
        #expect(try v.matmul(m).scalars == [7, 10])
        #expect(try m.matmul(v).scalars == [5, 11])
        #expect(try v.matmul(v).shape == [])
        #expect(try v.matmul(v).item() == 5)
        #expect(try Tensor(zeros: [3, 0]).matmul(Tensor(zeros: [0, 2])).scalars == [0, 0, 0, 0, 0, 0])
    }

    @Test func layout() throws {
        let x = try t((0..<24).map(Double.init), [2, 3, 4])
        #expect(try x.transposed().shape == [4, 3, 2])
        #expect(try x.transposed()[flat: 1] == 12)
        #expect(try x.transposed([0, 2, 1]).slice(axis: 0, start: 1).scalars.prefix(4) == [12, 16, 20, 13])
        #expect(try x.slice(axis: 2, start: 1, end: 3).scalars == [1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22])
        #expect(try x.slice(axis: -1, start: -1).scalars == [3, 7, 11, 15, 19, 23])
        #expect(try x.slice(axis: 1, step: -1).slice(axis: 0, end: 1).slice(axis: 2, end: 1).scalars == [8, 4, 0])
        #expect(try x.slice(axis: 1, start: 10, end: 20).shape == [2, 0, 4])  // clamped, as Python
        #expect(try x.gather(IndexTensor([2, 0]), axis: 1).slice(axis: 0, end: 1).scalars == [8, 9, 10, 11, 0, 1, 2, 3])
        let idx = try IndexTensor([3, 0, 1, 2, 0, 0], shape: [2, 3, 1])
        #expect(try x.takeAlong(idx, axis: 2).scalars == [3, 4, 9, 14, 16, 20])
        #expect(try Tensor.concat([x, x], axis: 1).shape == [2, 6, 4])
        #expect(try Tensor.stack([x, x, x], axis: 1).shape == [2, 3, 3, 4])
        #expect(try Tensor.stack([x, x], axis: -1).slice(axis: 3, start: 1).reshaped([24]).scalars == x.scalars)
        #expect(try x.reshaped([4, -1]).shape == [4, 6])
        #expect(try Tensor.oneHot(IndexTensor([1, -1]), depth: 3).scalars == [0, 1, 0, 0, 0, 1])
        // Row views share storage.
        let rows = try x.rows(1..<2)
        #expect(rows.scalars.first == 12 && rows.storage === x.storage)
    }

    @Test func zeroSizeOuterDimensionsWriteNothing() throws {
        // Found by the fuzzer: these used to write one row past an empty output.
        #expect(try (Tensor(zeros: [4, 4]) * Tensor(zeros: [2, 0, 4, 1])).shape == [2, 0, 4, 4])
        #expect(try (Tensor(zeros: [2, 3]) + Tensor(zeros: [0, 2, 3])).shape == [0, 2, 3])
        #expect(try Tensor(zeros: [0, 1, 4, 4]).matmul(Tensor(zeros: [3, 4, 4])).shape == [0, 3, 4, 4])
        let tape = Tape()
        let x = tape.variable(Tensor(zeros: [2, 3], dtype: .f64))
        let y = try (x + tape.constant(Tensor(zeros: [0, 2, 3], dtype: .f64))).sum()
        try tape.backward(y)
        #expect(try x.gradient()?.scalars == [0, 0, 0, 0, 0, 0])
    }

    @Test func errorsNameTheOpAndShapes() throws {
        let a = Tensor(zeros: [2, 3]), b = Tensor(zeros: [4])
        #expect(throws: TensorError(op: "add", "shapes do not broadcast: [2, 3] and [4]", hint: "dimensions must match or be 1 when aligned from the right")) {
            try a + b
        }
        #expect(throws: TensorError.self) { try a.matmul(Tensor(zeros: [2, 3])) }
        #expect(throws: TensorError.self) { try a + Tensor(zeros: [2, 3], dtype: .f64) }
        #expect(throws: TensorError.self) { try a.sum(axis: 2) }
        #expect(throws: TensorError.self) { try a.gather(IndexTensor([3]), axis: 1) }
        #expect(throws: TensorError.self) { try a.reshaped([4, -1]) }
        #expect(throws: TensorError.self) { try a.transposed([0, 0]) }
        #expect(throws: TensorError.self) { try a.slice(axis: 0, step: 0) }
        #expect(throws: TensorError.self) { try a.slice(axis: 0, step: Int.min) }
        #expect(try a.slice(axis: 1, step: Int.max).shape == [2, 1])
        #expect(try a.slice(axis: 1, start: Int.max, end: Int.min, step: -Int.max).shape == [2, 1])
        #expect(throws: TensorError.self) { try Tensor.concat([a, b]) }
        #expect(throws: TensorError.self) { try Shape.checked([1, 2, 3, 4, 5, 6, 7], op: "zeros") }
        #expect(throws: TensorError.self) { try Shape.checked([-1], op: "zeros") }
        #expect(throws: TensorError.self) { try Shape.checked([Int.max, 2], op: "zeros") }
        #expect(throws: TensorError.self) { try Tensor(zeros: [0]).max() }
        do {
            _ = try a.matmul(Tensor(zeros: [2, 3]))
        } catch {
            #expect(error.description.contains("[2, 3] and [2, 3]"))
        }
    }

    @Test func dtypeConversionAndCopyOnWrite() throws {
        let a = try t([1.5, -2.25], [2])
        #expect(a.to(.f32).to(.f64).scalars == [1.5, -2.25])
        var b = a
        b.withMutablePointer(Double.self) { $0[0] = 9 }
        #expect(a.scalars == [1.5, -2.25])
        #expect(b.scalars == [9, -2.25])
    }
}

import Foundation
