// float32 gradient kernels: gx[i] += gy[i] * U'(x[i]) (accumulate, never
// overwrite).  y is the forward output; derivatives use it where that is
// both cheaper and accurate (exp, sigmoid, tanh), otherwise x.

#include "CKernels.h"
#include "kernels_f32_math.h"

PK_CLONES
void pk_exp_grad_f32(const float *x, const float *y, const float *gy, float *gx, int64_t n) {
    (void)x;
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        gx[i] = gy[i] * y[i] + gx[i];
    }
}

PK_CLONES
void pk_log_grad_f32(const float *x, const float *y, const float *gy, float *gx, int64_t n) {
    (void)y;
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        gx[i] = gx[i] + gy[i] / x[i];
    }
}

PK_CLONES
void pk_log1p_grad_f32(const float *x, const float *y, const float *gy, float *gx, int64_t n) {
    (void)y;
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        gx[i] = gx[i] + gy[i] / (1.0f + x[i]);
    }
}

PK_CLONES
void pk_sigmoid_grad_f32(const float *x, const float *y, const float *gy, float *gx, int64_t n) {
    (void)x;
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        float s = y[i];
        gx[i] = gy[i] * (s * (1.0f - s)) + gx[i];
    }
}

PK_CLONES
void pk_log_sigmoid_grad_f32(const float *x, const float *y, const float *gy, float *gx, int64_t n) {
    (void)y;
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        float v = x[i];
        float e = pk_expf(-pk_absf(v));
        gx[i] = gy[i] * pk_sigmoid_negf_e(v, e) + gx[i];
    }
}

PK_CLONES
void pk_softplus_grad_f32(const float *x, const float *y, const float *gy, float *gx, int64_t n) {
    (void)y;
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        float v = x[i];
        float e = pk_expf(-pk_absf(v));
        gx[i] = gy[i] * pk_sigmoidf_e(v, e) + gx[i];
    }
}

PK_CLONES
void pk_tanh_grad_f32(const float *x, const float *y, const float *gy, float *gx, int64_t n) {
    (void)x;
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        float t = y[i];
        // (1 - t)(1 + t) rather than 1 - t*t: 1 - t is exact for |t| >= 1/2.
        gx[i] = gy[i] * ((1.0f - t) * (1.0f + t)) + gx[i];
    }
}
