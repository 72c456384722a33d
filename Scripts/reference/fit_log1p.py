#!/usr/bin/env python3
"""Fit log1p(u) ~= u * q(u) on u in [0, 1] for the float32 kernels in
Sources/CKernels (log_sigmoid and softplus use log1p(exp(-|x|)), whose
argument always lies in [0, 1]).

q(u) = 1 + c1*u + ... + cd*u^d.  q(0) = 1 is fixed so that log1p(u) = u
exactly as u -> 0 (relative, not absolute, accuracy for tiny u).  The free
coefficients minimise the maximum *relative* error |u*q(u) - log1p(u)| /
log1p(u) (equivalently |q - f| / f with f(u) = log1p(u)/u) by a Remez
exchange on a dense grid, in float64.

The coefficients are then rounded to float32 and the error of the float32
Horner evaluation (with FMA, as the C code compiles on AVX2/AVX-512) is
measured on a dense grid (evaluated as u + u*(q(u) - 1), see
horner_f32_fma), so the printed numbers are what the C kernel achieves for
log1p on [0, 1] before the error of exp() is added.

Usage:  python3 Scripts/reference/fit_log1p.py [degree ...]   (default 6 7 8)
Requires numpy only.
"""
import sys

import numpy as np


def f_target(u):
    """log1p(u)/u, with the u -> 0 limit 1."""
    u = np.asarray(u, dtype=np.float64)
    out = np.ones_like(u)
    nz = u != 0
    out[nz] = np.log1p(u[nz]) / u[nz]
    return out


def q_eval(c, u):
    """1 + c1 u + ... + cd u^d in float64 (c = [c1..cd])."""
    acc = np.zeros_like(u)
    for cj in c[::-1]:
        acc = acc * u + cj
    return 1.0 + acc * u


def rel_err(c, u):
    f = f_target(u)
    return (q_eval(c, u) - f) / f


def remez(d, fixed=(), grid_n=200001, iters=60):
    """Minimax relative fit of q with q(0)=1 and coefficients c1..cd, where
    c1..c_len(fixed) are given (already rounded to float32) and the rest are
    free.

    The error e(u) = (q(u) - f(u)) / f(u) is identically 0 at u = 0, so the
    m + 1 alternation points (m free coefficients) lie in (0, 1].
    """
    fixed = [float(v) for v in fixed]
    nf = len(fixed)
    m = d - nf
    # Dense grid, denser near both ends (Chebyshev-like), excluding 0.
    t = np.linspace(0.0, np.pi, grid_n)
    grid = 0.5 * (1.0 - np.cos(t))
    grid = grid[grid > 0.0]
    # Initial reference: Chebyshev extrema mapped to (0, 1].
    k = np.arange(1, m + 2)
    ref = 0.5 * (1.0 - np.cos(np.pi * k / (m + 1)))
    c = np.array(fixed + [0.0] * m)
    last_e = None
    for _ in range(iters):
        f = f_target(ref)
        # sum_{free j} c_j u^j - (-1)^i E f(u_i) = f(u_i) - 1 - sum_{fixed} c_j u^j
        a = np.zeros((m + 1, m + 1))
        for j in range(m):
            a[:, j] = ref ** (nf + j + 1)
        a[:, m] = -((-1.0) ** np.arange(m + 1)) * f
        b = f - 1.0
        for j in range(nf):
            b = b - fixed[j] * ref ** (j + 1)
        sol = np.linalg.solve(a, b)
        c = np.array(fixed + list(sol[:m]))
        e = rel_err(c, grid)
        # New reference: the extremum of |e| inside each sign-constant run.
        sign = np.sign(e)
        sign[sign == 0] = 1
        breaks = np.flatnonzero(np.diff(sign) != 0) + 1
        runs = np.split(np.arange(len(grid)), breaks)
        ext = [r[np.argmax(np.abs(e[r]))] for r in runs]
        if len(ext) < m + 1:
            break
        # Keep m+1 consecutive extrema containing the global maximum.
        ext = np.array(ext)
        gmax = int(np.argmax(np.abs(e[ext])))
        lo = max(0, min(gmax, len(ext) - (m + 1)))
        ext = ext[lo:lo + m + 1]
        ref = grid[ext]
        cur = float(np.max(np.abs(e)))
        if last_e is not None and abs(cur - last_e) <= 1e-6 * cur:
            break
        last_e = cur
    return c, float(np.max(np.abs(rel_err(c, grid))))


def f32(v):
    return np.float32(v)


def fit_rounded(d):
    """Round c1 to float32, refit c2..cd around it, round c2, and so on, so
    the later coefficients absorb the rounding of the earlier ones (rounding
    all of the float64 minimax coefficients at once roughly doubles the
    error at degree 8)."""
    c, emax = remez(d)
    fixed = []
    for j in range(d):
        if j > 0:
            c, _ = remez(d, fixed=fixed)
        fixed.append(f32(c[j]))
    return np.array(fixed, dtype=np.float32), emax


def horner_f32_fma(c32, u32):
    """log1p(u) in float32 exactly as the C kernel evaluates it:

        t = c_d; t = fma(t, u, c_j) for j = d-1 .. 1     (Horner, FMA)
        p = t * u                                         (= q(u) - 1)
        log1p(u) = fma(p, u, u)                           (= u + u*(q - 1))

    Writing u*q as u + u*(q-1) leaves a single rounding on the result; the
    rounding of p only enters scaled by |q - 1| <= 0.31.
    """
    u = u32.astype(np.float64)

    def r32(v):
        # exact product of two float32 values fits in float64; one rounding
        # to float64 then to float32 (double rounding is negligible here).
        return v.astype(np.float32).astype(np.float64)

    t = np.full_like(u, float(c32[-1]))
    for cj in list(c32[:-1])[::-1]:
        t = r32(t * u + float(cj))
    p = r32(t * u)
    return (p * u + u).astype(np.float32)


def main():
    degrees = [int(a) for a in sys.argv[1:]] or [6, 7, 8]
    rng = np.random.default_rng(1)
    u_dense = np.linspace(0.0, 1.0, 2_000_001, dtype=np.float64)[1:]
    u_tiny = np.exp(rng.uniform(np.log(1e-30), 0.0, 1_000_000))
    u_all = np.concatenate([u_dense, u_tiny]).astype(np.float32)
    u_all = u_all[u_all > 0]
    ref = np.log1p(u_all.astype(np.float64))
    for d in degrees:
        c32, emax = fit_rounded(d)
        exact = float(np.max(np.abs(rel_err(c32.astype(np.float64),
                                            u_dense))))
        got = horner_f32_fma(c32, u_all).astype(np.float64)
        err32 = float(np.max(np.abs(got - ref) / ref))
        print(f"degree {d}: minimax rel err, float64 coeffs = {emax:.3e}; "
              f"float32 coeffs evaluated exactly = {exact:.3e}; "
              f"float32 Horner+FMA = {err32:.3e}")
        print("  q(u) = 1 + u*(c1 + u*(c2 + ...)), coefficients c1..c%d:" % d)
        for j, v in enumerate(c32, 1):
            print(f"    c{j} = {float(v):+.9e}f")


if __name__ == "__main__":
    main()
