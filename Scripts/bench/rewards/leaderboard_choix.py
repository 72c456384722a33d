#!/usr/bin/env python3
"""The choix side of the leaderboard benchmark: reads the comparisons CSV and fits item
Bradley-Terry with choix (alpha = 0), printing for each method its wall and CPU seconds
(process time, all threads; on a shared machine CPU time is the steadier measure) and the
log-likelihood sum log sigma(theta_winner - theta_loser).

- ilsr_pairwise_dense: iterative Luce spectral ranking on the win-count matrix, choix's
  vectorised path; the time includes building the matrix from the comparisons. Run to
  convergence (L1 change < 1e-10); its iteration count is printed.
- ilsr_pairwise, mm_pairwise, opt_pairwise: these walk the comparisons in a Python loop on every
  iteration (every objective evaluation for opt), which at 1M comparisons takes minutes per
  fit, so only one iteration's work is timed and marked "per-iteration": a lower bound on a
  converged fit (one LSR step, choix.lsr_pairwise; one MM pass, choix.mm._mm_pairwise; one
  objective, gradient and Hessian evaluation for Newton-CG). ilsr_pairwise runs the same iterations as the dense form, so its
  converged time is about that count times its per-iteration time.
Usage: leaderboard_choix.py FILE.csv ITEMS
"""
import sys
import time

import choix
import choix.lsr
import choix.mm
import choix.opt
import numpy as np

path, items = sys.argv[1], int(sys.argv[2])
names = np.loadtxt(path, delimiter=",", skiprows=1, dtype=str)
index = {n: i for i, n in enumerate(sorted(set(names.ravel())))}
data = np.array([[index[w], index[l]] for w, l in names], dtype=np.int64)
assert len(index) == items


def loglik(theta):
    d = theta[data[:, 0]] - theta[data[:, 1]]
    return float(-np.sum(np.logaddexp(0, -d)))


calls = 0
inner = choix.lsr.lsr_pairwise_dense


def counted(*args, **kwargs):
    global calls
    calls += 1
    return inner(*args, **kwargs)


choix.lsr.lsr_pairwise_dense = counted


def dense():
    comp = np.zeros((items, items))
    np.add.at(comp, (data[:, 0], data[:, 1]), 1.0)
    return choix.ilsr_pairwise_dense(comp, alpha=0.0, tol=1e-10, max_iter=10000)


def newton_evaluation():
    f, x = choix.opt.PairwiseFcts(data, 0.0), np.zeros(items)
    f.objective(x), f.gradient(x), f.hessian(x)
    return x


methods = [
    ("ilsr_pairwise_dense", "converged", dense),
    ("ilsr_pairwise", "per-iteration", lambda: choix.lsr_pairwise(items, data)),
    ("mm_pairwise", "per-iteration", lambda: choix.mm._mm_pairwise(items, data, np.zeros(items)) and np.zeros(items)),
    ("opt_pairwise", "per-iteration", newton_evaluation),
]
for name, kind, run in methods:
    calls = 0
    start, cpu = time.perf_counter(), time.process_time()
    theta = run()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"{name} {kind} {seconds:.4f} {cpu:.4f} {loglik(theta):.6f} {calls}", flush=True)
