// One block of rows of the linear Bradley-Terry objective (see include/CKernels.h and PrefLearn's
// LinearBradleyTerryProblem): the scores z = D w, the loss terms softplus(m - z), and the
// gradient sum D^T (-sigma(m - z)), reading the block's rows twice while they sit in L1/L2, so an
// evaluation streams D from memory once. The row dots use 16 interleaved accumulators (a fixed
// order the vectoriser maps to SIMD lanes without reassociating; no -ffast-math); exp and log1p
// are the branch-free float64 versions of kernels_f64_math.h, so the per-row loops vectorise too.

#include <math.h>

#include "CKernels.h"
#include "kernels_common.h"
#include "kernels_f64_math.h"

#define PK_BT_ACC 16

// 16 accumulators (two vector chains) and a pairwise tree to add them: a serial sum of 32
// accumulators cost ~100 cycles a row (a third of the kernel), more than the dot itself.
static inline __attribute__((always_inline)) double pk_bt_dot(const double *u, const double *v, int64_t k) {
  double a[PK_BT_ACC] = {0};
  int64_t c = 0;
  for (; c + PK_BT_ACC <= k; c += PK_BT_ACC)
    for (int l = 0; l < PK_BT_ACC; l++) a[l] += u[c + l] * v[c + l];
  for (; c < k; c++) a[c % PK_BT_ACC] += u[c] * v[c];
  for (int l = 0; l < 8; l++) a[l] += a[l + 8];
  for (int l = 0; l < 4; l++) a[l] += a[l + 4];
  for (int l = 0; l < 2; l++) a[l] += a[l + 2];
  return a[0] + a[1];
}

// The block's loss terms, gradient and scaled rows once z = D w is in work[0, rows).
static inline __attribute__((always_inline)) void pk_bt_tail(const double *d, const double *m, int64_t rows, int64_t p,
                                                           double *work, double *grad, double *scaled, double *out) {
  double *z = work, *sig = work + rows, *e = work + 2 * rows;
  double correct = 0, zsum = 0;
  for (int64_t i = 0; i < rows; i++) {
    correct += z[i] > 0 ? 1.0 : 0.0;
    zsum += z[i];
  }
  // u = m - z, e = exp(-|u|): softplus(u) = max(u, 0) + log1p(e), sigma(u) = 1/(1+e) or e/(1+e)
  // (no overflow for any u). z is overwritten by the loss terms.
  PK_LOOP for (int64_t i = 0; i < rows; i++) {
    double u = (m ? m[i] : 0.0) - z[i];
    double ei = pk_exp_nonpos(u < 0 ? u : -u);
    sig[i] = (u >= 0 ? 1.0 : ei) / (1.0 + ei);
    e[i] = ei;
    z[i] = (u > 0 ? u : 0.0) + pk_log1p_unit(ei);
  }
  double loss = 0;
  for (int64_t i = 0; i < rows; i++) loss += z[i];
  for (int64_t i = 0; i < rows; i++) {
    const double *row = d + i * p;
    double si = sig[i];
    PK_LOOP for (int64_t j = 0; j < p; j++) grad[j] -= si * row[j];
  }
  // sigma(u) sigma(-u) = e / (1 + e)^2 exactly: no cancellation in 1 - sigma when sigma ~ 1.
  if (scaled) {
    for (int64_t i = 0; i < rows; i++) {
      const double *row = d + i * p;
      double h = sqrt(e[i]) / (1.0 + e[i]);
      double *o = scaled + i * p;
      PK_LOOP for (int64_t j = 0; j < p; j++) o[j] = h * row[j];
    }
  }
  out[0] = loss;
  out[1] += correct;
  out[2] += zsum;
}

PK_CLONES
void pk_bradley_terry_block_f64(const double *d, const double *m, int64_t rows, int64_t p, const double *w,
                                double *work, double *grad, double *scaled, double *out) {
  for (int64_t i = 0; i < rows; i++) work[i] = pk_bt_dot(d + i * p, w, p);
  pk_bt_tail(d, m, rows, p, work, grad, scaled, out);
}

/// out = a - b widened to double; returns 1 when every difference is finite. (v - v is NaN
/// exactly when v is infinite or NaN; the flag is an integer OR, so the loop vectorises.)
PK_CLONES
int32_t pk_difference_f32_f64(const float *a, const float *b, int64_t n, double *out) {
  int32_t bad = 0;
  PK_LOOP for (int64_t i = 0; i < n; i++) {
    double v = (double)a[i] - (double)b[i];
    out[i] = v;
    bad |= (v - v) != 0.0;
  }
  return !bad;
}

PK_CLONES
int32_t pk_difference_f64(const double *a, const double *b, int64_t n, double *out) {
  int32_t bad = 0;
  PK_LOOP for (int64_t i = 0; i < n; i++) {
    double v = a[i] - b[i];
    out[i] = v;
    bad |= (v - v) != 0.0;
  }
  return !bad;
}
