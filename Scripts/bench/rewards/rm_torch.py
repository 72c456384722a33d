#!/usr/bin/env python3
"""The PyTorch peer of the reward-model benchmark: r = w·x (nn.Linear without bias), the
Bradley-Terry loss mean -logsigmoid(r_c - r_r) over all pairs, float64, trained full-batch
(a) with Adam at lr 0.05 (pref's default reward-model recipe) and (b) with torch.optim.LBFGS
(strong-Wolfe line search). Each stops at the first step whose loss is within TOL of TARGET
(or after MAX steps). Times training alone.
Output lines: torch-<method> WALL CPU STEPS LOGLOSS
Usage: rm_torch.py DATA.npz TARGET TOL THREADS [MAX]
"""
import sys
import time

import numpy as np
import torch

data = np.load(sys.argv[1])
target, tol, threads = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
limit = int(sys.argv[5]) if len(sys.argv) > 5 else 2000
torch.set_num_threads(threads)
xc = torch.from_numpy(np.ascontiguousarray(data["xc"]))
xr = torch.from_numpy(np.ascontiguousarray(data["xr"]))
dim = xc.shape[1]


def model():
    torch.manual_seed(1)
    m = torch.nn.Linear(dim, 1, bias=False).double()
    return m


def loss_of(m):
    return -torch.nn.functional.logsigmoid(m(xc).squeeze(1) - m(xr).squeeze(1)).mean()


def adam():
    m = model()
    opt = torch.optim.Adam(m.parameters(), lr=0.05)
    for step in range(1, limit + 1):
        opt.zero_grad()
        loss = loss_of(m)
        if loss.item() <= target + tol:
            return step, loss.item()
        loss.backward()
        opt.step()
    return limit, loss.item()


def lbfgs():
    m = model()
    opt = torch.optim.LBFGS(m.parameters(), lr=1, max_iter=1, history_size=10, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = loss_of(m)
        loss.backward()
        return loss

    for step in range(1, limit + 1):
        value = opt.step(closure).item()  # the loss before this step's update
        if value <= target + tol:
            return step, value
    return limit, value


# One untimed forward and backward first: PyTorch's lazy start-up is not training.
loss_of(model()).backward()
for name, f in [("adam", adam), ("lbfgs", lbfgs)]:
    w0, c0 = time.perf_counter(), time.process_time()
    steps, value = f()
    w1, c1 = time.perf_counter(), time.process_time()
    print(f"torch-{name} {w1 - w0:.4f} {c1 - c0:.4f} {steps} {value:.10f}")
