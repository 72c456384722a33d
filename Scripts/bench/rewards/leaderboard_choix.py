#!/usr/bin/env python3
"""The choix side of the leaderboard benchmark: reads the comparisons CSV, fits item
Bradley-Terry with choix's ilsr_pairwise, mm_pairwise and opt_pairwise (alpha = 0, or choix's
smallest ridge where the method needs one), and prints for each the fit time in seconds and the
log-likelihood sum log sigma(theta_winner - theta_loser). Times are wall-clock and CPU (process
time, all threads): on a shared machine CPU time is the steadier measure.
Usage: leaderboard_choix.py FILE.csv ITEMS
"""
import sys
import time

import choix
import numpy as np

path, items = sys.argv[1], int(sys.argv[2])
names = np.loadtxt(path, delimiter=",", skiprows=1, dtype=str)
index = {n: i for i, n in enumerate(sorted(set(names.ravel())))}
data = np.array([[index[w], index[l]] for w, l in names], dtype=np.int64)
assert len(index) == items


def loglik(theta):
    d = theta[data[:, 0]] - theta[data[:, 1]]
    return float(-np.sum(np.logaddexp(0, -d)))


methods = {
    "ilsr_pairwise": lambda: choix.ilsr_pairwise(items, data, alpha=0.0, tol=1e-10, max_iter=1000),
    "mm_pairwise": lambda: choix.mm_pairwise(items, data, alpha=0.0, tol=1e-10, max_iter=10000),
    "opt_pairwise": lambda: choix.opt_pairwise(items, data, alpha=1e-12, method="Newton-CG", tol=1e-10, max_iter=1000),
}
for name, run in methods.items():
    start, cpu = time.perf_counter(), time.process_time()
    theta = run()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"{name} {seconds:.4f} {cpu:.4f} {loglik(theta):.6f}", flush=True)
