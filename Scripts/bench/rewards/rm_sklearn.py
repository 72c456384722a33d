#!/usr/bin/env python3
"""The scikit-learn peer of the reward-model benchmark: a linear Bradley-Terry model is logistic
regression without an intercept on the differences d = x_c - x_r. Every other row is negated with
label 0 (the same loss: -log sigma(w·d) = -log(1 - sigma(-w·d))), so there are two classes.
Times fit alone (the data is loaded and the differences built before the clock starts) for each
solver, with penalty=None and a tight tolerance, and prints the mean log-loss reached.
Output lines: sklearn-<solver> WALL CPU ITERATIONS LOGLOSS
Usage: rm_sklearn.py DATA.npz
"""
import sys
import time
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression

data = np.load(sys.argv[1])
d = data["xc"] - data["xr"]
y = np.ones(len(d), dtype=np.int64)
d[1::2] *= -1
y[1::2] = 0
d = np.ascontiguousarray(d)


def logloss(w):
    z = d[::1] @ w
    s = np.where(y == 1, z, -z)
    return float(np.mean(np.logaddexp(0, -s)))


for solver in ["lbfgs", "newton-cg", "newton-cholesky"]:
    m = LogisticRegression(fit_intercept=False, penalty=None, solver=solver, tol=1e-8, max_iter=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w0, c0 = time.perf_counter(), time.process_time()
        m.fit(d, y)
        w1, c1 = time.perf_counter(), time.process_time()
    print(f"sklearn-{solver} {w1 - w0:.4f} {c1 - c0:.4f} {int(np.max(m.n_iter_))} {logloss(m.coef_[0]):.10f}")
