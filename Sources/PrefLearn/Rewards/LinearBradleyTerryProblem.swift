import Foundation
import PrefCore

/// The convex objective of a linear Bradley–Terry reward model r(x) = w·x (spec losses §6; TRL's
/// `RewardTrainer` loss with the Llama 2 margin and the centring of Eisenstein et al. 2023, Eq. 2):
///
///     L(w) = (1/n) Σᵢ softplus(mᵢ − w·dᵢ) + (c/n) Σᵢ (w·sᵢ)²,   dᵢ = x_c,i − x_r,i,  sᵢ = x_c,i + x_r,i
///     ∇L   = −(1/n) Dᵀ σ(m − Dw) + (2c/n) G w,                    G = SᵀS
///     ∇²L  = (1/n) Dᵀ diag(σ(m − Dw)·σ(Dw − m)) D + (2c/n) G
///
/// (softplus(−u) = −log σ(u), so the first sum is mean −log σ(r_c − r_r − m)). D is formed once
/// (n×p, f64; differencing f32 features per block at every pass instead read as many bytes and
/// cost ~25% more per pass than the one-off ~0.08 s of forming D at 10⁶×64); G once when c > 0.
/// One evaluation is one pass over D in blocks of rows that stay
/// in L2 (`BradleyTerryKernel.block`: Dw, the loss terms and Dᵀσ in one C loop) and, for the
/// Hessian, one `dsyrk` per block over its rows scaled by √h; `threads` split the blocks.
public struct LinearBradleyTerryProblem: Sendable {
    /// Pairs and features.
    public let n: Int, p: Int
    /// D, n×p row-major. A Swift array, not a Tensor: tensor storage asks for transparent huge
    /// pages, and first-touching 512 MB of them in a fresh process cost ~1.1 s of CPU (page
    /// zeroing and compaction) in the benchmark, more than the whole solve.
    let diff: [Double]
    let margins: [Double]?
    /// (2c/n)·SᵀS, full p×p; nil without centring.
    let centring: [Double]?
    /// Threads the evaluation splits the row blocks over (1: the caller's thread only). The
    /// loss does not depend on it (block sums are added in block order); the gradient's rounding
    /// does (one partial sum per thread, added in thread order), but not from run to run.
    public var threads = 1
    /// Rows per block: 256 rows of 64 f64 features are 128 KB, which stay in L2 between the
    /// kernel's two reads (and, for the Hessian, with their scaled copy until `dsyrk`). 2,048
    /// rows (1 MB, the whole L2) re-read part of every block from L3.
    public var blockRows = 256

    /// The value, gradient and (optionally) Hessian at a point, and the fit's metrics there.
    public struct Evaluation: Sendable {
        public var loss: Double
        public var gradient: [Double]
        /// p×p row-major, full; empty unless asked for.
        public var hessian: [Double]
        /// mean[w·dᵢ > 0] (r_c > r_r) and mean w·dᵢ, without the margin (as `bradleyTerryLoss`).
        public var accuracy: Double, margin: Double
        public var gradientNorm: Double { gradient.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    }

    /// The problem of pairs whose chosen and rejected features are `chosen` and `rejected`
    /// ([n, p] each), with per-pair margins m (nil: 0) and centring coefficient c (nil or 0: off).
    public init(chosen: Tensor, rejected: Tensor, margins: [Double]?, center: Double?) throws(TensorError) {
        guard chosen.rank == 2, chosen.shape == rejected.shape else {
            throw TensorError(op: "fit", "chosen and rejected features must be [n, p] of one shape, not \(chosen.shape) and \(rejected.shape)")
        }
        let n = chosen.shape[0], p = chosen.shape[1]
        guard n > 0, p > 0 else { throw TensorError(op: "fit", "no pairs or no features to fit") }
        if let margins, margins.count != n { throw TensorError(op: "fit", "\(margins.count) margins for \(n) pairs") }
        if let margins, let bad = margins.firstIndex(where: { !$0.isFinite }) {
            throw TensorError(op: "fit", "the margin of pair \(bad + 1) is \(margins[bad])", hint: "margins must be finite")
        }
        // f32 features (as loaded) are widened as they are differenced; f64 ones are read in place.
        // D is written once, without a zero fill first, with the finiteness check fused.
        let bothF32 = chosen.dtype == .f32 && rejected.dtype == .f32
        let c = bothF32 || chosen.dtype == .f64 ? chosen : chosen.to(.f64), r = bothF32 || rejected.dtype == .f64 ? rejected : rejected.to(.f64)
        var finite = true
        let diff = [Double](unsafeUninitializedCapacity: n * p) { d, count in
            guard let out = d.baseAddress else { return }
            finite = bothF32
                ? BradleyTerryKernel.difference(c.pointer(Float.self), r.pointer(Float.self), count: n * p, into: out)
                : BradleyTerryKernel.difference(c.pointer(Double.self), r.pointer(Double.self), count: n * p, into: out)
            count = n * p
        }
        if !finite, let bad = diff.firstIndex(where: { !$0.isFinite }) {
            throw TensorError(op: "fit", "pair \(bad / p + 1) has a non-finite feature \(bad % p)")
        }
        let centred = (center ?? 0) > 0
        var sums = [Double]()
        if centred {
            sums = [Double](repeating: 0, count: n * p)
            sums.withUnsafeMutableBufferPointer { s in
                if bothF32 {
                    let xc = c.pointer(Float.self), xr = r.pointer(Float.self)
                    for k in 0..<(n * p) { s[k] = Double(xc[k]) + Double(xr[k]) }
                } else {
                    let xc = c.pointer(Double.self), xr = r.pointer(Double.self)
                    for k in 0..<(n * p) { s[k] = xc[k] + xr[k] }
                }
            }
        }
        self.n = n
        self.p = p
        self.diff = diff
        self.margins = margins
        guard let center, center > 0 else { centring = nil; return }
        // G = SᵀS in one dsyrk (S exists only while the problem is built, and only with centring).
        var g = [Double](repeating: 0, count: p * p)
        try sums.withUnsafeBufferPointer { sp throws(TensorError) in
            try g.withUnsafeMutableBufferPointer { gp throws(TensorError) in
                guard let a = sp.baseAddress, let c = gp.baseAddress else { return }
                try BLAS.dsyrkTransposed(n: p, k: n, alpha: 2 * center / Double(n), a: a, beta: 1, c: c)
            }
        }
        Self.mirrorUpper(&g, p)
        centring = g
    }

    /// Copies the upper triangle of a row-major p×p matrix into its lower triangle.
    static func mirrorUpper(_ a: inout [Double], _ p: Int) {
        for i in 0..<p { for j in 0..<i { a[i * p + j] = a[j * p + i] } }
    }

    /// L, ∇L and, when `hessian`, ∇²L at w: one pass over D. Each thread walks a contiguous run
    /// of blocks with its own partial gradient (and Hessian); the partials are added in thread
    /// order, and L's block sums in block order with Kahan's compensation, so its rounding stays
    /// near 1e-15 relative at a million pairs (the line search compares losses that close) and
    /// every result is the same from run to run.
    public func evaluate(_ w: [Double], hessian: Bool) throws(TensorError) -> Evaluation {
        guard w.count == p else { throw TensorError(op: "fit", "\(w.count) weights for \(p) features") }
        guard blockRows >= 1, threads >= 1 else { throw TensorError(op: "fit", "blockRows and threads must be ≥ 1") }
        let p = self.p, n = self.n, block = blockRows
        let blocks = (n + block - 1) / block
        let parts = Swift.min(threads, blocks)
        // Per part: work (3 blocks), gradient (p), sums (3), and for the Hessian the scaled block
        // and a p×p accumulator; the block sums of L, one per block.
        let hessStride = hessian ? p * p : 0, scaledStride = hessian ? block * p : 0
        let partStride = 3 * block + p + 3 + hessStride + scaledStride
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: parts * partStride + blocks)
        scratch.initialize(repeating: 0, count: parts * partStride + blocks)
        defer { scratch.deallocate() }
        let shared = Scratch(base: scratch)
        var failure: TensorError?
        let failures = UnsafeMutablePointer<TensorError?>.allocate(capacity: parts)
        failures.initialize(repeating: nil, count: parts)
        defer { failures.deinitialize(count: parts); failures.deallocate() }
        let failed = FailureSlots(base: failures)
        diff.withUnsafeBufferPointer { dAll in
            w.withUnsafeBufferPointer { wp in
                (margins ?? []).withUnsafeBufferPointer { mp in
                    guard let db = dAll.baseAddress, let wb = wp.baseAddress else { return }
                    let dShared = ReadOnly(base: db), wShared = ReadOnly(base: wb), mShared = margins == nil ? nil : mp.baseAddress.map { ReadOnly(base: $0) }
                    let run: @Sendable (Int) -> Void = { part in
                        let mine = shared.base + part * partStride
                        let work = mine, grad = mine + 3 * block, sums = grad + p, hess = sums + 3, scaled = hess + hessStride
                        let blockSums = shared.base + parts * partStride
                        let first = blocks * part / parts, last = blocks * (part + 1) / parts
                        for b in first..<last {
                            let start = b * block, rows = Swift.min(block, n - start)
                            let m = mShared.map { $0.base + start }
                            BradleyTerryKernel.block(d: dShared.base + start * p, margins: m, rows: rows, p: p, w: wShared.base,
                                                     work: work, grad: grad, scaled: hessian ? scaled : nil, sums: sums)
                            blockSums[b] = sums[0]
                            if hessian {
                                do throws(TensorError) {
                                    try BLAS.dsyrkTransposed(n: p, k: rows, alpha: 1, a: scaled, beta: 1, c: hess)
                                } catch {
                                    failed.base[part] = error
                                    return
                                }
                            }
                        }
                    }
                    if parts == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: run) }
                }
            }
        }
        for part in 0..<parts where failure == nil { failure = failures[part] }
        if let failure { throw failure }
        let invN = 1 / Double(n)
        var loss = 0.0, compensation = 0.0
        let blockSums = scratch + parts * partStride
        for b in 0..<blocks {
            let y = blockSums[b] - compensation, t = loss + y
            compensation = (t - loss) - y
            loss = t
        }
        var grad = [Double](repeating: 0, count: p)
        var hess = [Double](repeating: 0, count: hessian ? p * p : 0)
        var correct = 0.0, marginSum = 0.0
        for part in 0..<parts {
            let mine = scratch + part * partStride
            let g = mine + 3 * block, sums = g + p, h = sums + 3
            for j in 0..<p { grad[j] += g[j] * invN }
            correct += sums[1]
            marginSum += sums[2]
            if hessian { for k in 0..<(p * p) { hess[k] += h[k] * invN } }
        }
        loss *= invN
        if hessian { Self.mirrorUpper(&hess, p) }
        if let g = centring {
            // (c/n)·wᵀGw with G scaled by 2c/n: half of wᵀ(centring)w; its gradient and Hessian.
            for i in 0..<p {
                var gw = 0.0
                for j in 0..<p { gw += g[i * p + j] * w[j] }
                loss += 0.5 * w[i] * gw
                grad[i] += gw
            }
            if hessian { for k in 0..<(p * p) { hess[k] += g[k] } }
        }
        return Evaluation(loss: loss, gradient: grad, hessian: hess, accuracy: correct * invN, margin: marginSum * invN)
    }
}

/// Pointers shared by the evaluation's threads: each thread writes only its own part of the
/// scratch buffer and its own failure slot, and reads D, w and the margins.
private struct Scratch: @unchecked Sendable { let base: UnsafeMutablePointer<Double> }
private struct ReadOnly: @unchecked Sendable { let base: UnsafePointer<Double> }
private struct FailureSlots: @unchecked Sendable { let base: UnsafeMutablePointer<TensorError?> }
