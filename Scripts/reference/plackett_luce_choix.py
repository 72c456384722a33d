#!/usr/bin/env python3
"""A second, independent reference for the Plackett-Luce leaderboard test
(Tests/PrefLearnTests/PlackettLuceTests.swift): the Python package choix fits the same 60 partial
rankings (Tests/Golden/leaderboards/files/rankings.jsonl) by maximum likelihood with two of its
own algorithms, choix.opt_rankings (Newton-CG on the log-likelihood) and choix.ilsr_rankings
(iterative Luce spectral ranking, Maystre & Grossglauser 2015), both without regularisation.
choix centres its parameters; they are printed with apple (the first item alphabetically) at 0,
the test's parametrisation, to 12 decimals. choix gives no standard errors (those are checked
against Scripts/reference/plackett_luce.py). Needs choix (Scripts/bench/.venv-rewards has it).
"""
import json
import os

import choix
import numpy as np

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Golden", "leaderboards", "files", "rankings.jsonl")
rows = [json.loads(line) for line in open(PATH) if line.strip()]
items = sorted({r for row in rows for r in row["responses"]})
index = {name: i for i, name in enumerate(items)}
# choix wants each ranking as item indices from best to worst.
data = [[index[name] for _, name in sorted(zip(row["ranks"], row["responses"]))] for row in rows]

for name, fit in [("opt_rankings", lambda: choix.opt_rankings(len(items), data, alpha=0.0, method="Newton-CG", tol=1e-14)),
                  ("ilsr_rankings", lambda: choix.ilsr_rankings(len(items), data, alpha=0.0, tol=1e-14, max_iter=100000))]:
    theta = np.asarray(fit())
    theta = theta - theta[0]
    print(name, " ".join(f"{items[i]}={theta[i]:.12f}" for i in range(len(items))))
