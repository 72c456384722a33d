import Foundation
import PrefCore

/// Merging parameter vectors of models with one architecture.
///
/// - linear (model soups, Wortsman et al. 2022; rewarded soups, Ramé et al. 2023, eq. 1):
///   θ = Σ_i λ_i θ_i.
/// - slerp (Shoemake 1985, as MergeKit applies it per tensor): with the angle
///   Ω = arccos(⟨a, b⟩ / (‖a‖‖b‖)), θ = sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b; when the
///   tensors are almost parallel (|cos Ω| > 0.9995, MergeKit's threshold) or one is zero, the
///   linear (1 − t)a + tb.
enum ParameterMerge {
    static func linear(_ tensors: [[Double]], weights: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: tensors[0].count)
        for (t, w) in zip(tensors, weights) {
            for j in out.indices { out[j] += w * t[j] }
        }
        return out
    }

    static func slerp(_ a: [Double], _ b: [Double], t: Double) -> [Double] {
        var dot = 0.0, na = 0.0, nb = 0.0
        for j in a.indices { dot += a[j] * b[j]; na += a[j] * a[j]; nb += b[j] * b[j] }
        let norms = (na * nb).squareRoot()
        let cosine = norms > 0 ? dot / norms : 1
        guard abs(cosine) <= 0.9995 else { return linear([a, b], weights: [1 - t, t]) }
        let omega = acos(cosine), s = sin(omega)
        return linear([a, b], weights: [sin((1 - t) * omega) / s, sin(t * omega) / s])
    }
}
