// CKernels — vectorised elementwise transcendental kernels for PrefCore.
//
// Every kernel walks n elements (n is int64_t; n <= 0 does nothing) of
// contiguous arrays.  Forward kernels compute y[i] = U(x[i]); x and y may be
// the same array (in-place), but must not partially overlap.  Gradient
// kernels ACCUMULATE: gx[i] += gy[i] * U'(x[i]); they never overwrite gx.
// gx may be the same array as gy, but must not partially overlap x, y or gy.
// `y` is always the forward output U(x) for the same x (some derivatives are
// computed from it; the others ignore it, but it must still be readable).
//
// float32: branch-free polynomial code with no libm calls, compiled on
// x86-64 Linux into AVX-512F / AVX2 / baseline clones chosen at load time
// (target_clones).  Accuracy goal, against the float64 libm result of the
// same float32 input: relative error <= 2e-7 for exp, sigmoid, log_sigmoid,
// softplus and <= 4e-7 for log, log1p, tanh, for results in the normal range.
// Measured over all 2^32 float32 inputs, max relative error (AVX-512 clone,
// which fuses a*b+c into FMAs | AVX2 and baseline clones, which cannot):
//   exp 9.2e-8 | 1.15e-7     log 8.2e-8 | 8.2e-8     log1p 1.34e-7 | 1.34e-7
//   sigmoid 1.79e-7 | 1.98e-7    log_sigmoid, softplus 1.75e-7 | 1.97e-7
//   tanh 1.47e-7 | 1.44e-7
// Results that are float32 denormals (|U(x)| < 2^-126, e.g. exp(x) for
// x < -87.34) are rounded once from an accurate value: absolute error
// < 1 denormal step (2^-149 ~ 1.4e-45), measured 0.93 steps.  NaN in gives
// NaN out; infinities and overflow follow the usual libm conventions (listed
// per function).
//
// float64: libm (exp, log, log1p, tanh) with the same numerically stable
// formulas; accurate to a few ulp.

#ifndef PREF_CKERNELS_H
#define PREF_CKERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: exp

/// y[i] = exp(x[i]).
/// f32: Cephes-style range reduction x = k*ln2 + r (k rounded with the
/// 1.5*2^23 magic number), exp(r) = 1 + r*P(r) with P of degree 5 (fitted
/// offline), 2^k built from exponent bits in two factors so that results in
/// the denormal range are rounded once (no flush to zero).
/// x > 88.7228 -> +inf; x < -103.97 -> 0 (exp(-inf) = 0); NaN -> NaN.
void pk_exp_f32(const float *x, float *y, int64_t n);
/// y[i] = exp(x[i]) (libm).
void pk_exp_f64(const double *x, double *y, int64_t n);
/// gx[i] += gy[i] * y[i]   (exp'(x) = exp(x) = y).
void pk_exp_grad_f32(const float *x, const float *y, const float *gy, float *gx, int64_t n);
/// gx[i] += gy[i] * y[i]   (exp'(x) = exp(x) = y).
void pk_exp_grad_f64(const double *x, const double *y, const double *gy, double *gx, int64_t n);

// MARK: log

/// y[i] = log(x[i]).
/// f32: Cephes logf: x = 2^e * m with m in [sqrt(1/2), sqrt(2)) split by bit
/// operations (denormal x is first scaled by 2^23), log(m) = f - f^2/2 +
/// f^3*P(f) with f = m - 1, plus e*ln2 in two parts.
/// x = +-0 -> -inf; x < 0 -> NaN; +inf -> +inf; NaN -> NaN.
void pk_log_f32(const float *x, float *y, int64_t n);
/// y[i] = log(x[i]) (libm).
void pk_log_f64(const double *x, double *y, int64_t n);
/// gx[i] += gy[i] / x[i]   (log'(x) = 1/x).
void pk_log_grad_f32(const float *x, const float *y, const float *gy, float *gx, int64_t n);
/// gx[i] += gy[i] / x[i]   (log'(x) = 1/x).
void pk_log_grad_f64(const double *x, const double *y, const double *gy, double *gx, int64_t n);

// MARK: log1p

/// y[i] = log(1 + x[i]), accurate (relative error) for tiny x.
/// f32: v = 1 + x, c = x - (v - 1) (the rounding error of v), then
/// log1p(x) = log(v) + c/v with the float32 log above.
/// x = +-0 -> x (sign kept); x = -1 -> -inf; x < -1 -> NaN; +inf -> +inf;
/// NaN -> NaN.
void pk_log1p_f32(const float *x, float *y, int64_t n);
/// y[i] = log1p(x[i]) (libm).
void pk_log1p_f64(const double *x, double *y, int64_t n);
/// gx[i] += gy[i] / (1 + x[i])   (log1p'(x) = 1/(1+x)).
void pk_log1p_grad_f32(const float *x, const float *y, const float *gy, float *gx, int64_t n);
/// gx[i] += gy[i] / (1 + x[i])   (log1p'(x) = 1/(1+x)).
void pk_log1p_grad_f64(const double *x, const double *y, const double *gy, double *gx, int64_t n);

// MARK: sigmoid

/// y[i] = sigmoid(x[i]) = 1 / (1 + exp(-x[i])), evaluated stably as
/// e = exp(-|x|);  y = (x >= 0 ? 1 : e) / (1 + e).
/// +inf -> 1, -inf -> 0, NaN -> NaN; sigmoid(x) for x < -87.34 is a
/// denormal (and 0 below about -103.97).
void pk_sigmoid_f32(const float *x, float *y, int64_t n);
/// y[i] = sigmoid(x[i]) with the same formula as the f32 kernel (libm exp);
/// sigmoid(x) = 0 exactly for x < -745.2 (exp underflow).
void pk_sigmoid_f64(const double *x, double *y, int64_t n);
/// gx[i] += gy[i] * y[i] * (1 - y[i])   (sigmoid' = y(1-y)).
/// Computed from y, so for large positive x (y rounds near 1) the
/// derivative is accurate in absolute terms only (error <= ~eps).
void pk_sigmoid_grad_f32(const float *x, const float *y, const float *gy, float *gx, int64_t n);
/// gx[i] += gy[i] * y[i] * (1 - y[i])   (same caveat as the f32 version).
void pk_sigmoid_grad_f64(const double *x, const double *y, const double *gy, double *gx, int64_t n);

// MARK: log_sigmoid

/// y[i] = log(sigmoid(x[i])) = min(x, 0) - log1p(exp(-|x|)).
/// f32: log1p(u) for u = exp(-|x|) in [0, 1] is u*q(u) with
/// q(u) = 1 + u*t(u - 1/2), t of degree 7 (q of degree 8) fitted offline for
/// relative error (Scripts/reference/fit_log1p.py); no division.
/// -inf -> -inf, +inf -> 0, NaN -> NaN.
void pk_log_sigmoid_f32(const float *x, float *y, int64_t n);
/// y[i] = min(x, 0) - log1p(exp(-|x|)) (libm); log_sigmoid(-800) = -800.
void pk_log_sigmoid_f64(const double *x, double *y, int64_t n);
/// gx[i] += gy[i] * sigmoid(-x[i])   (log_sigmoid'(x) = sigmoid(-x)).
/// sigmoid(-x) is recomputed from x (not from y: 1 - exp(y) cancels).
void pk_log_sigmoid_grad_f32(const float *x, const float *y, const float *gy, float *gx, int64_t n);
/// gx[i] += gy[i] * sigmoid(-x[i]), recomputed from x.
void pk_log_sigmoid_grad_f64(const double *x, const double *y, const double *gy, double *gx, int64_t n);

// MARK: softplus

/// y[i] = log(1 + exp(x[i])) = max(x, 0) + log1p(exp(-|x|)), with the same
/// log1p polynomial as log_sigmoid.  +inf -> +inf, -inf -> 0, NaN -> NaN.
void pk_softplus_f32(const float *x, float *y, int64_t n);
/// y[i] = max(x, 0) + log1p(exp(-|x|)) (libm); softplus(800) = 800.
void pk_softplus_f64(const double *x, double *y, int64_t n);
/// gx[i] += gy[i] * sigmoid(x[i])   (softplus'(x) = sigmoid(x)), from x.
void pk_softplus_grad_f32(const float *x, const float *y, const float *gy, float *gx, int64_t n);
/// gx[i] += gy[i] * sigmoid(x[i]), from x.
void pk_softplus_grad_f64(const double *x, const double *y, const double *gy, double *gx, int64_t n);

// MARK: tanh

/// y[i] = tanh(x[i]).
/// f32: Cephes tanhf: |x| < 0.625: x + x^3 * P(x^2) (odd, so tanh(-0) = -0);
/// otherwise sign(x) * (1 - 2 / (exp(2|x|) + 1)), which saturates to +-1
/// (exactly +-1 for |x| >= 9.011).  NaN -> NaN.
void pk_tanh_f32(const float *x, float *y, int64_t n);
/// y[i] = tanh(x[i]) (libm).
void pk_tanh_f64(const double *x, double *y, int64_t n);
/// gx[i] += gy[i] * (1 - y[i]) * (1 + y[i])   (tanh' = 1 - y^2).
/// Computed from y: accurate in absolute terms (error <= ~2 eps) once y is
/// close to +-1.
void pk_tanh_grad_f32(const float *x, const float *y, const float *gy, float *gx, int64_t n);
/// gx[i] += gy[i] * (1 - y[i]) * (1 + y[i])   (tanh' = 1 - y^2).
void pk_tanh_grad_f64(const double *x, const double *y, const double *gy, double *gx, int64_t n);

// MARK: gathered matrix-vector product

// table is [P, rows, d] row-major; idx holds n indices in 0..<P (checked by
// the caller); w has d elements. The blocks are read in groups of eight at a
// time (kernels_gather.c says why).

/// out[i*rows + r] = sum_j table[(idx[i]*rows + r)*d + j] * w[j].
void pk_gather_matvec_f32(const float *table, const int32_t *idx, int64_t n, int64_t rows, int64_t d,
                          const float *w, float *out);
void pk_gather_matvec_f64(const double *table, const int32_t *idx, int64_t n, int64_t rows, int64_t d,
                          const double *w, double *out);
/// gw[j] += sum_i sum_r gout[i*rows + r] * table[(idx[i]*rows + r)*d + j]
/// (the gradient of the product with respect to w; accumulates).
void pk_gather_matvec_grad_f32(const float *table, const int32_t *idx, int64_t n, int64_t rows, int64_t d,
                               const float *gout, float *gw);
void pk_gather_matvec_grad_f64(const double *table, const int32_t *idx, int64_t n, int64_t rows, int64_t d,
                               const double *gout, double *gw);

// MARK: exact policy gradient of a log-linear candidate policy

// psi_t is psi transposed per prompt, [n, d, k] (psi_t[(i*d + j)*k + c] =
// psi[i, c, j]: feature j of prompt i's candidates contiguous); r, lr (log pi_ref) and gold are
// [n, k]; gold may be NULL. work holds 2k scalars. Per prompt, with
// s = psi theta, lp = log_softmax(s), p = exp(lp):
//   A = r                                  (grpo == 0: reinforce / rloo)
//   A = (r - E_p r) / (std_p(r) + eps)     (grpo != 0, held constant)
//   J = E_p[A] - beta KL(p || pi_ref) + ent H(p)
// grad = d(-mean_x J)/d theta = -(1/n) sum_x psi_x^T (p (g - E_p g)),
// g = A - beta (lp - lr) - ent lp (overwritten, length d, in double);
// out[0..4] = mean E_p r, mean KL, mean H, mean E_p gold (0 without gold), -mean J.
void pk_loglinear_pg_f32(const float *psi_t, const float *theta, const float *r, const float *lr, const float *gold,
                         int64_t n, int64_t k, int64_t d, double beta, double ent, int32_t grpo, double eps,
                         float *work, double *grad, double *out);
void pk_loglinear_pg_f64(const double *psi_t, const double *theta, const double *r, const double *lr, const double *gold,
                         int64_t n, int64_t k, int64_t d, double beta, double ent, int32_t grpo, double eps,
                         double *work, double *grad, double *out);

// MARK: linear Bradley-Terry objective, one block of rows

// d is [rows, p] row-major (the differences x_c - x_r), m the margins of those rows or NULL (0),
// work holds 3 rows doubles. With z_i = d_i . w and u_i = m_i - z_i:
//   out[0] = sum_i softplus(u_i)            (the block's loss sum, overwritten)
//   out[1] += #{i : z_i > 0}, out[2] += sum_i z_i
//   grad[j] -= sum_i sigma(u_i) d_ij        (accumulates; unscaled by 1/n)
//   scaled (NULL: skipped) [rows, p] = sqrt(sigma(u_i) sigma(-u_i)) d_i, for the Hessian's syrk.
void pk_bradley_terry_block_f64(const double *d, const double *m, int64_t rows, int64_t p, const double *w,
                                double *work, double *grad, double *scaled, double *out);
/// out[i] = a[i] - b[i] in double (n elements); returns 1 when all are finite, else 0.
int32_t pk_difference_f32_f64(const float *a, const float *b, int64_t n, double *out);
int32_t pk_difference_f64(const double *a, const double *b, int64_t n, double *out);

// MARK: interruption

// Reads an interrupt flag that another thread or a signal handler may set
// (PrefCore's Interruption): a relaxed atomic load, so the compiler can never
// hoist it out of a chunked loop.
static inline int32_t pk_flag_load(const int32_t *flag) {
  return __atomic_load_n(flag, __ATOMIC_RELAXED);
}

#ifdef __cplusplus
}
#endif

#endif  // PREF_CKERNELS_H
