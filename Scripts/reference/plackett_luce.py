#!/usr/bin/env python3
"""Reference Plackett-Luce fit for Tests/PrefLearnTests/PlackettLuceTests.swift, independent of
the Swift code: SciPy's trust-region optimiser on the negative log-likelihood
-sum_rankings sum_stages [theta_best - log sum_remaining exp theta], the first item
(alphabetically) as the reference; standard errors from the inverse observed information.

The data, Tests/Golden/leaderboards/files/rankings.jsonl, are 60 synthetic partial rankings (2 to
4 of 6 fruits each) drawn from Plackett-Luce with known strengths; `--write` regenerates them
(seeded). Needs numpy and scipy (Scripts/bench/.venv-rewards has both).
"""
import json
import os
import sys

import numpy as np
from scipy.optimize import minimize

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Golden", "leaderboards", "files", "rankings.jsonl")

if "--write" in sys.argv:
    rng = np.random.default_rng(5)
    items = ["apple", "banana", "cherry", "date", "elder", "fig"]
    theta = np.array([1.0, 0.6, 0.3, 0.0, -0.4, -0.8])
    lines = []
    for _ in range(60):
        m = int(rng.integers(2, 5))
        sub = list(rng.choice(6, size=m, replace=False))
        g = theta[sub] + rng.gumbel(size=m)  # Gumbel-max sampling of a Plackett-Luce order
        order = [sub[i] for i in np.argsort(-g)]
        lines.append(json.dumps({"responses": [items[i] for i in sub], "ranks": [order.index(i) + 1 for i in sub]}))
    open(PATH, "w").write("\n".join(lines) + "\n")

rows = [json.loads(line) for line in open(PATH)]
items = sorted({r for row in rows for r in row["responses"]})
rankings = [[items.index(row["responses"][i]) for i in np.argsort(row["ranks"])] for row in rows]
k = len(items)


def full(free):
    return np.concatenate([[0.0], free])


def nll(free):
    t = full(free)
    return -sum(t[o[s]] - np.log(np.sum(np.exp(t[o[s:]]))) for o in rankings for s in range(len(o) - 1))


def grad(free):
    t, g = full(free), np.zeros(k)
    for o in rankings:
        for s in range(len(o) - 1):
            rest = o[s:]
            p = np.exp(t[rest]) / np.sum(np.exp(t[rest]))
            g[o[s]] += 1
            g[rest] -= p
    return -g[1:]


def hess(free):
    t, h = full(free), np.zeros((k, k))
    for o in rankings:
        for s in range(len(o) - 1):
            rest = o[s:]
            p = np.exp(t[rest]) / np.sum(np.exp(t[rest]))
            h[np.ix_(rest, rest)] += np.diag(p) - np.outer(p, p)
    return h[1:, 1:]


res = minimize(nll, np.zeros(k - 1), jac=grad, hess=hess, method="trust-exact", options={"gtol": 1e-13})
se = np.sqrt(np.diag(np.linalg.inv(hess(res.x))))
print("items:", items)
print(f"// loglik {-res.fun:.12f}")
print("abilities: [0, " + ", ".join(f"{x:.12f}" for x in res.x) + "],")
print("se: [0, " + ", ".join(f"{x:.12f}" for x in se) + "],")
