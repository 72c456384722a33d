#!/usr/bin/env python3
"""Reference trajectories for the optimizers, gradient clipping and learning-rate schedules of
Sources/PrefCore/Optim, written as JSON to stdout.

This is an independent NumPy implementation written from the documented update rules, not a
port of the Swift code:

  - SGD:   the algorithm box of torch.optim.SGD (PyTorch docs): weight decay added to the
           gradient, momentum buffer initialised to the gradient on the first step (no
           dampening), b <- mu*b + (1 - tau)*g afterwards, Nesterov g <- g + mu*b.
  - Adam:  the algorithm box of torch.optim.Adam (Kingma & Ba 2015, with PyTorch's L2 weight
           decay and AMSGrad as v_max <- max(v_max, v), v_hat = v_max / (1 - beta2^t)),
           theta <- theta - lr * m_hat / (sqrt(v_hat) + eps).
  - AdamW: the algorithm box of torch.optim.AdamW (Loshchilov & Hutter 2019):
           theta <- theta - lr*lambda*theta, then the Adam step without the L2 term.
  - Clipping: torch.nn.utils.clip_grad_norm_ (norm type 2): coef = max_norm / (norm + 1e-6),
           gradients multiplied by coef when coef < 1.
  - Schedules: transformers' get_linear_schedule_with_warmup, get_cosine_schedule_with_warmup
           (num_cycles 0.5) and get_cosine_with_min_lr_schedule_with_warmup (min_lr_rate).

Every optimizer runs 6 steps in float64 on a fixed 5-element parameter vector under a fixed,
parameter-independent gradient sequence (stored in the JSON, so the Swift test feeds exactly the
same gradients). Schedules are evaluated at steps 0..12 with warmup 3 and total 10.

Cross-check: with `--check-torch`, the same configurations are also run through torch.optim
(and the schedules through transformers when it is installed) and the largest relative
difference is reported on stderr. This was done once when the fixture was recorded: torch
2.15.0 (PyPI build, float64 on CPU, foreach=False) agreed with every trajectory and clipping
norm to 1.7e-14 relative, and transformers 5.24.0 agreed with every schedule factor exactly.

Usage:
  python3 Scripts/reference/optimizers.py > Tests/PrefCoreTests/Fixtures/optimizer_reference.json
  python3 Scripts/reference/optimizers.py --check-torch > /dev/null
Requires numpy (and torch, transformers for --check-torch).
"""
import json
import math
import sys

import numpy as np

STEPS = 6
INITIAL = np.array([0.5, -1.2, 2.0, 0.3, -0.7], dtype=np.float64)


def gradient(t, n=len(INITIAL)):
    """g_t[i] for t = 1..STEPS: mixed signs, magnitudes from ~0.02 to ~2.4 (small ones
    late, so that AMSGrad's running maximum differs from v)."""
    return np.array([math.sin(0.9 * t + 1.3 * i) * (1.0 + 0.25 * i) * (1.2 if t < 4 else 0.15)
                     for i in range(n)], dtype=np.float64)


GRADIENTS = [gradient(t) for t in range(1, STEPS + 1)]

OPTIMIZERS = [
    dict(name="sgd_plain", kind="sgd", lr=0.1),
    dict(name="sgd_momentum_dampening", kind="sgd", lr=0.1, momentum=0.9, dampening=0.1),
    dict(name="sgd_nesterov_weight_decay", kind="sgd", lr=0.1, momentum=0.9, weight_decay=0.01,
         nesterov=True),
    dict(name="adam_default", kind="adam"),
    dict(name="adam_weight_decay_amsgrad", kind="adam", lr=0.01, betas=[0.8, 0.9],
         weight_decay=0.1, amsgrad=True),
    dict(name="adamw", kind="adamw", lr=0.05, weight_decay=0.01),
    dict(name="clip_then_sgd", kind="sgd", lr=0.1, clip=0.5),
]

SCHEDULES = [
    dict(name="constant", kind="constant"),
    dict(name="linear", kind="linear", warmup=3, total=10),
    dict(name="cosine", kind="cosine", warmup=3, total=10, min_factor=0.0),
    dict(name="cosine_min", kind="cosine", warmup=3, total=10, min_factor=0.1),
]


def with_defaults(c):
    d = dict(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
             betas=[0.9, 0.999], eps=1e-8, amsgrad=False, clip=None)
    if c["kind"] == "sgd":
        d["lr"] = 0.1
    if c["kind"] == "adamw":
        d["weight_decay"] = 1e-2
    d.update(c)
    return d


def clip(g, max_norm):
    norm = float(np.sqrt(np.sum(g * g)))
    coef = max_norm / (norm + 1e-6)
    return (g * coef if coef < 1.0 else g), norm


def run_sgd(c):
    theta, buf, traj, norms = INITIAL.copy(), None, [], []
    for g in GRADIENTS:
        if c["clip"] is not None:
            g, norm = clip(g, c["clip"])
            norms.append(norm)
        if c["weight_decay"] != 0:
            g = g + c["weight_decay"] * theta
        if c["momentum"] != 0:
            buf = g.copy() if buf is None else c["momentum"] * buf + (1 - c["dampening"]) * g
            g = g + c["momentum"] * buf if c["nesterov"] else buf
        theta = theta - c["lr"] * g
        traj.append(theta.tolist())
    return traj, norms


def run_adam(c, decoupled):
    b1, b2 = c["betas"]
    lr, wd, eps = c["lr"], c["weight_decay"], c["eps"]
    theta = INITIAL.copy()
    m, v, vmax = np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
    traj = []
    for t, g in enumerate(GRADIENTS, start=1):
        if decoupled:
            theta = theta - lr * wd * theta
        elif wd != 0:
            g = g + wd * theta
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1 ** t)
        if c["amsgrad"]:
            vmax = np.maximum(vmax, v)
            v_hat = vmax / (1 - b2 ** t)
        else:
            v_hat = v / (1 - b2 ** t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        traj.append(theta.tolist())
    return traj


def schedule_factor(s, step):
    if s["kind"] == "constant":
        return 1.0
    warmup, total = s["warmup"], s["total"]
    if step < warmup:
        return float(step) / float(max(1, warmup))
    if s["kind"] == "linear":
        return max(0.0, float(total - step) / float(max(1, total - warmup)))
    progress = float(step - warmup) / float(max(1, total - warmup))
    f = 0.5 * (1.0 + math.cos(math.pi * progress))
    return max(0.0, f * (1 - s["min_factor"]) + s["min_factor"])


def reference():
    optimizers = []
    for c in OPTIMIZERS:
        c = with_defaults(c)
        norms = []
        if c["kind"] == "sgd":
            traj, norms = run_sgd(c)
        else:
            traj = run_adam(c, decoupled=c["kind"] == "adamw")
        entry = {k: c[k] for k in ("name", "kind", "lr", "momentum", "dampening", "weight_decay",
                                   "nesterov", "betas", "eps", "amsgrad", "clip")}
        entry["trajectory"] = traj
        entry["norms"] = norms
        optimizers.append(entry)
    # AMSGrad must matter for its configuration to test anything.
    plain = run_adam(dict(with_defaults(OPTIMIZERS[4]), amsgrad=False), decoupled=False)
    assert plain[-1] != optimizers[4]["trajectory"][-1], "amsgrad has no effect on this sequence"
    schedules = []
    for s in SCHEDULES:
        e = dict(s)
        e["factors"] = [schedule_factor(s, k) for k in range(13)]
        schedules.append(e)
    return dict(steps=STEPS, initial=INITIAL.tolist(), gradients=[g.tolist() for g in GRADIENTS],
                optimizers=optimizers, schedules=schedules)


def check_torch(ref):
    import torch

    worst = 0.0
    for e in ref["optimizers"]:
        p = torch.nn.Parameter(torch.tensor(ref["initial"], dtype=torch.float64))
        if e["kind"] == "sgd":
            opt = torch.optim.SGD([p], lr=e["lr"], momentum=e["momentum"], dampening=e["dampening"],
                                  weight_decay=e["weight_decay"], nesterov=e["nesterov"])
        else:
            cls = torch.optim.Adam if e["kind"] == "adam" else torch.optim.AdamW
            opt = cls([p], lr=e["lr"], betas=tuple(e["betas"]), eps=e["eps"],
                      weight_decay=e["weight_decay"], amsgrad=e["amsgrad"], foreach=False)
        for t, g in enumerate(ref["gradients"]):
            p.grad = torch.tensor(g, dtype=torch.float64)
            if e["clip"] is not None:
                norm = float(torch.nn.utils.clip_grad_norm_([p], e["clip"]))
                worst = max(worst, abs(norm - e["norms"][t]) / abs(e["norms"][t]))
            opt.step()
            got, want = p.detach().numpy(), np.array(e["trajectory"][t])
            worst = max(worst, float(np.max(np.abs(got - want) / np.abs(want))))
        print(f"torch {torch.__version__}: {e['name']} ok, worst relative difference so far {worst:.3g}",
              file=sys.stderr)
    try:
        import transformers
        from transformers import (get_cosine_schedule_with_warmup, get_linear_schedule_with_warmup,
                                  get_cosine_with_min_lr_schedule_with_warmup)
    except ImportError:
        print("transformers not installed: schedules not cross-checked", file=sys.stderr)
        return worst
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    for s in ref["schedules"]:
        if s["kind"] == "constant":
            continue
        if s["kind"] == "linear":
            sched = get_linear_schedule_with_warmup(opt, s["warmup"], s["total"])
        elif s["min_factor"] == 0:
            sched = get_cosine_schedule_with_warmup(opt, s["warmup"], s["total"])
        else:
            sched = get_cosine_with_min_lr_schedule_with_warmup(opt, s["warmup"], s["total"],
                                                                min_lr_rate=s["min_factor"])
        got = [sched.lr_lambdas[0](k) for k in range(13)]
        d = max(abs(a - b) for a, b in zip(got, s["factors"]))
        worst = max(worst, d)
        print(f"transformers {transformers.__version__}: {s['name']} max abs difference {d:.3g}",
              file=sys.stderr)
    return worst


if __name__ == "__main__":
    ref = reference()
    if "--check-torch" in sys.argv[1:]:
        w = check_torch(ref)
        print(f"largest difference from torch/transformers: {w:.3g}", file=sys.stderr)
        sys.exit(0 if w < 1e-12 else 1)
    json.dump(ref, sys.stdout, indent=1)
    sys.stdout.write("\n")
