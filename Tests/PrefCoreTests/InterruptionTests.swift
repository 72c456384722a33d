import Testing
@testable import PrefCore

/// Long tensor work is split into chunks that poll the thread's interrupt flag
/// (docs/design.md, "Interrupting tensor work"): splitting must not change results, a set flag
/// must stop a big op before it does its work, and small ops must never look at the flag.
@Suite("interrupting tensor work") struct InterruptionTests {
    /// A tensor of `shape` with reproducible values.
    static func random(_ shape: Shape, _ dtype: DType, seed: UInt64) -> Tensor {
        var stream = RandomStream(seed: seed, stream: "interruption")
        return stream.normalTensor(shape, dtype: dtype)
    }

    /// Runs `body` with a flag that is already set.
    static func withSetFlag<T>(_ body: () throws -> T) rethrows -> T {
        let flag = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        flag.initialize(to: 1)
        defer { flag.deallocate() }
        return try Interruption.withFlag(flag) { try body() }
    }

    /// Whether `body` throws the interruption error.
    static func interrupts(_ body: () throws -> Void) -> Bool {
        do {
            try withSetFlag(body)
            return false
        } catch let e as TensorError {
            return e.isInterrupted
        } catch {
            return false
        }
    }

    @Test func aSplitProductMatchesOneBLASCall() throws {
        // 2·m·n·k = 2.8e9 flops, well over one call's budget: several tiles of C.
        let (m, k, n) = (1000, 1100, 1300)
        #expect(2 * m * n * k > Interruption.flopsPerCall)
        let tile = MatmulKernels.tile(m: m, n: n, k: k)
        #expect(tile.rows < m || tile.cols < n)
        for dtype in [DType.f64, .f32] {
            let a = Self.random([m, k], dtype, seed: 1), b = Self.random([k, n], dtype, seed: 2)
            let product = try a.matmul(b)
            let whole = Tensor(zeros: [m, n], dtype: dtype)
            withExtendedLifetime((a, b)) {
                switch dtype {
                case .f64: BLAS.rawDgemm(m: m, n: n, k: k, a: a.view.ptr(Double.self), b: b.view.ptr(Double.self), c: whole.view.ptr(Double.self))
                case .f32: BLAS.rawSgemm(m: m, n: n, k: k, a: a.view.ptr(Float.self), b: b.view.ptr(Float.self), c: whole.view.ptr(Float.self))
                }
            }
            // Each tile computes the same inner products over the whole of k, so results agree to
            // rounding. Not always bit for bit: OpenBLAS 0.3.21's SkylakeX dgemm computes the
            // last n mod 16 columns with a path whose order depends on the call's blocking
            // (measured: up to a few thousand of 1.3M elements differ in the last bits).
            let (p, w) = (product.scalars, whole.scalars)
            var worst = 0.0
            for i in p.indices { worst = Swift.max(worst, Swift.abs(p[i] - w[i])) }
            #expect(worst <= (dtype == .f64 ? 1e-11 : 1e-3), "\(dtype): largest difference \(worst)")
            #expect(p.count == w.count)
        }
    }

    @Test func tilesCoverTheProductWithinTheBudget() {
        for (m, n, k) in [(6000, 6000, 6000), (1, 100_000, 2000), (100_000, 3, 1000), (40, 50, 1 << 26), (8192, 8192, 8192)] {
            let t = MatmulKernels.tile(m: m, n: n, k: k)
            #expect(t.rows >= 1 && t.cols >= 1)
            let flops = 2 * Swift.min(t.rows, m) * Swift.min(t.cols, n) * k
            // One row by one column is the smallest call; otherwise a tile stays within the budget.
            #expect(flops <= Interruption.flopsPerCall || (t.rows == 1 && t.cols == 1), "\(m)×\(n)×\(k): \(t)")
        }
    }

    @Test func aSetFlagStopsBigOpsBeforeTheyRun() throws {
        let big = Self.random([1 << 19], .f32, seed: 3)
        let matrix = Self.random([1500, 1500], .f32, seed: 4)
        #expect(Self.interrupts { _ = try big.interruptibleUnary(.exp) })
        #expect(Self.interrupts { _ = try big + big })
        #expect(Self.interrupts { _ = try big.sum() })
        #expect(Self.interrupts { _ = try big.logsumexp() })
        #expect(Self.interrupts { _ = try big.max() })
        #expect(Self.interrupts { _ = try big.softmax() })
        #expect(Self.interrupts { _ = try matrix.matmul(matrix) })
        #expect(Self.interrupts { _ = try matrix.sum(axis: 0) })
        // Recorded ops and the backward pass use the same kernels.
        #expect(Self.interrupts {
            let tape = Tape()
            _ = try tape.unary(.tanh, tape.variable(big))
        })
        let tape = Tape()
        let w = tape.variable(matrix)
        let loss = try tape.matmul(w, w).sum()
        #expect(Self.interrupts { try tape.backward(loss) })
    }

    @Test func smallOpsIgnoreTheFlag() throws {
        let x = Self.random([64, 64], .f64, seed: 5)
        let y = try Self.withSetFlag { () throws -> Tensor in
            try (x.matmul(x) + x.interruptibleUnary(.exp)).softmax().sum(axis: 1)
        }
        #expect(y.shape == [64])
        // The non-throwing unary runs to completion whatever the flag.
        let big = Self.random([1 << 19], .f32, seed: 6)
        #expect(Self.withSetFlag { big.unary(.exp) }.scalars == big.unary(.exp).scalars)
    }

    @Test func splitReductionsEqualOnePass() throws {
        // Sums, maxima and logsumexp carry their state across pieces, so they match one pass.
        let n = 3 * Interruption.grain + 13
        for dtype in [DType.f32, .f64] {
            let x = Self.random([n], dtype, seed: 7)
            let s = try x.sum()
            let one = withExtendedLifetime(x) { () -> Double in
                switch dtype {
                case .f32: Double(ReduceKernels.rowSum(x.view.ptr(Float.self), n))
                case .f64: ReduceKernels.rowSum(x.view.ptr(Double.self), n)
                }
            }
            #expect(s.scalars == [one], "split sum \(s.scalars) vs one pass \(one)")
            let values = x.scalars
            #expect(try x.max().scalars == [values.max()!])
            #expect(try x.argmax().values == [Int32(values.firstIndex(of: values.max()!)!)])
        }
    }

    @Test func theFlagIsPerThreadAndRestored() {
        let flag = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        defer { flag.deallocate() }
        #expect(Interruption.currentFlag == nil)
        Interruption.withFlag(flag) {
            #expect(Interruption.currentFlag == flag)
            Interruption.withFlag(nil) { #expect(Interruption.currentFlag == nil) }
            #expect(Interruption.currentFlag == flag)
        }
        #expect(Interruption.currentFlag == nil)
    }
}
