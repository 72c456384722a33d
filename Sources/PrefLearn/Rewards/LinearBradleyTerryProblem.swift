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
/// (n×p, f64); G once when c > 0. One evaluation is one pass over D in blocks of rows, each block
/// a `dgemv` for Dw, one for Dᵀa and, for the Hessian, one `dsyrk` over the rows scaled by √h.
public struct LinearBradleyTerryProblem: Sendable {
    /// Pairs and features.
    public let n: Int, p: Int
    let diff: [Double]
    let margins: [Double]?
    /// (2c/n)·SᵀS, full p×p; nil without centring.
    let centring: [Double]?
    /// Rows per block: a block of D and its scaled copy stay in cache between the BLAS calls.
    static let block = 2048

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
        // f32 features (as loaded) are widened row by row; f64 ones are read in place.
        var diff = [Double](repeating: 0, count: n * p)
        var sums = [Double]()
        let centred = (center ?? 0) > 0
        if centred { sums = [Double](repeating: 0, count: n * p) }
        let bothF32 = chosen.dtype == .f32 && rejected.dtype == .f32
        let c = bothF32 || chosen.dtype == .f64 ? chosen : chosen.to(.f64), r = bothF32 || rejected.dtype == .f64 ? rejected : rejected.to(.f64)
        diff.withUnsafeMutableBufferPointer { d in
            sums.withUnsafeMutableBufferPointer { s in
                if bothF32 {
                    let xc = c.pointer(Float.self), xr = r.pointer(Float.self)
                    for k in 0..<(n * p) { d[k] = Double(xc[k]) - Double(xr[k]) }
                    if centred { for k in 0..<(n * p) { s[k] = Double(xc[k]) + Double(xr[k]) } }
                } else {
                    let xc = c.pointer(Double.self), xr = r.pointer(Double.self)
                    for k in 0..<(n * p) { d[k] = xc[k] - xr[k] }
                    if centred { for k in 0..<(n * p) { s[k] = xc[k] + xr[k] } }
                }
            }
        }
        if let bad = diff.firstIndex(where: { !$0.isFinite }) {
            throw TensorError(op: "fit", "pair \(bad / p + 1) has a non-finite feature \(bad % p)")
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

    /// L, ∇L and, when `hessian`, ∇²L at w: one pass over D. The per-row work runs on raw
    /// buffers (a captured Swift array would pay an exclusivity check per access), and L is summed
    /// per block and the blocks with Kahan's compensation, so its rounding stays near 1e-15
    /// relative at a million pairs (the line search compares losses that close).
    public func evaluate(_ w: [Double], hessian: Bool) throws(TensorError) -> Evaluation {
        guard w.count == p else { throw TensorError(op: "fit", "\(w.count) weights for \(p) features") }
        let p = self.p, n = self.n, block = Self.block
        var loss = 0.0, compensation = 0.0, correct = 0, marginSum = 0.0
        var grad = [Double](repeating: 0, count: p)
        var hess = [Double](repeating: 0, count: hessian ? p * p : 0)
        let z = UnsafeMutablePointer<Double>.allocate(capacity: block), a = UnsafeMutablePointer<Double>.allocate(capacity: block)
        let scaled = UnsafeMutablePointer<Double>.allocate(capacity: hessian ? block * p : 1)
        defer { z.deallocate(); a.deallocate(); scaled.deallocate() }
        let invN = 1 / Double(n)
        try diff.withUnsafeBufferPointer { dAll throws(TensorError) in
            try w.withUnsafeBufferPointer { wp throws(TensorError) in
                try grad.withUnsafeMutableBufferPointer { gp throws(TensorError) in
                    try hess.withUnsafeMutableBufferPointer { hp throws(TensorError) in
                        guard let base = dAll.baseAddress, let wb = wp.baseAddress, let gb = gp.baseAddress else { return }
                        var start = 0
                        while start < n {
                            let rows = Swift.min(block, n - start)
                            let d = base + start * p
                            try BLAS.dgemv(trans: false, m: rows, n: p, alpha: 1, a: d, x: wb, beta: 0, y: z)
                            var blockLoss = 0.0
                            for i in 0..<rows {
                                let zi = z[i]
                                let u = (margins?[start + i] ?? 0) - zi
                                // softplus(u) = max(u, 0) + log1p(e^−|u|); σ(u) without overflow.
                                let e = exp(-abs(u))
                                blockLoss += Swift.max(u, 0) + log1p(e)
                                let sigU = u >= 0 ? 1 / (1 + e) : e / (1 + e)
                                a[i] = -sigU * invN
                                if zi > 0 { correct += 1 }
                                marginSum += zi
                                if hessian {
                                    let h = (sigU * (1 - sigU)).squareRoot(), row = d + i * p, out = scaled + i * p
                                    for k in 0..<p { out[k] = h * row[k] }
                                }
                            }
                            let y = blockLoss - compensation, t = loss + y
                            compensation = (t - loss) - y
                            loss = t
                            try BLAS.dgemv(trans: true, m: rows, n: p, alpha: 1, a: d, x: a, beta: 1, y: gb)
                            if hessian, let hb = hp.baseAddress {
                                try BLAS.dsyrkTransposed(n: p, k: rows, alpha: invN, a: scaled, beta: 1, c: hb)
                            }
                            start += rows
                        }
                    }
                }
            }
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
        return Evaluation(loss: loss, gradient: grad, hessian: hess, accuracy: Double(correct) * invN, margin: marginSum * invN)
    }
}
