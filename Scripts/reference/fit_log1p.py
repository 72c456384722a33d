#!/usr/bin/env python3
"""Fit the log1p(u), u in [0, 1], polynomial used by the float32 kernels in
Sources/CKernels (log_sigmoid and softplus evaluate log1p(exp(-|x|)), whose
argument always lies in [0, 1]).

Form (no division):

    log1p(u) ~= u * q(u),   q(u) = 1 + u * t(s),   s = u - 1/2,

with t a polynomial of degree D in s (q has degree D + 1).  The C kernel
evaluates it as

    s = u - 0.5f
    t = b_D;  t = t*s + b_k  for k = D-1 .. 0     (Horner, FMA when available)
    p = t * u                                     (= q(u) - 1, in [-0.31, 0])
    log1p(u) = p*u + u                            (FMA: one rounding)

Why this shape:
  * q(0) = 1 exactly, so log1p(u) -> u with *relative* accuracy as u -> 0
    (the rounding of t and p is scaled by u there);
  * writing u*q as u + u*(q - 1) puts a single rounding on the result; the
    rounding of p only enters scaled by |q - 1| <= 0.31;
  * expanding t around s = 0 (u = 1/2) instead of u = 0 makes the Horner
    terms shrink by about 1/3 per power on the whole interval, so the
    rounding errors of the evaluation do not pile up at u = 1 (in the plain
    power basis the alternating coefficients have a condition number of ~5
    there).  Same minimax error, about 15 % less float32 error for one extra
    subtraction.

The coefficients minimise the maximum relative error
|u + u^2 t(s) - log1p(u)| / log1p(u) (a weighted minimax problem for t) by a
Remez exchange in float64, are rounded to float32, and the float32
evaluation above is then simulated on a dense grid, both with FMA (the
AVX2/AVX-512 clones) and without (the baseline clone; each a*b + c rounds
twice).  The printed float32 figures are what the kernel achieves for
log1p on [0, 1]; the composite kernels add the error of exp().

The same script also fits the polynomial of pk_expf (exp on the reduced
range, see fit_exp below), which every composite kernel uses.

Usage:  python3 Scripts/reference/fit_log1p.py [D ...]   (default 5 6 7 8)
Requires numpy only.
"""
import sys

import numpy as np

CENTER = 0.5


def t_target(u):
    """T(u) = (log1p(u)/u - 1)/u, the exact t for u > 0."""
    u = np.asarray(u, dtype=np.float64)
    return (np.log1p(u) / u - 1.0) / u


def weight(u):
    """Relative error of the result = weight(u) * (t - T)."""
    u = np.asarray(u, dtype=np.float64)
    return u * u / np.log1p(u)


def remez_weighted(target, wfun, lo, hi, deg, center, grid_n=200001, iters=100):
    """Minimise max |wfun(x) * (sum_j a_j (x - center)^j - target(x))| over
    [lo, hi] (deg + 1 coefficients) by a Remez exchange on a dense grid."""
    th = np.linspace(0.0, np.pi, grid_n)
    grid = lo + (hi - lo) * 0.5 * (1.0 - np.cos(th))
    m = deg + 1
    k = np.arange(m + 1)
    ref = lo + (hi - lo) * 0.5 * (1.0 - np.cos(np.pi * (k + 0.5) / (m + 1)))
    last = None
    coef = np.zeros(m)
    cur = np.inf
    for _ in range(iters):
        s = ref - center
        a = np.zeros((m + 1, m + 1))
        for j in range(m):
            a[:, j] = s ** j
        a[:, m] = -((-1.0) ** np.arange(m + 1)) / wfun(ref)
        coef = np.linalg.solve(a, target(ref))[:m]
        e = (np.polyval(coef[::-1], grid - center) - target(grid)) * wfun(grid)
        sign = np.sign(e)
        sign[sign == 0] = 1
        breaks = np.flatnonzero(np.diff(sign) != 0) + 1
        runs = np.split(np.arange(len(grid)), breaks)
        ext = np.array([r[np.argmax(np.abs(e[r]))] for r in runs])
        if len(ext) < m + 1:
            break
        # Keep m+1 consecutive extrema containing the global maximum.
        g = int(np.argmax(np.abs(e[ext])))
        start = max(0, min(g, len(ext) - (m + 1)))
        ref = grid[ext[start:start + m + 1]]
        cur = float(np.max(np.abs(e)))
        if last is not None and abs(cur - last) <= 1e-7 * cur:
            break
        last = cur
    return coef, cur


def remez(deg):
    """Weighted minimax fit of t (deg + 1 coefficients, in s = u - 1/2).
    T(u) cancels for tiny u, where the weight (~u) makes the error vanish
    anyway; starting the grid at 1e-4 keeps T accurate to ~1e-12."""
    return remez_weighted(t_target, weight, 1e-4, 1.0, deg, CENTER)


def r32(v):
    return v.astype(np.float32).astype(np.float64)


def eval_f32(b32, u32, fma):
    """The C evaluation in float32.  With fma, a*b + c rounds once (the
    product of two float32 values is exact in float64; the float64 sum is
    then rounded to float32, a double rounding that is negligible here)."""
    u = u32.astype(np.float64)
    s = r32(u - CENTER)
    t = np.full_like(u, float(b32[-1]))
    for bk in list(b32[:-1])[::-1]:
        t = r32(t * s + float(bk)) if fma else r32(r32(t * s) + float(bk))
    p = r32(t * u)
    return r32(p * u + u) if fma else r32(r32(p * u) + u)


# ---------------------------------------------------------------------------
# exp(r) on the reduced range |r| <= ln2/2 (plus margin), for pk_expf:
#     exp(r) ~= 1 + r * P(r),  P of degree 5 in r,
# evaluated as p = e6; p = p*r + e_k (k = 5..1); exp(r) = p*r + 1, so the
# result is rounded once and the rounding of P enters scaled by |r| <= 0.35.
# Minimax for relative error: weight |r| / exp(r) on P - (exp(r) - 1)/r.
# This replaces Cephes' 1 + r + r^2 P5(r) (same accuracy, two operations
# fewer: no r^2 and no separate "+ r").
EXP_R = 0.35  # ln2/2 = 0.3466 plus margin for the rounding of k


def exp_target(r):
    r = np.asarray(r, dtype=np.float64)
    out = np.ones_like(r)
    nz = r != 0
    out[nz] = np.expm1(r[nz]) / r[nz]
    return out


def exp_weight(r):
    r = np.asarray(r, dtype=np.float64)
    return np.maximum(np.abs(r), 1e-300) / np.exp(r)


def eval_exp_f32(e32, r32_in, fma):
    r = r32_in.astype(np.float64)
    p = np.full_like(r, float(e32[-1]))
    for ek in list(e32[:-1])[::-1]:
        p = r32(p * r + float(ek)) if fma else r32(r32(p * r) + float(ek))
    return r32(p * r + 1.0) if fma else r32(r32(p * r) + 1.0)


def fit_exp(deg=5):
    coef, emax = remez_weighted(exp_target, exp_weight, -EXP_R, EXP_R, deg, 0.0)
    e32 = coef.astype(np.float32)
    r = np.linspace(-EXP_R, EXP_R, 2_000_001).astype(np.float32)
    ref = np.exp(r.astype(np.float64))
    e_fma = float(np.max(np.abs(eval_exp_f32(e32, r, True) - ref) / ref))
    e_nofma = float(np.max(np.abs(eval_exp_f32(e32, r, False) - ref) / ref))
    print(f"exp: 1 + r*P(r), P degree {deg} on |r| <= {EXP_R}: max rel error minimax "
          f"{emax:.3e}, float32 with FMA {e_fma:.3e}, without FMA {e_nofma:.3e} "
          f"(before the final scaling by 2^k, which is exact for normal results)")
    for j, v in enumerate(e32, 1):
        print(f"    e{j} = {float(v):+.9e}f")


def main():
    degrees = [int(a) for a in sys.argv[1:]] or [5, 6, 7, 8]
    rng = np.random.default_rng(1)
    u_dense = np.linspace(0.0, 1.0, 2_000_001, dtype=np.float64)[1:]
    u_tiny = np.exp(rng.uniform(np.log(1e-30), 0.0, 500_000))
    u32 = np.concatenate([u_dense, u_tiny]).astype(np.float32)
    u32 = u32[u32 > 0]
    ref = np.log1p(u32.astype(np.float64))
    for deg in degrees:
        coef, emax = remez(deg)
        b32 = coef.astype(np.float32)
        g = u_dense[u_dense >= 1e-4]
        exact = float(np.max(np.abs(
            (np.polyval(b32.astype(np.float64)[::-1], g - CENTER) - t_target(g)) * weight(g))))
        e_fma = float(np.max(np.abs(eval_f32(b32, u32, True) - ref) / ref))
        e_nofma = float(np.max(np.abs(eval_f32(b32, u32, False) - ref) / ref))
        print(f"t degree {deg} (q degree {deg + 1}): max rel error of log1p on [0,1]: "
              f"minimax {emax:.3e}, float32 coefficients evaluated exactly {exact:.3e}, "
              f"float32 with FMA {e_fma:.3e}, without FMA {e_nofma:.3e}")
        for j, v in enumerate(b32):
            print(f"    b{j} = {float(v):+.9e}f")
    fit_exp()


if __name__ == "__main__":
    main()
