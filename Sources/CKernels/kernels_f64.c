// float64 kernels.  Correctness first: libm (exp, log, log1p, tanh) with
// the same numerically stable formulas as the float32 kernels.  Loops that
// call libm cannot be vectorised and are plain loops; the arithmetic-only
// gradient loops are cloned per ISA like the float32 ones.

#include <math.h>

#include "CKernels.h"
#include "kernels_common.h"

void pk_exp_f64(const double *x, double *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        y[i] = exp(x[i]);
    }
}

void pk_log_f64(const double *x, double *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        y[i] = log(x[i]);
    }
}

void pk_log1p_f64(const double *x, double *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        y[i] = log1p(x[i]);
    }
}

void pk_tanh_f64(const double *x, double *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        y[i] = tanh(x[i]);
    }
}

// sigmoid(x) = (x >= 0 ? 1 : e) / (1 + e), e = exp(-|x|): no overflow, and
// no cancellation on either side.
static inline double pk_sigmoid_d(double x, double e) {
    return (x >= 0.0 ? 1.0 : e) / (1.0 + e);
}

void pk_sigmoid_f64(const double *x, double *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        double v = x[i];
        y[i] = pk_sigmoid_d(v, exp(-fabs(v)));
    }
}

void pk_log_sigmoid_f64(const double *x, double *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        double v = x[i];
        double m = v < 0.0 ? v : 0.0;  // min(x, 0); NaN reaches log1p
        y[i] = m - log1p(exp(-fabs(v)));
    }
}

void pk_softplus_f64(const double *x, double *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        double v = x[i];
        double m = v > 0.0 ? v : 0.0;  // max(x, 0); NaN reaches log1p
        y[i] = m + log1p(exp(-fabs(v)));
    }
}

PK_CLONES
void pk_exp_grad_f64(const double *x, const double *y, const double *gy, double *gx, int64_t n) {
    (void)x;
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        gx[i] = gy[i] * y[i] + gx[i];
    }
}

PK_CLONES
void pk_log_grad_f64(const double *x, const double *y, const double *gy, double *gx, int64_t n) {
    (void)y;
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        gx[i] = gx[i] + gy[i] / x[i];
    }
}

PK_CLONES
void pk_log1p_grad_f64(const double *x, const double *y, const double *gy, double *gx, int64_t n) {
    (void)y;
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        gx[i] = gx[i] + gy[i] / (1.0 + x[i]);
    }
}

PK_CLONES
void pk_sigmoid_grad_f64(const double *x, const double *y, const double *gy, double *gx, int64_t n) {
    (void)x;
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        double s = y[i];
        gx[i] = gy[i] * (s * (1.0 - s)) + gx[i];
    }
}

void pk_log_sigmoid_grad_f64(const double *x, const double *y, const double *gy, double *gx, int64_t n) {
    (void)y;
    for (int64_t i = 0; i < n; i++) {
        double v = x[i];
        double e = exp(-fabs(v));
        double s = (v >= 0.0 ? e : 1.0) / (1.0 + e);  // sigmoid(-x)
        gx[i] = gy[i] * s + gx[i];
    }
}

void pk_softplus_grad_f64(const double *x, const double *y, const double *gy, double *gx, int64_t n) {
    (void)y;
    for (int64_t i = 0; i < n; i++) {
        double v = x[i];
        gx[i] = gy[i] * pk_sigmoid_d(v, exp(-fabs(v))) + gx[i];
    }
}

PK_CLONES
void pk_tanh_grad_f64(const double *x, const double *y, const double *gy, double *gx, int64_t n) {
    (void)x;
    PK_LOOP
    for (int64_t i = 0; i < n; i++) {
        double t = y[i];
        gx[i] = gy[i] * ((1.0 - t) * (1.0 + t)) + gx[i];
    }
}
