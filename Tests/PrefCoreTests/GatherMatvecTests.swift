import Testing
@testable import PrefCore
import _PrefTestSupport

/// The fused gather–matvec op against the composed gather + matmul it replaces: values and w's
/// gradient, both dtypes, D with and without a vector tail, batches with and without a group
/// remainder, repeated prompts.
@Suite("gather matvec") struct GatherMatvecTests {
    /// (fused value, fused grad, composed value, composed grad) for L = Σ c ⊙ s.
    func both(p: Int, rows: Int, d: Int, prompts: [Int], dtype: DType) throws -> ([Double], [Double], [Double], [Double]) {
        var rng = RandomStream(seed: 7, stream: "gather_matvec")
        let table = rng.normalTensor([p, rows, d], dtype: dtype)
        let c = rng.normalTensor([prompts.count, rows], dtype: dtype)
        let w = Parameter(rng.normalTensor([d, 1], dtype: dtype))
        let idx = try IndexTensor(prompts)
        var out = [[Double]]()
        for fused in [true, false] {
            let tape = Tape()
            let wv = tape.parameter(w)
            let s = fused ? try tape.gatherMatvec(table, idx, wv)
                : try tape.constant(table).gather(idx).reshaped([prompts.count * rows, d]).matmul(wv).reshaped([prompts.count, rows])
            #expect(s.shape == [prompts.count, rows])
            try tape.backward(try (s * tape.constant(c)).sum())
            out.append(try s.value().to(.f64).scalars)
            out.append(w.grad?.to(.f64).scalars ?? [])
            w.zeroGrad()
        }
        return (out[0], out[1], out[2], out[3])
    }

    @Test(arguments: [(3, 2, 5, [0, 2, 1]), (40, 8, 256, Array(0..<19) + [5, 5, 39]), (9, 1, 33, [8, 0, 3, 3, 7, 1, 2, 4, 6, 5, 0])])
    func matchesGatherThenMatmul(p: Int, rows: Int, d: Int, prompts: [Int]) throws {
        let (v, g, v0, g0) = try both(p: p, rows: rows, d: d, prompts: prompts, dtype: .f64)
        #expect(maxRelativeError(v, v0) < 1e-12)
        #expect(maxRelativeError(g, g0) < 1e-12)
        let (v32, g32, v320, g320) = try both(p: p, rows: rows, d: d, prompts: prompts, dtype: .f32)
        #expect(maxRelativeError(v32, v320, floor: 1e-3) < 1e-4)
        #expect(maxRelativeError(g32, g320, floor: 1e-3) < 1e-4)
    }

    /// A prompt's score does not depend on where it sits in the batch (a full group of eight or
    /// the remainder).
    @Test func scoresDoNotDependOnPosition() throws {
        let (a, _, _, _) = try both(p: 12, rows: 3, d: 40, prompts: Array(0..<12), dtype: .f32)
        let (b, _, _, _) = try both(p: 12, rows: 3, d: 40, prompts: Array((0..<12).reversed()), dtype: .f32)
        for i in 0..<12 { #expect(Array(a[3 * i..<3 * i + 3]) == Array(b[3 * (11 - i)..<3 * (11 - i) + 3])) }
    }

    @Test func refusesBadInputs() throws {
        let tape = Tape()
        let table = Tensor(zeros: [4, 2, 3], dtype: .f64)
        let w = tape.variable(Tensor(zeros: [3], dtype: .f64))
        #expect(throws: TensorError.self) { try tape.gatherMatvec(table, try IndexTensor([4]), w) }
        #expect(throws: TensorError.self) { try tape.gatherMatvec(table, try IndexTensor([0]), tape.variable(Tensor(zeros: [4], dtype: .f64))) }
        #expect(throws: TensorError.self) { try tape.gatherMatvec(table, try IndexTensor([0]), tape.variable(Tensor(zeros: [3]))) }
        #expect(throws: TensorError.self) { try tape.gatherMatvec(Tensor(zeros: [4, 3], dtype: .f64), try IndexTensor([0]), w) }
        let empty = try tape.gatherMatvec(table, try IndexTensor([]), w)
        #expect(empty.shape == [0, 2])
        #expect(try tape.gatherMatvec(table, try IndexTensor([-1]), w).shape == [1, 2])
    }
}
