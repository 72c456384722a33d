#!/usr/bin/env python3
"""Reference Bradley-Terry fits for Tests/PrefLearnTests/BradleyTerryTests.swift, computed as a
binomial logistic regression (the glm formulation of Agresti 2002, sec. 10.6, and R's
BradleyTerry2) maximised by SciPy's trust-region optimiser on the comparison files under
Tests/Golden/leaderboards/files, independently of the Swift Newton code.

Standard errors: the inverse of the observed information at the optimum; for the centred
parametrisation sqrt(diag(P V P)) with P = I - 11'/K. Needs numpy and scipy
(Scripts/bench/.venv-rewards has both).
"""
import csv
import os

import numpy as np
from scipy.optimize import minimize

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, "..", "..", "Tests", "Golden", "leaderboards", "files")


def rows(name):
    with open(os.path.join(FILES, name)) as f:
        return list(csv.DictReader(f))


def fit(data, reference, home):
    items = sorted({r["winner"] for r in data} | {r["loser"] for r in data})
    k = len(items)
    # Centring fixes the first item during the fit, then projects.
    free = [i for i in range(k) if items[i] != (reference or items[0])]
    p = len(free) + (1 if home else 0)
    X = np.zeros((len(data), p))
    w = np.array([float(r["count"]) for r in data])
    for n, r in enumerate(data):
        a, b = items.index(r["winner"]), items.index(r["loser"])
        if a in free:
            X[n, free.index(a)] += 1
        if b in free:
            X[n, free.index(b)] -= 1
        if home and r.get("home"):
            X[n, -1] = 1 if r["home"] == r["winner"] else -1
    # Each row says "winner beat loser count times": a logistic regression with every response 1.

    def f(beta):
        eta = X @ beta
        return np.sum(w * np.logaddexp(0, -eta))

    def g(beta):
        eta = X @ beta
        return -X.T @ (w / (1 + np.exp(eta)))

    def h(beta):
        s = 1 / (1 + np.exp(-(X @ beta)))
        return X.T @ (X * (w * s * (1 - s))[:, None])

    res = minimize(f, np.zeros(p), jac=g, hess=h, method="trust-exact", options={"gtol": 1e-13})
    cov = np.linalg.inv(h(res.x))
    theta = np.zeros(k)
    full = np.zeros((k, k))
    for a, i in enumerate(free):
        theta[i] = res.x[a]
        for b, j in enumerate(free):
            full[i, j] = cov[a, b]
    if reference is None:
        P = np.eye(k) - np.ones((k, k)) / k
        theta = theta - theta.mean()
        se = np.sqrt(np.diag(P @ full @ P))
    else:
        se = np.sqrt(np.diag(full))
    out = {"items": items, "abilities": theta, "se": se, "loglik": -res.fun}
    if home:
        out["home"] = res.x[-1]
        out["home_se"] = np.sqrt(cov[-1, -1])
    return out


def show(label, r):
    print(f"// {label}: loglik {float(r['loglik']):.12f}")
    print("abilities: [" + ", ".join(f"{x:.12f}" for x in r["abilities"]) + "],")
    print("se: [" + ", ".join(f"{x:.12f}" for x in r["se"]) + "],")
    if "home" in r:
        print(f"home: {r['home']:.12f}, home_se: {r['home_se']:.12f}")
    print("items:", r["items"])


show("baseball, Baltimore reference", fit(rows("baseball.csv"), "Baltimore", False))
show("baseball with home advantage", fit(rows("baseball.csv"), "Baltimore", True))
show("citations, Biometrika reference", fit(rows("citations.csv"), "Biometrika", False))
show("citations, centred", fit(rows("citations.csv"), None, False))
