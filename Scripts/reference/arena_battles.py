#!/usr/bin/env python3
"""Writes examples/data/arena_battles.csv: 3,000 arena-style battles between ten chat models
with known log-strengths (TRUTH, centred), for examples/leaderboard.pref. Each battle picks two
distinct models uniformly; it is a tie with probability 0.15, else model a wins with the
Bradley-Terry probability sigma(theta_a - theta_b). Seeded, so the file is reproducible.
"""
import os

import numpy as np

TRUTH = {"atlas": 1.2, "borealis": 0.9, "cirrus": 0.75, "dynamo": 0.5, "ember": 0.3,
         "fjord": 0.0, "gale": -0.25, "halo": -0.6, "iris": -1.0, "juniper": -1.5}
names = list(TRUTH)
theta = np.array([TRUTH[n] for n in names])
theta -= theta.mean()
rng = np.random.default_rng(2024)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "data", "arena_battles.csv")
with open(out, "w") as f:
    f.write("winner,loser,tie\n")
    for _ in range(3000):
        a, b = rng.choice(len(names), size=2, replace=False)
        if rng.random() < 0.15:
            f.write(f"{names[a]},{names[b]},true\n")
        elif rng.random() < 1 / (1 + np.exp(-(theta[a] - theta[b]))):
            f.write(f"{names[a]},{names[b]},false\n")
        else:
            f.write(f"{names[b]},{names[a]},false\n")
print("centred truth:", dict(zip(names, np.round(theta, 4))))
