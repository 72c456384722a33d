#!/usr/bin/env python3
"""Reference Plackett-Luce fit of a published data set for Tests/PrefLearnTests/PlackettLuceNascarTests.swift:
the 2002 NASCAR season of Hunter (2004, "MM algorithms for generalized Bradley-Terry models",
Ann. Statist. 32(1), §6 and Table 2): 36 races, 83 drivers (Hunter's data file nascar2002.txt,
DriverID Race Place; the R package PlackettLuce ships it as `nascar`), each race a ranking of the
42-43 drivers who started. Tests/Golden/leaderboards/files/nascar2002.jsonl holds the races, the
drivers named d01…d83 by Hunter's ids.

Two independent fits: Newton's method written here on the Plackett-Luce log-likelihood
sum_races sum_stages [theta_first - log sum_remaining exp theta] (gradient e_first - p, information
diag(p) - p p^T per stage; step halving), with d02 fixed at 0, standard errors from the inverse observed
information; and choix.opt_rankings (alpha = 0), re-referenced to d02. Prints both to 12
decimals and their largest difference. Needs numpy and choix (Scripts/bench/.venv-rewards).
"""
import json
import os

import choix
import numpy as np

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Golden", "leaderboards", "files", "nascar2002.jsonl")
rows = [json.loads(line) for line in open(PATH) if line.strip()]
items = sorted({r for row in rows for r in row["responses"]})
index = {name: i for i, name in enumerate(items)}
orders = [[index[name] for _, name in sorted(zip(row["ranks"], row["responses"]))] for row in rows]
k, ref = len(items), index["d02"]


def derivatives(theta):
    ll, g, h = 0.0, np.zeros(k), np.zeros((k, k))
    for order in orders:
        for s in range(len(order) - 1):  # the last stage has probability 1
            rest = order[s:]
            t = theta[rest]
            m = t.max()
            z = np.exp(t - m)
            p = z / z.sum()
            ll += theta[order[s]] - (m + np.log(z.sum()))
            g[order[s]] += 1
            g[rest] -= p
            h[np.ix_(rest, rest)] += np.diag(p) - np.outer(p, p)
    return ll, g, h


free = [i for i in range(k) if i != ref]
theta = np.zeros(k)
for _ in range(100):
    ll, g, h = derivatives(theta)
    step = np.linalg.solve(h[np.ix_(free, free)], g[free])
    t = 1.0
    while True:  # step halving keeps the likelihood rising
        trial = theta.copy()
        trial[free] += t * step
        if derivatives(trial)[0] >= ll - 1e-12 * abs(ll) or t < 1e-10:
            break
        t /= 2
    theta = trial
    if np.max(np.abs(t * step)) < 1e-13:
        break
ll, g, h = derivatives(theta)
cov = np.linalg.inv(h[np.ix_(free, free)])
se = np.zeros(k)
se[free] = np.sqrt(np.diag(cov))
print("loglik", f"{ll:.10f}")
print("abilities", " ".join(f"{items[i]}={theta[i]:.12f}" for i in range(k)))
print("se", " ".join(f"{items[i]}={se[i]:.12f}" for i in range(k)))
other = np.asarray(choix.opt_rankings(k, orders, alpha=0.0, method="Newton-CG", tol=1e-14))
other = other - other[ref]
print("choix max |difference|", f"{np.max(np.abs(other - theta)):.3e}")
