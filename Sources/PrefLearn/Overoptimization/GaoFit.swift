#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import PrefCore

/// Gao, Schulman & Hilton (2022)'s functional forms of gold reward against d = √KL (spec
/// algorithms.md §2.2–2.3), fitted by ordinary least squares with R(0) = 0 (no intercept):
///
///     bon: R(d) = d (α − β d)        regress R on [d, −d²]        peak d* = α / (2β)
///     rl:  R(d) = d (α − β log d)    regress R on [d, −d log d]   peak d* = exp(α/β − 1)
///
/// Both are linear in (α, β), so the 2×2 normal equations give the fit in closed form. The rl
/// form excludes d < 0.05 (log d blows up), as the spec says. R² = 1 − SS_res/SS_tot with
/// SS_tot about the mean of the fitted points.
public struct GaoFit: Sendable, Equatable {
    public enum Form: String, Sendable, CaseIterable { case bon, rl }

    public let form: Form
    public let alpha: Double
    public let beta: Double
    public let r2: Double
    /// The points the fit used.
    public let count: Int

    /// d*, where the fitted curve peaks; +∞ when β ≤ 0 (no peak).
    public var peak: Double {
        guard beta > 0 else { return .infinity }
        return form == .bon ? alpha / (2 * beta) : exp(alpha / beta - 1)
    }

    /// The fitted R(d).
    public func predict(_ d: Double) -> Double {
        switch form {
        case .bon: return d * (alpha - beta * d)
        case .rl: return d > 0 ? d * (alpha - beta * log(d)) : 0
        }
    }

    /// The fit of `rewards` against `distances` (same count, finite); throws when fewer than two
    /// usable points or a degenerate design leave (α, β) undetermined.
    public init(form: Form, distances: [Double], rewards: [Double]) throws(TensorError) {
        guard distances.count == rewards.count else {
            throw TensorError(op: "gao_fit", "\(distances.count) distances for \(rewards.count) rewards")
        }
        let points = zip(distances, rewards).filter { d, r in d.isFinite && r.isFinite && d >= 0 && (form == .bon || d >= 0.05) }
        guard points.count >= 2 else {
            throw TensorError(op: "gao_fit", "the \(form.rawValue) form needs at least 2 points\(form == .rl ? " with d ≥ 0.05" : ""), got \(points.count)")
        }
        // Columns u = d and v = −d² (bon) or −d log d (rl).
        var suu = 0.0, suv = 0.0, svv = 0.0, sur = 0.0, svr = 0.0
        for (d, r) in points {
            let v = form == .bon ? -d * d : -d * log(d)
            suu += d * d; suv += d * v; svv += v * v; sur += d * r; svr += v * r
        }
        let det = suu * svv - suv * suv
        guard det.isFinite, abs(det) > 1e-12 * max(suu * svv, 1e-300) else {
            throw TensorError(op: "gao_fit", "the points do not determine α and β (all at one distance?)")
        }
        let a = (sur * svv - svr * suv) / det, b = (svr * suu - sur * suv) / det
        let mean = points.reduce(0) { $0 + $1.1 } / Double(points.count)
        var res = 0.0, tot = 0.0
        for (d, r) in points {
            let v = form == .bon ? -d * d : -d * log(d)
            res += (r - a * d - b * v) * (r - a * d - b * v)
            tot += (r - mean) * (r - mean)
        }
        self.form = form
        alpha = a
        beta = b
        r2 = tot > 0 ? 1 - res / tot : (res == 0 ? 1 : 0)
        count = points.count
    }
}
