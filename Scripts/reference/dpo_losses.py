#!/usr/bin/env python3
"""Golden batch losses for the DPO family (spec/losses.md §0-§1, TRL 1.16.0), computed in NumPy
float64 straight from the formula sheet, independently of the Swift code. Prints Swift literals
for Tests/PrefLearnTests/Losses/DPOGoldenTests.swift.

Batch: the three pairs of DPOCase.standard; beta = 0.1; eps = 0.1 for robust and exo_pair, 0.2
for aot and aot_unpaired; tau = 0.05.
"""
import numpy as np

pc = np.array([-10, -20.5, -7.0]); pr = np.array([-14, -19, -7.25])
rc = np.array([-11, -21, -6.0]); rr = np.array([-12.5, -20, -8.0])
lc = np.array([2, 7, 1.0]); lr = np.array([5, 3, 1.0])
beta = 0.1


def softplus(t):
    return np.maximum(t, 0) + np.log1p(np.exp(-np.abs(t)))


def logsig(t):
    return -softplus(-t)


def sig(t):
    return np.where(t >= 0, 1 / (1 + np.exp(-np.abs(t))), np.exp(-np.abs(t)) / (1 + np.exp(-np.abs(t))))


SCORES = {
    "reverse_kl": lambda d: d,
    "forward_kl": lambda d: 1 - np.exp(-d),
    "js_divergence": lambda d: np.log(2) + logsig(d),
    "alpha_divergence": lambda d: (np.exp((0.5 - 1) * d) - 1) / (0.5 - 1),
}


def loss(kind, f="reverse_kl"):
    s = SCORES[f]
    dc, dr = pc - rc, pr - rr
    x, y = beta * dc, beta * dr
    z = beta * (s(dc) - s(dr))
    u = s(dc) / np.maximum(lc, 1) - s(dr) / np.maximum(lr, 1)
    if kind == "sigmoid":
        return softplus(-z).mean()
    if kind == "hinge":
        return np.maximum(0, 1 - z).mean()
    if kind == "ipo":
        return ((u - 1 / (2 * beta)) ** 2).mean()
    if kind == "exo_pair":
        e = 0.1
        q = sig(z)
        return (q * (logsig(z) - np.log(1 - e)) + (1 - q) * (logsig(-z) - np.log(e))).mean()
    if kind == "nca_pair":
        return (-logsig(x) - 0.5 * logsig(-x) - 0.5 * logsig(-y)).mean()
    if kind == "robust":
        e = 0.1
        return ((-(1 - e) * logsig(z) + e * logsig(-z)) / (1 - 2 * e)).mean()
    if kind == "bco_pair":
        return (-logsig(x) - logsig(-y)).mean()
    if kind == "sppo_hard":
        return ((dc - 1 / (2 * beta)) ** 2 + (dr + 1 / (2 * beta)) ** 2).mean()
    if kind in ("aot", "aot_unpaired"):
        e = 0.2
        d = np.sort(pc - pr) - np.sort(rc - rr) if kind == "aot" else np.sort(dc) - np.sort(dr)
        return (-(1 - e) * logsig(beta * d) - e * logsig(-beta * d)).mean()
    if kind == "apo_zero":
        return ((1 - sig(x)) + sig(y)).mean()
    if kind == "apo_down":
        return (sig(x) + sig(-z)).mean()
    if kind == "discopop":
        m = sig(z / 0.05)
        return ((1 - m) * softplus(-z) + np.exp(logsig(z / 0.05) - z)).mean()
    if kind == "sft":
        return -pc.sum() / lc.sum()
    if kind == "sigmoid_norm":
        return softplus(-beta * u).mean()
    raise ValueError(kind)


KINDS = ["sigmoid", "hinge", "ipo", "exo_pair", "nca_pair", "robust", "bco_pair", "sppo_hard", "aot",
         "aot_unpaired", "apo_zero", "apo_down", "discopop", "sft", "sigmoid_norm"]
print("let golden: [String: Double] = [")
for k in KINDS:
    print(f'    "{k}": {float(loss(k))!r},')
for f in ["forward_kl", "js_divergence", "alpha_divergence"]:
    for k in ["sigmoid", "ipo", "discopop"]:
        print(f'    "{k}/{f}": {float(loss(k, f))!r},')
print("]")
