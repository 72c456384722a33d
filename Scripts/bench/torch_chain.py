"""PyTorch eager peer of prefbench's autodiff chain: the same 10 ops on 8x8 tensors, forward +
backward, median microseconds per op over interleaved samples. Runs in its own venv (run script)."""
import statistics
import sys
import time

import torch

torch.set_num_threads(1)
g = torch.Generator().manual_seed(2)
x = torch.randn(8, 8, generator=g)
w = (torch.randn(8, 8, generator=g) * 0.3).requires_grad_()
b = torch.randn(8, generator=g).requires_grad_()
s = (torch.randn(1, generator=g) * 0.3).requires_grad_()


def step():
    w.grad = b.grad = s.grad = None
    t1 = x @ w
    t2 = t1 + b
    t3 = torch.nn.functional.logsigmoid(t2)
    t4 = t3 * s
    t5 = torch.exp(t4)
    t6 = t5 - x
    t7 = t6 * t6
    t8 = t7 @ w
    t9 = t8 + t3
    loss = t9.sum()
    loss.backward()


rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
for _ in range(200):
    step()
samples = []
for _ in range(rounds):
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < 0.05:
        step()
        n += 1
    samples.append((time.perf_counter() - start) / n)
per_chain = statistics.median(samples) * 1e6
print(f"{per_chain / 10:.3f}")
