// Private to CKernels: branch-free float64 building blocks shared by the fused kernels
// (kernels_policy_gradient.c, kernels_bradley_terry.c). Written, like kernels_f32_math.h, so that
// a loop calling them vectorises: no libm calls, no branches.

#ifndef PREF_CKERNELS_F64_MATH_H
#define PREF_CKERNELS_F64_MATH_H

#include <stdint.h>
#include <string.h>

/// exp(x) for x <= 0 in double precision (Cephes exp: x = n ln2 + r,
/// exp(r) = 1 + 2 r P(r^2) / (Q(r^2) - r P(r^2)), relative error ~1e-16);
/// 0 below -708 (where exp is subnormal). Branch-free so loops vectorise:
/// n is rounded with the 1.5 * 2^52 shifter and 2^n built from its low bits.
static inline double pk_exp_nonpos(double x) {
  const double shifter = 6755399441055744.0;  // 1.5 * 2^52
  double xc = x < -708.0 ? -708.0 : x;
  double t = xc * 1.4426950408889634 + shifter;
  double n = t - shifter;
  double r = xc - n * 6.93145751953125e-1;
  r = r - n * 1.42860682030941723212e-6;
  double rr = r * r;
  double px = r * ((1.26177193074810590878e-4 * rr + 3.02994407707441961300e-2) * rr + 9.99999999999999999910e-1);
  double q = ((3.00198505138664455042e-6 * rr + 2.52448340349684104192e-3) * rr + 2.27265548208155028766e-1) * rr +
             2.00000000000000000009e0;
  double e = 1.0 + 2.0 * px / (q - px);
  uint64_t tb;
  memcpy(&tb, &t, sizeof tb);
  uint64_t sb = (tb + 1023u) << 52;  // the low bits of t hold n; n + 1023 is in [1, 1023]
  double scale;
  memcpy(&scale, &sb, sizeof scale);
  return x < -708.0 ? 0.0 : e * scale;
}

/// log1p(x) for x in [0, 1] in double precision: log1p(x) = 2 atanh(s) with s = x / (2 + x) in
/// [0, 1/3], and 2 atanh(s) = 2 s (1 + s^2/3 + s^4/5 + ...) summed to s^38/39 (the next term is
/// below 9^-20 ~ 8e-20 relative). Branch-free; relative error a few ulp (tested against libm).
static inline double pk_log1p_unit(double x) {
  double s = x / (2.0 + x), t = s * s;
  double q = 1.0 / 39.0;
  q = q * t + 1.0 / 37.0;
  q = q * t + 1.0 / 35.0;
  q = q * t + 1.0 / 33.0;
  q = q * t + 1.0 / 31.0;
  q = q * t + 1.0 / 29.0;
  q = q * t + 1.0 / 27.0;
  q = q * t + 1.0 / 25.0;
  q = q * t + 1.0 / 23.0;
  q = q * t + 1.0 / 21.0;
  q = q * t + 1.0 / 19.0;
  q = q * t + 1.0 / 17.0;
  q = q * t + 1.0 / 15.0;
  q = q * t + 1.0 / 13.0;
  q = q * t + 1.0 / 11.0;
  q = q * t + 1.0 / 9.0;
  q = q * t + 1.0 / 7.0;
  q = q * t + 1.0 / 5.0;
  q = q * t + 1.0 / 3.0;
  return 2.0 * s + 2.0 * s * (t * q);
}

#endif  // PREF_CKERNELS_F64_MATH_H
