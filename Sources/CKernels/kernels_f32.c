// float32 forward kernels: y[i] = U(x[i]).  See include/CKernels.h for the
// formulas and edge cases, and kernels_f32_math.h for the building blocks.
// Each function is one auto-vectorised loop, cloned per ISA (PK_CLONES).

#include "CKernels.h"
#include "kernels_f32_math.h"

PK_CLONES
void pk_exp_f32(const float *x, float *y, int64_t n) {
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        y[i] = pk_expf(x[i]);
    }
}

PK_CLONES
void pk_log_f32(const float *x, float *y, int64_t n) {
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        y[i] = pk_logf(x[i]);
    }
}

PK_CLONES
void pk_log1p_f32(const float *x, float *y, int64_t n) {
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        y[i] = pk_log1pf(x[i]);
    }
}

PK_CLONES
void pk_sigmoid_f32(const float *x, float *y, int64_t n) {
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        float v = x[i];
        float e = pk_expf(-pk_absf(v));
        y[i] = pk_sigmoidf_e(v, e);
    }
}

PK_CLONES
void pk_log_sigmoid_f32(const float *x, float *y, int64_t n) {
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        float v = x[i];
        float l = pk_log1pf_01(pk_expf(-pk_absf(v)));
        float m = v < 0.0f ? v : 0.0f;  // min(x, 0); NaN reaches l
        y[i] = m - l;
    }
}

PK_CLONES
void pk_softplus_f32(const float *x, float *y, int64_t n) {
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        float v = x[i];
        float l = pk_log1pf_01(pk_expf(-pk_absf(v)));
        float m = v > 0.0f ? v : 0.0f;  // max(x, 0); NaN reaches l
        y[i] = m + l;
    }
}

/// Cephes tanhf.  |x| < 0.625: x + x z P(z), z = x^2 (odd polynomial);
/// else 1 - 2 / (exp(2|x|) + 1) (exp -> inf gives exactly 1).  Both are
/// computed for |x| and x respectively and the sign bit of x is OR-ed into
/// the blend: tanh(-0) = -0, and NaN takes the polynomial branch and stays
/// NaN.
static inline float pk_tanhf(float x) {
    float ax = pk_absf(x);
    float s = pk_expf(ax + ax);
    float big = 1.0f - 2.0f / (s + 1.0f);
    float z = x * x;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z + -5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z + -3.33332819422e-1f;
    float small = (p * z) * ax + ax;
    float r = ax >= 0.625f ? big : small;
    return pk_u2f(pk_f2u(r) | (pk_f2u(x) & 0x80000000u));
}

PK_CLONES
void pk_tanh_f32(const float *x, float *y, int64_t n) {
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        y[i] = pk_tanhf(x[i]);
    }
}
