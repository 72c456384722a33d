#!/usr/bin/env python3
"""Synthetic arena comparisons for the leaderboard benchmark: N items with log-strengths
theta ~ N(0, 1), M comparisons between uniformly drawn distinct pairs, the winner drawn from the
Bradley-Terry probability sigma(theta_i - theta_j). Writes winner,loser CSV rows with names
item0000... (zero-padded, so sorting names sorts indices).
Usage: leaderboard_generate.py ITEMS COMPARISONS SEED OUT.csv
"""
import sys

import numpy as np

items, comparisons, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(seed)
theta = rng.normal(size=items)
a = rng.integers(0, items, size=comparisons)
b = (a + rng.integers(1, items, size=comparisons)) % items
p = 1 / (1 + np.exp(-(theta[a] - theta[b])))
first = rng.random(comparisons) < p
winner, loser = np.where(first, a, b), np.where(first, b, a)
width = len(str(items - 1))
names = np.array([f"item{i:0{width}d}" for i in range(items)])
with open(out, "w") as f:
    f.write("winner,loser\n")
    f.write("\n".join(np.char.add(np.char.add(names[winner], ","), names[loser])))
    f.write("\n")
