// Tests for the CKernels C target: float32 polynomial kernels against the
// float64 libm result, float64 kernels against closed forms, gradients
// against finite differences / closed-form derivatives, edge cases,
// aliasing and loop tails.
//
// Error metric for float32 (same as the offline exhaustive check reported
// in include/CKernels.h): for a float64 reference r of the float32 input,
//   * r NaN                -> the kernel must return NaN;
//   * Float(r) infinite, or r == 0 -> the kernel must return exactly Float(r);
//   * |r| >= 2^-126        -> relative error |y - r| / |r| <= the bound;
//   * 0 < |r| < 2^-126     -> the result is a denormal, whose precision is
//     absolute: |y - r| <= 1 denormal step (2^-149).

import CKernels
import Foundation
import Testing
import _PrefTestSupport

// MARK: - Helpers

private typealias CKFwd32 = (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int64) -> Void
private typealias CKFwd64 = (UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, Int64) -> Void

private func ckApply<T>(_ k: (UnsafePointer<T>?, UnsafeMutablePointer<T>?, Int64) -> Void, _ x: [T]) -> [T]
where T: BinaryFloatingPoint {
    var y = [T](repeating: .nan, count: x.count)
    x.withUnsafeBufferPointer { xp in
        y.withUnsafeMutableBufferPointer { yp in k(xp.baseAddress, yp.baseAddress, Int64(x.count)) }
    }
    return y
}

private func ckApplyGrad<T>(
    _ k: (UnsafePointer<T>?, UnsafePointer<T>?, UnsafePointer<T>?, UnsafeMutablePointer<T>?, Int64) -> Void,
    x: [T], y: [T], gy: [T], gx: [T]
) -> [T] where T: BinaryFloatingPoint {
    var out = gx
    x.withUnsafeBufferPointer { xp in
        y.withUnsafeBufferPointer { yp in
            gy.withUnsafeBufferPointer { gp in
                out.withUnsafeMutableBufferPointer { op in
                    k(xp.baseAddress, yp.baseAddress, gp.baseAddress, op.baseAddress, Int64(x.count))
                }
            }
        }
    }
    return out
}

/// Stable float64 references (the same closed forms the kernels implement).
private enum CKRef {
    static func sigmoid(_ x: Double) -> Double {
        let e = Foundation.exp(-abs(x))
        return (x >= 0 ? 1 : e) / (1 + e)
    }
    static func logSigmoid(_ x: Double) -> Double { min(x, 0) - Foundation.log1p(Foundation.exp(-abs(x))) }
    static func softplus(_ x: Double) -> Double { max(x, 0) + Foundation.log1p(Foundation.exp(-abs(x))) }
}

struct CKKernel32: CustomStringConvertible, Sendable {
    let name: String
    let fwd: @Sendable (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int64) -> Void
    let grad: @Sendable (
        UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int64
    ) -> Void
    let ref: @Sendable (Double) -> Double
    let dref: @Sendable (Double) -> Double  // closed-form derivative
    let bound: Double  // max relative error
    let grid: @Sendable () -> [Float]
    var description: String { name }
}

struct CKKernel64: CustomStringConvertible, Sendable {
    let name: String
    let fwd: @Sendable (UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, Int64) -> Void
    let grad: @Sendable (
        UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, Int64
    ) -> Void
    let ref: @Sendable (Double) -> Double
    let points: [Double]  // points for finite differences (inside the domain)
    var description: String { name }
}

/// n points evenly spaced over [lo, hi] plus m uniform random points.
private func ckLinGrid(_ lo: Float, _ hi: Float, n: Int = 200_000, random m: Int = 20_000, seed: UInt64 = 1) -> [Float] {
    var out = [Float]()
    out.reserveCapacity(n + m)
    let (dlo, dhi) = (Double(lo), Double(hi))
    for i in 0..<n { out.append(Float(dlo + (dhi - dlo) * Double(i) / Double(n - 1))) }
    var g = SplitMix64(seed: seed)
    for _ in 0..<m { out.append(Float.random(in: lo...hi, using: &g)) }
    return out
}

/// n points log-spaced over [lo, hi] (lo > 0), optionally mirrored to negatives.
private func ckLogGrid(_ lo: Double, _ hi: Double, n: Int, mirror: Bool = false) -> [Float] {
    var out = [Float]()
    let (a, b) = (Foundation.log(lo), Foundation.log(hi))
    for i in 0..<n {
        let v = Float(Foundation.exp(a + (b - a) * Double(i) / Double(n - 1)))
        out.append(v)
        if mirror { out.append(-v) }
    }
    return out
}

private struct CKErrorReport {
    var maxRel = 0.0
    var worstX: Float = 0
    var maxDenormalSteps = 0.0
    var failures: [String] = []
}

/// Measure kernel vs reference with the metric described at the top.
private func ckMeasure(_ k: CKKernel32, _ xs: [Float]) -> CKErrorReport {
    let ys = ckApply(k.fwd, xs)
    var rep = CKErrorReport()
    for (x, y) in zip(xs, ys) {
        let r = k.ref(Double(x))
        if r.isNaN {
            if !y.isNaN, rep.failures.count < 10 { rep.failures.append("\(k.name)(\(x)) = \(y), want NaN") }
            continue
        }
        let rf = Float(r)
        if rf.isInfinite || r == 0 || y.isInfinite || y.isNaN {
            if y != rf, rep.failures.count < 10 { rep.failures.append("\(k.name)(\(x)) = \(y), want \(rf)") }
            continue
        }
        if abs(r) >= Double(Float.leastNormalMagnitude) {
            let e = abs(Double(y) - r) / abs(r)
            if e > rep.maxRel { (rep.maxRel, rep.worstX) = (e, x) }
        } else {
            let steps = abs(Double(y) - r) / Double(Float.leastNonzeroMagnitude)
            rep.maxDenormalSteps = max(rep.maxDenormalSteps, steps)
        }
    }
    return rep
}

/// Bitwise equality treating all NaNs as equal.
private func ckSameBits(_ a: Float, _ b: Float) -> Bool { (a.isNaN && b.isNaN) || a.bitPattern == b.bitPattern }
private func ckSameBits(_ a: Double, _ b: Double) -> Bool { (a.isNaN && b.isNaN) || a.bitPattern == b.bitPattern }

// MARK: - Kernel tables

let ckKernels32: [CKKernel32] = [
    CKKernel32(
        name: "exp", fwd: pk_exp_f32, grad: pk_exp_grad_f32, ref: { Foundation.exp($0) },
        dref: { Foundation.exp($0) }, bound: 2e-7,
        grid: { ckLinGrid(-87.3, 88.7) + ckLinGrid(-104, -87.3, n: 20_000, random: 2_000) }),
    CKKernel32(
        name: "log", fwd: pk_log_f32, grad: pk_log_grad_f32, ref: { Foundation.log($0) },
        dref: { 1 / $0 }, bound: 4e-7,
        grid: {
            ckLinGrid(0.5, 2, n: 100_000, random: 10_000) + ckLogGrid(1e-45, 3e38, n: 100_000)
                + ckLinGrid(1, 1e6, n: 20_000, random: 10_000)
        }),
    CKKernel32(
        name: "log1p", fwd: pk_log1p_f32, grad: pk_log1p_grad_f32, ref: { Foundation.log1p($0) },
        dref: { 1 / (1 + $0) }, bound: 4e-7,
        grid: {
            ckLinGrid(-0.999, 10, n: 150_000, random: 10_000) + ckLogGrid(1e-40, 1, n: 50_000, mirror: true)
                + ckLogGrid(10, 3e38, n: 20_000) + ckLinGrid(-1, -0.99, n: 20_000, random: 0)
        }),
    CKKernel32(
        name: "sigmoid", fwd: pk_sigmoid_f32, grad: pk_sigmoid_grad_f32, ref: CKRef.sigmoid,
        dref: { CKRef.sigmoid($0) * CKRef.sigmoid(-$0) }, bound: 2e-7,
        grid: { ckLinGrid(-100, 100) + ckLogGrid(1e-30, 1, n: 10_000, mirror: true) }),
    CKKernel32(
        name: "log_sigmoid", fwd: pk_log_sigmoid_f32, grad: pk_log_sigmoid_grad_f32, ref: CKRef.logSigmoid,
        dref: { CKRef.sigmoid(-$0) }, bound: 2e-7,
        grid: { ckLinGrid(-100, 100) + ckLinGrid(-2, 2, n: 50_000) + ckLogGrid(1e-30, 1, n: 10_000, mirror: true) }),
    CKKernel32(
        name: "softplus", fwd: pk_softplus_f32, grad: pk_softplus_grad_f32, ref: CKRef.softplus,
        dref: { CKRef.sigmoid($0) }, bound: 2e-7,
        grid: { ckLinGrid(-100, 100) + ckLinGrid(-2, 2, n: 50_000) + ckLogGrid(1e-30, 1, n: 10_000, mirror: true) }),
    CKKernel32(
        name: "tanh", fwd: pk_tanh_f32, grad: pk_tanh_grad_f32, ref: { Foundation.tanh($0) },
        dref: { 1 / (Foundation.cosh($0) * Foundation.cosh($0)) }, bound: 4e-7,
        grid: { ckLinGrid(-10, 10) + ckLinGrid(0.55, 0.7, n: 20_000) + ckLogGrid(1e-40, 1, n: 20_000, mirror: true) }),
]

let ckKernels64: [CKKernel64] = [
    CKKernel64(
        name: "exp", fwd: pk_exp_f64, grad: pk_exp_grad_f64, ref: { Foundation.exp($0) },
        points: [-30, -3, -0.5, 0, 0.3, 2, 20]),
    CKKernel64(
        name: "log", fwd: pk_log_f64, grad: pk_log_grad_f64, ref: { Foundation.log($0) },
        points: [1e-3, 0.1, 0.7, 1, 1.5, 10, 1e4]),
    CKKernel64(
        name: "log1p", fwd: pk_log1p_f64, grad: pk_log1p_grad_f64, ref: { Foundation.log1p($0) },
        points: [-0.9, -0.3, -1e-3, 0, 1e-3, 0.5, 3, 1e3]),
    CKKernel64(
        name: "sigmoid", fwd: pk_sigmoid_f64, grad: pk_sigmoid_grad_f64, ref: CKRef.sigmoid,
        points: [-30, -8, -1, -0.1, 0, 0.2, 1, 5, 8]),
    CKKernel64(
        name: "log_sigmoid", fwd: pk_log_sigmoid_f64, grad: pk_log_sigmoid_grad_f64, ref: CKRef.logSigmoid,
        points: [-50, -8, -1, -0.1, 0, 0.2, 1, 8, 30]),
    CKKernel64(
        name: "softplus", fwd: pk_softplus_f64, grad: pk_softplus_grad_f64, ref: CKRef.softplus,
        points: [-30, -8, -1, -0.1, 0, 0.2, 1, 8, 50]),
    CKKernel64(
        name: "tanh", fwd: pk_tanh_f64, grad: pk_tanh_grad_f64, ref: { Foundation.tanh($0) },
        points: [-5, -1, -0.3, 0, 0.1, 0.7, 2, 5]),
]

/// Denormal inputs (literals would warn about underflow).
private let ckDenormal1e40 = Float(bitPattern: 0x0001_16C2)  // ~1.0e-40
private let ckDenormal3e39 = Float(bitPattern: 0x0020_AAA9)  // ~3.0e-39

private func ckOne(_ k: CKFwd32, _ x: Float) -> Float { ckApply(k, [x])[0] }
private func ckOne(_ k: CKFwd64, _ x: Double) -> Double { ckApply(k, [x])[0] }

@Suite struct CKernelsTests {
    // MARK: - float32 accuracy

    @Test("f32 max relative error vs float64 libm on a dense grid", arguments: ckKernels32)
    func f32Accuracy(_ k: CKKernel32) {
        let rep = ckMeasure(k, k.grid())
        print("CKernels f32 \(k.name): max rel error \(rep.maxRel) at x = \(rep.worstX) (bound \(k.bound));",
              "denormal results within \(rep.maxDenormalSteps) x 2^-149")
        #expect(rep.failures.isEmpty, "\(rep.failures)")
        #expect(rep.maxRel <= k.bound, "\(k.name): max rel error \(rep.maxRel) at x = \(rep.worstX)")
        #expect(rep.maxDenormalSteps <= 1.0, "\(k.name): denormal result off by \(rep.maxDenormalSteps) steps")
    }

    @Test("f32 random bit patterns: every float, including NaN/inf/denormal inputs", arguments: ckKernels32)
    func f32RandomBits(_ k: CKKernel32) {
        var g = SplitMix64(seed: 42)
        let xs = (0..<100_000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: g.next())) }
        let rep = ckMeasure(k, xs)
        #expect(rep.failures.isEmpty, "\(rep.failures)")
        #expect(rep.maxRel <= k.bound, "\(k.name): max rel error \(rep.maxRel) at x = \(rep.worstX)")
        #expect(rep.maxDenormalSteps <= 1.0)
    }

    @Test func f32ExpEdges() {
        #expect(ckOne(pk_exp_f32, 0) == 1)
        #expect(ckOne(pk_exp_f32, -0.0) == 1)
        #expect(ckOne(pk_exp_f32, .infinity) == .infinity)
        #expect(ckOne(pk_exp_f32, -.infinity) == 0)
        #expect(ckOne(pk_exp_f32, .nan).isNaN)
        #expect(ckOne(pk_exp_f32, 1e30) == .infinity)
        #expect(ckOne(pk_exp_f32, -1e30) == 0)
        #expect(ckOne(pk_exp_f32, 88.72) < .infinity)  // exp(88.72) = 3.39e38 < FLT_MAX
        #expect(ckOne(pk_exp_f32, 88.73) == .infinity)
        #expect(ckOne(pk_exp_f32, -104) == 0)  // exp(-104) = 6.8e-46 < 2^-150
        #expect(ckOne(pk_exp_f32, .leastNonzeroMagnitude) == 1)
        #expect(ckOne(pk_exp_f32, -.leastNonzeroMagnitude) == 1)
        let ln2: Float = 0.693147182  // rounds to the float nearest ln 2
        #expect(abs(Double(ckOne(pk_exp_f32, ln2)) - 2) <= 2e-7 * 2)
        // Denormal results: rounded once, within ckOne denormal step.
        for x: Float in [-87.4, -90, -95, -100, -103] {
            let r = Foundation.exp(Double(x))
            #expect(abs(Double(ckOne(pk_exp_f32, x)) - r) <= Double(Float.leastNonzeroMagnitude), "x = \(x)")
            #expect(ckOne(pk_exp_f32, x) > 0, "x = \(x)")
        }
    }

    @Test func f32LogEdges() {
        #expect(ckOne(pk_log_f32, 0) == -.infinity)
        #expect(ckOne(pk_log_f32, -0.0) == -.infinity)
        #expect(ckOne(pk_log_f32, -1).isNaN)
        #expect(ckOne(pk_log_f32, -.infinity).isNaN)
        #expect(ckOne(pk_log_f32, -.leastNonzeroMagnitude).isNaN)
        #expect(ckOne(pk_log_f32, .infinity) == .infinity)
        #expect(ckOne(pk_log_f32, .nan).isNaN)
        #expect(ckOne(pk_log_f32, 1) == 0)
        for x: Float in [
            .leastNonzeroMagnitude, .leastNormalMagnitude, .leastNormalMagnitude.nextDown, ckDenormal1e40, ckDenormal3e39,
            .greatestFiniteMagnitude, Float(1).nextUp, Float(1).nextDown, 2, 0.5,
        ] {
            let r = Foundation.log(Double(x))
            #expect(abs(Double(ckOne(pk_log_f32, x)) - r) <= 4e-7 * abs(r), "x = \(x)")
        }
    }

    @Test func f32Log1pEdges() {
        #expect(ckOne(pk_log1p_f32, 0).bitPattern == Float(0).bitPattern)
        #expect(ckOne(pk_log1p_f32, -0.0).bitPattern == Float(-0.0).bitPattern)
        #expect(ckOne(pk_log1p_f32, -1) == -.infinity)
        #expect(ckOne(pk_log1p_f32, -2).isNaN)
        #expect(ckOne(pk_log1p_f32, -.infinity).isNaN)
        #expect(ckOne(pk_log1p_f32, .infinity) == .infinity)
        #expect(ckOne(pk_log1p_f32, .nan).isNaN)
        // Tiny and denormal inputs: log1p(x) = x to float precision.
        for x: Float in [.leastNonzeroMagnitude, -.leastNonzeroMagnitude, ckDenormal1e40, 1e-30, -1e-30, 1e-10, -1e-10] {
            #expect(ckOne(pk_log1p_f32, x) == x, "x = \(x)")
        }
        // Around the rounding of 1 + x (v - 1 cancels against the correction).
        for x: Float in [.greatestFiniteMagnitude, 1e30, -0.99999994, 1e-4, -1e-4, -3e-8, 2.9802322e-8, 6e-8, -6e-8] {
            let r = Foundation.log1p(Double(x))
            #expect(abs(Double(ckOne(pk_log1p_f32, x)) - r) <= 4e-7 * abs(r), "x = \(x)")
        }
    }

    @Test func f32SigmoidFamilyEdges() {
        let ln2 = Foundation.log(2.0)
        func nearLn2(_ y: Float) -> Bool { abs(abs(Double(y)) - ln2) <= 2e-7 * ln2 }
        // sigmoid
        #expect(ckOne(pk_sigmoid_f32, 0) == 0.5)
        #expect(ckOne(pk_sigmoid_f32, -0.0) == 0.5)
        #expect(ckOne(pk_sigmoid_f32, .infinity) == 1)
        #expect(ckOne(pk_sigmoid_f32, -.infinity) == 0)
        #expect(ckOne(pk_sigmoid_f32, .nan).isNaN)
        #expect(ckOne(pk_sigmoid_f32, 100) == 1)
        #expect(ckOne(pk_sigmoid_f32, 1e30) == 1)
        #expect(ckOne(pk_sigmoid_f32, -1e30) == 0)
        #expect(ckOne(pk_sigmoid_f32, -200) == 0)
        #expect(ckOne(pk_sigmoid_f32, -100) > 0)  // 3.7e-44, a denormal
        #expect(ckOne(pk_sigmoid_f32, .leastNonzeroMagnitude) == 0.5)
        // log_sigmoid
        for x: Float in [0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude] {
            #expect(nearLn2(ckOne(pk_log_sigmoid_f32, x)) && ckOne(pk_log_sigmoid_f32, x) < 0, "x = \(x)")
            #expect(nearLn2(ckOne(pk_softplus_f32, x)) && ckOne(pk_softplus_f32, x) > 0, "x = \(x)")
        }
        #expect(ckOne(pk_log_sigmoid_f32, .infinity) == 0)
        #expect(ckOne(pk_log_sigmoid_f32, -.infinity) == -.infinity)
        #expect(ckOne(pk_log_sigmoid_f32, .nan).isNaN)
        #expect(ckOne(pk_log_sigmoid_f32, -1e30) == -1e30)
        #expect(ckOne(pk_log_sigmoid_f32, 1e30) == 0)
        #expect(ckOne(pk_log_sigmoid_f32, -100) == -100)
        #expect(ckOne(pk_log_sigmoid_f32, -.greatestFiniteMagnitude) == -.greatestFiniteMagnitude)
        // softplus
        #expect(ckOne(pk_softplus_f32, .infinity) == .infinity)
        #expect(ckOne(pk_softplus_f32, -.infinity) == 0)
        #expect(ckOne(pk_softplus_f32, .nan).isNaN)
        #expect(ckOne(pk_softplus_f32, 1e30) == 1e30)
        #expect(ckOne(pk_softplus_f32, 100) == 100)
        #expect(ckOne(pk_softplus_f32, -1e30) == 0)
        #expect(ckOne(pk_softplus_f32, .greatestFiniteMagnitude) == .greatestFiniteMagnitude)
    }

    @Test func f32TanhEdges() {
        #expect(ckOne(pk_tanh_f32, 0).bitPattern == Float(0).bitPattern)
        #expect(ckOne(pk_tanh_f32, -0.0).bitPattern == Float(-0.0).bitPattern)
        #expect(ckOne(pk_tanh_f32, .infinity) == 1)
        #expect(ckOne(pk_tanh_f32, -.infinity) == -1)
        #expect(ckOne(pk_tanh_f32, .nan).isNaN)
        #expect(ckOne(pk_tanh_f32, 10) == 1)
        #expect(ckOne(pk_tanh_f32, -10) == -1)
        #expect(ckOne(pk_tanh_f32, 1e30) == 1)
        #expect(ckOne(pk_tanh_f32, -.greatestFiniteMagnitude) == -1)
        for x: Float in [.leastNonzeroMagnitude, -.leastNonzeroMagnitude, ckDenormal1e40, 1e-30, -1e-20, 1e-5] {
            #expect(ckOne(pk_tanh_f32, x) == x, "x = \(x)")
        }
        // Saturation is monotone: never exceeds 1 in magnitude.
        let ys = ckApply(pk_tanh_f32, ckLinGrid(-20, 20, n: 100_000, random: 0))
        #expect(ys.allSatisfy { abs($0) <= 1 })
    }

    // MARK: - float64 forward

    @Test func f64ClosedForms() {
        func close(_ a: Double, _ b: Double, _ rel: Double = 2e-15) -> Bool { abs(a - b) <= rel * abs(b) }
        #expect(ckOne(pk_log_sigmoid_f64, -800) == -800)
        #expect(ckOne(pk_softplus_f64, 800) == 800)
        #expect(ckOne(pk_softplus_f64, -800) == 0)
        #expect(ckOne(pk_sigmoid_f64, -800) == 0)  // e = exp(-800) underflows to 0, so e/(1+e) = 0 exactly
        #expect(ckOne(pk_sigmoid_f64, 800) == 1)
        #expect(ckOne(pk_sigmoid_f64, -700) > 0)  // exp(-700) = 9.9e-305 is still normal
        #expect(close(ckOne(pk_log_sigmoid_f64, 40), -4.248354255291589e-18, 1e-14))
        #expect(close(ckOne(pk_sigmoid_f64, -40), 4.248354255291589e-18, 1e-14))
        #expect(close(ckOne(pk_softplus_f64, -40), 4.248354255291589e-18, 1e-14))
        #expect(ckOne(pk_log_sigmoid_f64, 0) == -Foundation.log(2.0))
        #expect(ckOne(pk_softplus_f64, 0) == Foundation.log(2.0))
        #expect(ckOne(pk_sigmoid_f64, 0) == 0.5)
        #expect(ckOne(pk_log_sigmoid_f64, .infinity) == 0)
        #expect(ckOne(pk_log_sigmoid_f64, -.infinity) == -.infinity)
        #expect(ckOne(pk_softplus_f64, .infinity) == .infinity)
        #expect(ckOne(pk_sigmoid_f64, -.infinity) == 0)
        #expect(ckOne(pk_tanh_f64, -0.0).bitPattern == (-0.0).bitPattern)
        #expect(ckOne(pk_log1p_f64, 1e-20) == 1e-20)
        #expect(ckOne(pk_log_f64, 0) == -.infinity)
        #expect(ckOne(pk_exp_f64, -.infinity) == 0)
        for k in [pk_exp_f64, pk_log_f64, pk_log1p_f64, pk_sigmoid_f64, pk_log_sigmoid_f64, pk_softplus_f64, pk_tanh_f64]
            as [CKFwd64]
        {
            #expect(ckOne(k, .nan).isNaN)
        }
        // Unstabilised closed forms where they are accurate.
        for x in [-30.0, -5, -1, -0.25, 0.5, 1, 3, 12] {
            let e = Foundation.exp(-x)
            #expect(close(ckOne(pk_sigmoid_f64, x), 1 / (1 + e)), "sigmoid \(x)")
            #expect(close(ckOne(pk_log_sigmoid_f64, x), -Foundation.log1p(e)), "log_sigmoid \(x)")
            #expect(close(ckOne(pk_softplus_f64, x), Foundation.log1p(Foundation.exp(x))), "softplus \(x)")
            #expect(close(ckOne(pk_tanh_f64, x), Foundation.tanh(x)), "tanh \(x)")
            #expect(close(ckOne(pk_exp_f64, x), Foundation.exp(x)), "exp \(x)")
        }
        #expect(close(ckOne(pk_log_sigmoid_f64, 1), -0.31326168751822286))
        #expect(close(ckOne(pk_softplus_f64, 1), 1.3132616875182228))
        #expect(close(ckOne(pk_sigmoid_f64, 1), 0.7310585786300049))
        #expect(close(ckOne(pk_log_sigmoid_f64, -1), -1.3132616875182228))
    }

    // MARK: - gradients

    @Test("f64 grad vs central finite differences (relative 1e-7)", arguments: ckKernels64)
    func f64GradFiniteDifference(_ k: CKKernel64) {
        let xs = k.points
        let ys = ckApply(k.fwd, xs)
        let gy = xs.indices.map { 0.75 + 0.5 * Double($0 % 3) }
        let gx = ckApplyGrad(k.grad, x: xs, y: ys, gy: gy, gx: [Double](repeating: 0, count: xs.count))
        for i in xs.indices {
            let x = xs[i]
            // Central differences with ckOne Richardson step (error O(h^4)); the
            // step follows the distance to the singularity for log and log1p.
            let scale = k.name == "log" ? abs(x) : k.name == "log1p" ? abs(1 + x) : 1
            let h = 1e-3 * scale
            func central(_ h: Double) -> Double {
                let f = ckApply(k.fwd, [x + h, x - h])
                return (f[0] - f[1]) / (2 * h)
            }
            let fd = (4 * central(h / 2) - central(h)) / 3
            let want = gy[i] * fd
            #expect(abs(gx[i] - want) <= 1e-7 * abs(want), "\(k.name)' at \(x): \(gx[i] / gy[i]) vs fd \(fd)")
        }
    }

    @Test("f32 grad vs closed-form derivative", arguments: ckKernels32)
    func f32GradClosedForm(_ k: CKKernel32) {
        // Points inside the domain where the derivative is representable.
        var xs: [Float]
        switch k.name {
        case "log": xs = ckLinGrid(1e-3, 50, n: 20_000, random: 2_000)
        case "log1p": xs = ckLinGrid(-0.99, 50, n: 20_000, random: 2_000)
        case "exp": xs = ckLinGrid(-80, 80, n: 20_000, random: 2_000)
        default: xs = ckLinGrid(-30, 30, n: 20_000, random: 2_000)
        }
        let ys = ckApply(k.fwd, xs)
        var g = SplitMix64(seed: 7)
        let gy = xs.map { _ in Float.random(in: -2...2, using: &g) }
        let gx = ckApplyGrad(k.grad, x: xs, y: ys, gy: gy, gx: [Float](repeating: 0, count: xs.count))
        // y-based derivatives (sigmoid, tanh) lose relative accuracy where y
        // rounds near 1; there the bound is absolute (a few float eps).
        let (rel, abs0): (Double, Double) =
            switch k.name {
            case "sigmoid": (4e-7, 2.5e-7)
            case "tanh": (5e-7, 5e-7)
            case "exp": (3e-7, 0)
            default: (3e-7, 0)
            }
        var failures = 0
        for i in xs.indices {
            let want = Double(gy[i]) * k.dref(Double(xs[i]))
            let err = abs(Double(gx[i]) - want)
            if err > rel * abs(want) + abs0 * abs(Double(gy[i])) {
                failures += 1
                if failures <= 5 { Issue.record("\(k.name)' at \(xs[i]): \(gx[i] / gy[i]) vs \(want / Double(gy[i]))") }
            }
        }
        #expect(failures == 0)
    }

    @Test("grad kernels accumulate into gx instead of overwriting it")
    func gradAccumulates() {
        let xs: [Float] = ckLinGrid(0.1, 5, n: 1_001, random: 0)
        let xd = xs.map(Double.init)
        let ones32 = [Float](repeating: 1, count: xs.count)
        let ones64 = [Double](repeating: 1, count: xs.count)
        let start32 = xs.indices.map { Float($0 % 5) - 2 }
        let start64 = start32.map(Double.init)
        for k in ckKernels32 {
            let ys = ckApply(k.fwd, xs)
            let once = ckApplyGrad(k.grad, x: xs, y: ys, gy: ones32, gx: [Float](repeating: 0, count: xs.count))
            let acc = ckApplyGrad(k.grad, x: xs, y: ys, gy: ones32, gx: start32)
            // gy = 1: gx + 1*d rounds exactly like start + once.
            #expect(xs.indices.allSatisfy { acc[$0] == start32[$0] + once[$0] }, "\(k.name) f32")
        }
        for k in ckKernels64 {
            let ys = ckApply(k.fwd, xd)
            let once = ckApplyGrad(k.grad, x: xd, y: ys, gy: ones64, gx: [Double](repeating: 0, count: xd.count))
            let acc = ckApplyGrad(k.grad, x: xd, y: ys, gy: ones64, gx: start64)
            #expect(xd.indices.allSatisfy { acc[$0] == start64[$0] + once[$0] }, "\(k.name) f64")
        }
    }

    // MARK: - aliasing, empty input, tails

    @Test("in-place forward (x == y) matches out-of-place, f32 and f64")
    func inPlace() {
        let n = 1_000_003
        var g = SplitMix64(seed: 3)
        let base32 = (0..<n).map { _ in Float.random(in: -20...20, using: &g) }
        for k in ckKernels32 {
            let xs = k.name.hasPrefix("log") && !k.name.hasPrefix("log_") ? base32.map { abs($0) } : base32
            let want = ckApply(k.fwd, xs)
            var buf = xs
            buf.withUnsafeMutableBufferPointer { p in k.fwd(UnsafePointer(p.baseAddress), p.baseAddress, Int64(n)) }
            #expect(zip(buf, want).allSatisfy(ckSameBits), "\(k.name) f32")
        }
        let base64 = base32.prefix(10_001).map(Double.init)
        for k in ckKernels64 {
            let xs = k.name.hasPrefix("log") && !k.name.hasPrefix("log_") ? base64.map { abs($0) } : base64
            let want = ckApply(k.fwd, xs)
            var buf = xs
            buf.withUnsafeMutableBufferPointer { p in
                k.fwd(UnsafePointer(p.baseAddress), p.baseAddress, Int64(xs.count))
            }
            #expect(zip(buf, want).allSatisfy(ckSameBits), "\(k.name) f64")
        }
    }

    @Test("n = 0 touches nothing; odd n writes exactly n elements and tails match the bulk")
    func tailsAndEmpty() {
        let sentinel = Float(bitPattern: 0x7FC0_1234)
        var g = SplitMix64(seed: 9)
        let big = 1_000_003
        let src = (0..<big).map { _ in Float.random(in: 0.01...30, using: &g) }
        for k in ckKernels32 {
            // n = 0 (and negative n) leave the output alone; nil pointers are never read.
            var out = [Float](repeating: sentinel, count: 4)
            src.withUnsafeBufferPointer { xp in
                out.withUnsafeMutableBufferPointer { op in
                    k.fwd(xp.baseAddress, op.baseAddress, 0)
                    k.fwd(xp.baseAddress, op.baseAddress, -5)
                }
            }
            k.fwd(nil, nil, 0)
            #expect(out.allSatisfy { $0.bitPattern == sentinel.bitPattern }, "\(k.name) n=0")

            // Reference: each element on its own (n = 1, the scalar path).
            let full = ckApply(k.fwd, src)
            for n in [1, 7, 17, 1_000_003] {
                var o = [Float](repeating: sentinel, count: n + 16)
                src.withUnsafeBufferPointer { xp in
                    o.withUnsafeMutableBufferPointer { op in k.fwd(xp.baseAddress, op.baseAddress, Int64(n)) }
                }
                #expect(o[n...].allSatisfy { $0.bitPattern == sentinel.bitPattern }, "\(k.name) n=\(n) overran")
                let singles = n <= 17 ? src[0..<n].map { ckOne(k.fwd, $0) } : Array(full[0..<n])
                #expect(o[0..<n].indices.allSatisfy { ckSameBits(o[$0], singles[$0]) }, "\(k.name) n=\(n)")
            }
            // The scalar tail of a long call agrees with the vector body (same x
            // evaluated at a vector-body position and at a tail position).
            let tailX = Array(src[0..<33]) + Array(src[0..<33])
            let r = ckApply(k.fwd, tailX)
            #expect((0..<33).allSatisfy { ckSameBits(r[$0], r[$0 + 33]) }, "\(k.name) tail vs body")

            // Gradients: n = 0 leaves gx alone, odd n writes exactly n.
            let gxs = Array(src[0..<17])
            let gys = ckApply(k.fwd, gxs)
            let gy = (0..<17).map { Float($0) - 8.5 }
            let fullGrad = ckApplyGrad(k.grad, x: gxs, y: gys, gy: gy, gx: [Float](repeating: 0.25, count: 17))
            for n in [0, 1, 7, 17] {
                var gx = [Float](repeating: 0.25, count: 17)
                gxs.withUnsafeBufferPointer { xp in
                    gys.withUnsafeBufferPointer { yp in
                        gy.withUnsafeBufferPointer { gp in
                            gx.withUnsafeMutableBufferPointer { op in
                                k.grad(xp.baseAddress, yp.baseAddress, gp.baseAddress, op.baseAddress, Int64(n))
                            }
                        }
                    }
                }
                #expect(gx[n...].allSatisfy { $0 == 0.25 }, "\(k.name) grad n=\(n) overran")
                #expect((0..<n).allSatisfy { ckSameBits(gx[$0], fullGrad[$0]) }, "\(k.name) grad n=\(n)")
            }
            k.grad(nil, nil, nil, nil, 0)
        }
        for k in ckKernels64 {
            k.fwd(nil, nil, 0)
            k.grad(nil, nil, nil, nil, 0)
            let xs = src[0..<17].map(Double.init)
            let want = ckApply(k.fwd, xs)
            for n in [0, 1, 7, 17] {
                var out = [Double](repeating: 42, count: 17)
                xs.withUnsafeBufferPointer { xp in
                    out.withUnsafeMutableBufferPointer { op in k.fwd(xp.baseAddress, op.baseAddress, Int64(n)) }
                }
                #expect(out[n...].allSatisfy { $0 == 42 }, "\(k.name) f64 n=\(n) overran")
                #expect((0..<n).allSatisfy { ckSameBits(out[$0], want[$0]) }, "\(k.name) f64 n=\(n)")
            }
        }
    }
}
