import Testing
@testable import PrefCore
import _PrefTestSupport

/// The tape's bookkeeping: parameter gradients, accumulation, reset, no-grad, detach.
@Suite("tape") struct TapeTests {
    @Test func parameterGradientsAccumulateAcrossBackwardPasses() throws {
        let w = Parameter(try Tensor([1, 2, 3], shape: [3], dtype: .f64))
        let tape = Tape()
        // L = Σ w² ⇒ ∂L/∂w = 2w; the same parameter used twice is one leaf.
        let v1 = tape.parameter(w), v2 = tape.parameter(w)
        #expect(v1.id == v2.id)
        try tape.backward(try (v1 * v2).sum())
        #expect(w.grad?.scalars == [2, 4, 6])
        tape.reset()
        try tape.backward(try tape.parameter(w).sum())
        #expect(w.grad?.scalars == [3, 5, 7])
        w.zeroGrad()
        #expect(w.grad == nil)
    }

    @Test func resetInvalidatesHandles() throws {
        let tape = Tape()
        let x = tape.variable(Tensor(zeros: [2]))
        tape.reset()
        #expect(throws: TensorError.self) { try x.exp() }
        #expect(throws: TensorError.self) { try x.value() }
        let other = Tape()
        let y = other.variable(Tensor(zeros: [2]))
        let z = tape.variable(Tensor(zeros: [2]))
        #expect(throws: TensorError.self) { try z + y }
    }

    @Test func withoutGradientsRecordsNothing() throws {
        let tape = Tape()
        let x = tape.variable(try Tensor([1, 2], shape: [2], dtype: .f64))
        let y = try tape.withoutGradients { try x.exp().sum() }
        #expect(tape.recordedCount == 0)
        #expect(!y.requiresGrad)
        #expect(throws: TensorError.self) { try tape.backward(y) }
        #expect(isClose(try y.value().item(), Foundation.exp(1.0) + Foundation.exp(2.0), rel: 1e-15))
    }

    @Test func detachStopsTheGradient() throws {
        let tape = Tape()
        let x = tape.variable(try Tensor([3], shape: [1], dtype: .f64))
        // d/dx [x · stop(x)] = stop(x) = 3, not 2x = 6.
        try tape.backward(try (x * x.detached()).sum())
        #expect(try x.gradient()?.scalars == [3])
    }

    @Test func backwardNeedsAScalarOrASeed() throws {
        let tape = Tape()
        let x = tape.variable(try Tensor([1, 2], shape: [2], dtype: .f64))
        let y = try x * 3
        #expect(throws: TensorError.self) { try tape.backward(y) }
        try tape.backward(y, seed: try Tensor([1, 10], shape: [2], dtype: .f64))
        #expect(try x.gradient()?.scalars == [3, 30])
    }

    @Test func repeatedBackwardDoesNotReuseIntermediateGradients() throws {
        let tape = Tape()
        let x = tape.variable(try Tensor([2], shape: [1], dtype: .f64))
        let y = try (x * x).sum()
        try tape.backward(y)
        try tape.backward(y)
        // Leaves accumulate (2·2x = 8); intermediates start fresh each time.
        #expect(try x.gradient()?.scalars == [8])
    }

    @Test func float32GradientsAgreeWithFloat64() throws {
        let x64 = randomTensor([4, 5], seed: 5, scale: 3)
        func grad(_ x: Tensor) throws -> [Double] {
            let tape = Tape()
            let v = tape.variable(x)
            try tape.backward(try v.logSigmoid().softplus().logSoftmax(axis: 1).mean())
            return try v.gradient()?.scalars ?? []
        }
        #expect(maxRelativeError(try grad(x64.to(.f32)), try grad(x64), floor: 1e-3) < 1e-5)
    }

    @Test func arenaIsReusedAcrossSteps() throws {
        let tape = Tape()
        let w = Parameter(randomTensor([64, 64], seed: 1).to(.f32))
        for _ in 0..<3 {
            tape.reset()
            let h = try tape.parameter(w).matmul(tape.parameter(w)).tanh()
            try tape.backward(try h.sum())
        }
        #expect(tape.arenaBytes > 64 * 64 * 4 * 3)
        #expect(tape.arenaBytes < 1 << 20)
    }
}

import Foundation
