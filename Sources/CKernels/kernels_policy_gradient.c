// The exact policy-gradient step of a log-linear candidate policy in one pass
// per prompt (see include/CKernels.h and PrefLearn's FusedPolicyGradient):
// scores, log-softmax, the exact measures and the gradient of
// J = E_pi[A] - beta KL(pi || pi_ref) + c H(pi) with respect to theta.
//
// psi comes transposed per prompt, [n, d, K] (the caller keeps that copy): the
// scores are then d contiguous axpys and the gradient d contiguous dot
// products, both plain SIMD loops, where the [K, d] layout with d = 6 left
// the vectoriser strided loads and gathers (3x slower). A prompt's block stays
// in L1/L2 between its two reads, so a step streams psi from memory once; the
// K-long intermediates live in a 2K workspace reused by every prompt.
// Reductions use 32 interleaved accumulators (four vector chains), a fixed order the vectoriser
// maps to SIMD lanes without reassociating (no -ffast-math).

#include <math.h>
#include <string.h>

#include "CKernels.h"
#include "kernels_common.h"
#include "kernels_f32_math.h"
#include "kernels_f64_math.h"

static inline float pk_exp_nonposf(float x) { return pk_expf(x); }

#define PK_ACC 32

// T: scalar type; S: suffix; EXP: exp for x <= 0 in T; A: the type of a prompt's partial sums
// (float for f32: converting every term to double cost f32 about 40 %; 32 partial sums keep the
// error ~1e-6). Totals over prompts (measures and gradient) accumulate in double.
#define PK_POLICY_GRADIENT(T, S, EXP, A)                                                                  \
  static inline __attribute__((always_inline)) double pk_pg_dot_##S(const T *u, const T *v, int64_t k) { \
    A a[PK_ACC] = {0};                                                                                 \
    int64_t c = 0;                                                                                     \
    for (; c + PK_ACC <= k; c += PK_ACC)                                                               \
      for (int l = 0; l < PK_ACC; l++) a[l] += (A)u[c + l] * (A)v[c + l];                    \
    for (; c < k; c++) a[0] += (double)u[c] * (double)v[c];                                            \
    double t = 0;                                                                                      \
    for (int l = 0; l < PK_ACC; l++) t += a[l];                                                        \
    return t;                                                                                          \
  }                                                                                                    \
                                                                                                       \
  static inline __attribute__((always_inline)) void pk_pg_prompt_##S(                                 \
      const T *x, const T *theta, const T *r, const T *lr, const T *gold, int64_t k, int64_t d,       \
      double beta, double ent, int32_t grpo, double eps, T *s, T *p, double *grad, double *tot) {     \
    /* s = sum_j theta_j x_j (x_j: feature j of every candidate, contiguous). */                      \
    T t0 = theta[0];                                                                                   \
    PK_LOOP for (int64_t c = 0; c < k; c++) s[c] = x[c] * t0;                                          \
    for (int64_t j = 1; j < d; j++) {                                                                  \
      const T *xj = x + j * k;                                                                         \
      T tj = theta[j];                                                                                 \
      PK_LOOP for (int64_t c = 0; c < k; c++) s[c] = s[c] + xj[c] * tj;                                \
    }                                                                                                  \
    T mx[PK_ACC];                                                                                      \
    for (int l = 0; l < PK_ACC; l++) mx[l] = s[0];                                                     \
    int64_t c0 = 0;                                                                                    \
    for (; c0 + PK_ACC <= k; c0 += PK_ACC)                                                             \
      for (int l = 0; l < PK_ACC; l++) mx[l] = s[c0 + l] > mx[l] ? s[c0 + l] : mx[l];                  \
    for (; c0 < k; c0++) mx[0] = s[c0] > mx[0] ? s[c0] : mx[0];                                        \
    T m = mx[0];                                                                                       \
    for (int l = 1; l < PK_ACC; l++) m = mx[l] > m ? mx[l] : m;                                        \
    PK_LOOP for (int64_t c = 0; c < k; c++) p[c] = EXP(s[c] - m);                                      \
    A za[PK_ACC] = {0}; double z = 0;                                                                    \
    int64_t c1 = 0;                                                                                    \
    for (; c1 + PK_ACC <= k; c1 += PK_ACC)                                                             \
      for (int l = 0; l < PK_ACC; l++) za[l] += (A)p[c1 + l];                                     \
    for (; c1 < k; c1++) za[0] += (double)p[c1];                                                       \
    for (int l = 0; l < PK_ACC; l++) z += za[l];                                                       \
    T lse = m + (T)log(z), inv = (T)(1.0 / z);                                                         \
    /* p = softmax, s = log-softmax; then E_p r, E_p lp, E_p lr (separate loops vectorise). */        \
    PK_LOOP for (int64_t c = 0; c < k; c++) {                                                          \
      p[c] = p[c] * inv;                                                                               \
      s[c] = s[c] - lse;                                                                               \
    }                                                                                                  \
    double reward = pk_pg_dot_##S(p, r, k), plp = pk_pg_dot_##S(p, s, k), plr = pk_pg_dot_##S(p, lr, k); \
    double kl = plp - plr, entropy = -plp;                                                             \
    tot[0] += reward;                                                                                  \
    tot[1] += kl;                                                                                      \
    tot[2] += entropy;                                                                                 \
    if (gold) tot[3] += pk_pg_dot_##S(p, gold, k);                                                     \
    /* g = A - beta (lp - lr) - c lp over s, then w = p (g - E_p g). */                                \
    T tb = (T)beta, tc = (T)ent, mean = 0, scale = 1;                                                  \
    if (grpo) {                                                                                        \
      double v[PK_ACC] = {0}, var = 0;                                                                 \
      for (int64_t c = 0; c < k; c++) {                                                                \
        double u = (double)r[c] - reward;                                                              \
        v[c % PK_ACC] += (double)p[c] * (u * u);                                                       \
      }                                                                                                \
      for (int l = 0; l < PK_ACC; l++) var += v[l];                                                    \
      mean = (T)reward;                                                                                \
      scale = (T)(1.0 / (sqrt(var) + eps));                                                            \
    }                                                                                                  \
    PK_LOOP for (int64_t c = 0; c < k; c++)                                                            \
      s[c] = (r[c] - mean) * scale - tb * (s[c] - lr[c]) - tc * s[c];                                  \
    double gbar = pk_pg_dot_##S(p, s, k);                                                              \
    /* J = E_p[A] - beta KL + c H, where E_p[A] = E_p g + beta KL + c E_p lp. */                       \
    double gain = grpo ? gbar + beta * kl + ent * plp : reward;                                        \
    tot[4] += gain - beta * kl + ent * entropy;                                                        \
    T tg = (T)gbar;                                                                                    \
    PK_LOOP for (int64_t c = 0; c < k; c++) s[c] = p[c] * (s[c] - tg);                                 \
    for (int64_t j = 0; j < d; j++) grad[j] += pk_pg_dot_##S(x + j * k, s, k);                         \
  }                                                                                                    \
                                                                                                       \
  PK_CLONES                                                                                            \
  void pk_loglinear_pg_##S(const T *psi_t, const T *theta, const T *r, const T *lr, const T *gold,     \
                           int64_t n, int64_t k, int64_t d, double beta, double ent, int32_t grpo,    \
                           double eps, T *work, double *grad, double *out) {                          \
    double tot[5] = {0, 0, 0, 0, 0};                                                                   \
    for (int64_t j = 0; j < d; j++) grad[j] = 0;                                                       \
    for (int64_t i = 0; i < n; i++)                                                                    \
      pk_pg_prompt_##S(psi_t + i * d * k, theta, r + i * k, lr + i * k, gold ? gold + i * k : 0, k, d, \
                       beta, ent, grpo, eps, work, work + k, grad, tot);                               \
    for (int64_t j = 0; j < d; j++) grad[j] = -grad[j] / (double)n;                                    \
    for (int l = 0; l < 4; l++) out[l] = tot[l] / (double)n;                                           \
    out[4] = -tot[4] / (double)n;                                                                      \
  }

PK_POLICY_GRADIENT(float, f32, pk_exp_nonposf, float)
PK_POLICY_GRADIENT(double, f64, pk_exp_nonpos, double)
