#!/usr/bin/env python3
"""Synthetic preference pairs for the reward-model benchmark: N pairs of D-dimensional features
x_a, x_b ~ N(0, 1), a true weight w* ~ N(0, 1/D)·3, and the preference drawn from the
Bradley-Terry probability sigma(w*·(x_a - x_b)); the preferred side is written as chosen.
Writes a CSV (prompt,chosen,rejected,c0..c{D-1},r0..r{D-1}; features to 4 significant digits,
and the same rounded numbers are what every side reads) and, next to it, OUT.npz with the
float64 arrays xc, xr as parsed from those digits.
Usage: rm_generate.py PAIRS DIM SEED OUT.csv
"""
import sys

import numpy as np

pairs, dim, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(seed)
w = rng.normal(size=dim) * 3 / np.sqrt(dim)
a = np.round(rng.normal(size=(pairs, dim)), 3)
b = np.round(rng.normal(size=(pairs, dim)), 3)
p = 1 / (1 + np.exp(-(a - b) @ w))
first = (rng.random(pairs) < p)[:, None]
xc, xr = np.where(first, a, b), np.where(first, b, a)
header = "prompt,chosen,rejected," + ",".join(f"c{j}" for j in range(dim)) + "," + ",".join(f"r{j}" for j in range(dim))
with open(out, "w") as f:
    f.write(header + "\n")
    chunk = 20000
    for s in range(0, pairs, chunk):
        block = np.concatenate([xc[s:s + chunk], xr[s:s + chunk]], axis=1)
        lines = [f"p,a,b,{','.join(row)}" for row in block.astype(str).tolist()]
        f.write("\n".join(lines) + "\n")
np.savez(out[:-4] + ".npz", xc=xc, xr=xr)
