// Private to CKernels: branch-free float32 building blocks shared by
// kernels_f32.c and kernels_f32_grad.c.
//
// Everything here is `static inline` and written so that clang's loop
// vectoriser can turn a loop calling it into straight SIMD code:
//   * no libm calls, no branches: every select is a ternary on values
//     (lowered to blends / masked moves);
//   * bit reinterpretation goes through memcpy (lowered to nothing);
//   * each `a * b + c` is a single expression, so clang's default
//     -ffp-contract=on fuses it into an FMA in the AVX2/AVX-512 clones
//     (the baseline SSE2 clone rounds twice; the tests bound both).
// NaN propagates through every select because comparisons with NaN are
// false, and integer work on NaN bit patterns is done in uint32_t (no UB).

#ifndef PREF_CKERNELS_F32_MATH_H
#define PREF_CKERNELS_F32_MATH_H

#include <stdint.h>
#include <string.h>

#include "kernels_common.h"

static inline uint32_t pk_f2u(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline float pk_u2f(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline float pk_absf(float x) { return pk_u2f(pk_f2u(x) & 0x7fffffffu); }

/// exp(x).  Cephes-style range reduction: x = k ln2 + r, |r| <= ln2/2, k
/// rounded by adding 1.5*2^23, ln2 subtracted in two parts (Cody-Waite).
/// exp(r) = 1 + r P(r), P of degree 5 fitted for minimax relative error by
/// Scripts/reference/fit_log1p.py (fit_exp; its output: max rel error
/// minimax 2.116e-09, float32 with FMA 7.715e-08, without FMA 1.007e-07),
/// evaluated by Horner so the result is rounded once; this is two operations
/// cheaper than Cephes' 1 + r + r^2 P(r) at the same accuracy.
/// 2^k is applied as 2^k1 * 2^k2 with k1 = floor(k/2), k2 = k - k1, both
/// normal floats for every k the clamped input can produce, so overflow gives
/// +inf and results below 2^-126 are rounded once into the denormal range
/// (0 below about -103.97).
static inline float pk_expf(float x) {
    const float magic = 12582912.0f;  // 1.5 * 2^23
    // Clamp so that k stays in [-159, 145]; NaN passes through both.
    x = x > 100.0f ? 100.0f : x;
    x = x < -110.0f ? -110.0f : x;
    float t = x * 1.44269504088896341f + magic;
    float kf = t - magic;  // round(x / ln2), exact integer
    uint32_t k = pk_f2u(t) - pk_f2u(magic);
    float r = x - kf * 0.693359375f;
    r = r - kf * -2.12194440e-4f;
    float p = 1.384272240e-03f;
    p = p * r + 8.374955505e-03f;
    p = p * r + 4.166805744e-02f;
    p = p * r + 1.666642129e-01f;
    p = p * r + 4.999999404e-01f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    uint32_t k1 = (uint32_t)((int32_t)k >> 1);
    uint32_t k2 = k - k1;
    float s1 = pk_u2f((k1 + 127u) << 23);
    float s2 = pk_u2f((k2 + 127u) << 23);
    return (p * s1) * s2;
}

/// log(x) for finite x > 0 (including denormals); the result for other
/// inputs is garbage and must be replaced by the caller (see pk_logf).
/// Cephes logf: x = 2^e m, m in [sqrt(1/2), sqrt(2)), f = m - 1 (exact),
/// log(m) = f - f^2/2 + f^3 P(f); e ln2 added in two parts.
static inline float pk_logf_finite(float x) {
    int tiny = x < 1.17549435e-38f;  // 2^-126: scale denormals by 2^23
    float xs = tiny ? x * 8388608.0f : x;
    float eadj = tiny ? -23.0f : 0.0f;
    uint32_t b = pk_f2u(xs);
    float e = (float)(int32_t)((b >> 23) & 0xffu) - 126.0f + eadj;
    float m = pk_u2f((b & 0x007fffffu) | 0x3f000000u);  // [0.5, 1)
    int lo = m < 0.707106781186547524f;
    e = lo ? e - 1.0f : e;
    float f = lo ? (m + m) - 1.0f : m - 1.0f;
    float z = f * f;
    float p = 7.0376836292e-2f;
    p = p * f + -1.1514610310e-1f;
    p = p * f + 1.1676998740e-1f;
    p = p * f + -1.2420140846e-1f;
    p = p * f + 1.4249322787e-1f;
    p = p * f + -1.6668057665e-1f;
    p = p * f + 2.0000714765e-1f;
    p = p * f + -2.4999993993e-1f;
    p = p * f + 3.3333331174e-1f;
    float y = (p * f) * z;
    y = e * -2.12194440e-4f + y;
    y = z * -0.5f + y;
    float r = f + y;
    r = e * 0.693359375f + r;
    return r;
}

/// log(x) with IEEE edge cases: +-0 -> -inf, x < 0 -> NaN, +inf -> +inf,
/// NaN -> NaN.
static inline float pk_logf(float x) {
    float r = pk_logf_finite(x);
    const float inf = __builtin_inff();
    float special = x == 0.0f ? -inf : (x == inf ? inf : __builtin_nanf(""));
    int ok = (x > 0.0f) & (x < inf);
    return ok ? r : special;
}

/// log1p(x) for any x: log(v) + c/v with v = 1 + x and c = x - (v - 1) the
/// rounding error of v (first-order correction, relative accuracy for tiny
/// x).  +-0 -> x, -1 -> -inf, x < -1 -> NaN, +inf -> +inf, NaN -> NaN.
static inline float pk_log1pf(float x) {
    float v = 1.0f + x;
    float c = x - (v - 1.0f);
    float lv = pk_logf(v);
    int ok = (x > -1.0f) & (x < __builtin_inff());
    float r = ok ? lv + c / v : lv;
    return x == 0.0f ? x : r;
}

// log1p(u) on [0, 1] as u q(u), q(u) = 1 + u t(u - 1/2), t of degree 7 (q of
// degree 8), evaluated as u + (t u) u so the result is rounded once.
// Coefficients printed by Scripts/reference/fit_log1p.py (minimax relative
// error; its output for this degree:
//   t degree 7 (q degree 8): max rel error of log1p on [0,1]: minimax
//   3.304e-08, float32 coefficients evaluated exactly 3.563e-08, float32
//   with FMA 1.181e-07, without FMA 1.413e-07).
// Tradeoff (same script): t degree 6 gives 3.0e-7, degree 5 gives 1.5e-6,
// degree 8 gives 1.0e-7.  Lower degrees bought little speed: log_sigmoid
// ran only ~3 % (degree 6) and ~5-10 % (degree 5) faster on the AVX-512
// development machine, where exp and the rest of the loop dominate, so the
// degree that meets 2e-7 is kept.
#define PK_L1P_B0 (-3.781395555e-01f)
#define PK_L1P_B1 (+1.792258471e-01f)
#define PK_L1P_B2 (-9.323418885e-02f)
#define PK_L1P_B3 (+5.104291439e-02f)
#define PK_L1P_B4 (-2.880229801e-02f)
#define PK_L1P_B5 (+1.717248559e-02f)
#define PK_L1P_B6 (-1.128890831e-02f)
#define PK_L1P_B7 (+5.364826415e-03f)

/// log1p(u) for u in [0, 1] (no division); NaN -> NaN.
static inline float pk_log1pf_01(float u) {
    float s = u - 0.5f;
    float t = PK_L1P_B7;
    t = t * s + PK_L1P_B6;
    t = t * s + PK_L1P_B5;
    t = t * s + PK_L1P_B4;
    t = t * s + PK_L1P_B3;
    t = t * s + PK_L1P_B2;
    t = t * s + PK_L1P_B1;
    t = t * s + PK_L1P_B0;
    float p = t * u;   // q(u) - 1, in [-0.31, 0]
    return p * u + u;  // one rounding on the result
}

/// sigmoid(x) from e = exp(-|x|): (x >= 0 ? 1 : e) / (1 + e).  Neither side
/// overflows or cancels; NaN in e propagates.
static inline float pk_sigmoidf_e(float x, float e) {
    float num = x >= 0.0f ? 1.0f : e;
    return num / (1.0f + e);
}

/// sigmoid(-x) from the same e = exp(-|x|): (x >= 0 ? e : 1) / (1 + e).
static inline float pk_sigmoid_negf_e(float x, float e) {
    float num = x >= 0.0f ? e : 1.0f;
    return num / (1.0f + e);
}

#endif  // PREF_CKERNELS_F32_MATH_H
