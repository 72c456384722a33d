import Testing
@testable import PrefCore

/// The limit on created tensors (`Shape.maxElements`): every op whose result would exceed it
/// throws a `TensorError` before allocating, instead of reaching the allocator's trap.
@Suite("size limits") struct SizeLimitTests {
    /// A tensor that allocates nothing but has the given shape (one dimension is 0).
    func empty(_ dims: [Int]) throws -> Tensor { Tensor(zeros: try Shape.checked(dims, op: "test")) }

    func expectLimit(_ op: String, _ body: () throws(TensorError) -> Void) {
        do {
            try body()
            Issue.record("expected a size-limit error from \(op)")
        } catch {
            #expect(error.op == op)
            #expect(error.message.contains("the limit is \(Shape.maxElements)"), "\(error.message)")
        }
    }

    @Test func elementCountsSaturateInsteadOfWrapping() throws {
        let huge = Shape([1 << 40, 1 << 40, 1 << 40])
        #expect(huge.count == Int.max)
        #expect(!huge.isWithinLimit)
        var s = Shape([1 << 40, 1 << 40])
        s[1] = 0
        #expect(s.count == 0)
        #expect(s.extent == 1 << 40)
        #expect(Shape([2, 0, 3]).extent == 6)
        #expect(Shape([Shape.maxElements, 1]).isWithinLimit)
        #expect(!Shape([Shape.maxElements + 1, 0]).isWithinLimit)
    }

    @Test func broadcastBeyondTheLimitThrows() throws {
        let col = Tensor(zeros: [100_000, 1]), row = Tensor(zeros: [1, 100_000])
        expectLimit("add") { () throws(TensorError) in _ = try col + row }
        expectLimit("where") { () throws(TensorError) in _ = try Tensor.select(col, col, row) }
        let tape = Tape()
        expectLimit("mul") { () throws(TensorError) in _ = try tape.binary(.mul, tape.constant(col), tape.constant(row)) }
    }

    @Test func theMessageGivesTheSizeInBytes() throws {
        do {
            _ = try Tensor(zeros: [100_000, 1], dtype: .f64) + Tensor(zeros: [1, 100_000], dtype: .f64)
        } catch {
            #expect(error.message == "result of shape [100000, 100000] has 10000000000 elements and needs at least 40 GB; the limit is 268435456 elements (2^28)")
            #expect(error.hint != nil)
        }
    }

    @Test func matmulBeyondTheLimitThrows() throws {
        let a = Tensor(zeros: [20_000, 1]), b = Tensor(zeros: [1, 20_000])
        expectLimit("matmul") { () throws(TensorError) in _ = try a.matmul(b) }
        let tape = Tape()
        expectLimit("matmul") { () throws(TensorError) in _ = try tape.matmul(tape.constant(a), tape.constant(b)) }
    }

    @Test func concatAndGatherBeyondTheLimitThrow() throws {
        let half = try empty([Shape.maxElements / 2 + 1, 0])
        expectLimit("concat") { () throws(TensorError) in _ = try Tensor.concat([half, half]) }
        let rows = Tensor(zeros: [1, 1 << 15])
        let idx = try IndexTensor(Tensor(zeros: [1 << 14]))
        expectLimit("gather") { () throws(TensorError) in _ = try rows.gather(idx, axis: 0) }
    }

    @Test func emptyTensorsWithHugeDimensionsAreRefused() throws {
        let z = Tensor(zeros: [0])
        expectLimit("reshape") { () throws(TensorError) in _ = try z.reshaped([3_000_000_000, 0]) }
        let wide = try empty([3_000_000_000, 0])
        expectLimit("add") { () throws(TensorError) in _ = try wide + Tensor(zeros: [1]) }
    }
}
