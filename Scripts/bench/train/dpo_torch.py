"""PyTorch eager peer of train.pref: DPO on a log-linear candidate policy, the same shapes and
work as pref's fit (Scripts/bench/train/run). Prints one line per variant: "<name> <pairs/s>".

Each step: gather the batch's candidate features X[idx] ([B, K, D]), scores X·θ, log-softmax
over the K candidates, chosen / rejected log-probs, the DPO sigmoid loss against the frozen
reference (θ as built, precomputed per prompt as pref does), backward, AdamW (weight decay 0.01,
as pref's). Variant "metrics" also logs what pref's fit logs every step (TRL's rewards/*,
logps/*, exact KL and the gradient norm); "loss" computes the loss only. Each epoch shuffles.
"""
import argparse
import time

import torch
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--prompts", type=int, default=20000)
p.add_argument("--candidates", type=int, default=8)
p.add_argument("--dim", type=int, default=256)
p.add_argument("--epochs", type=int, default=3)
p.add_argument("--batch", type=int, default=256)
p.add_argument("--dtype", default="f32")
p.add_argument("--threads", type=int, default=1)
p.add_argument("--seed", type=int, default=1)
p.add_argument("--variants", default="metrics,loss", help="which fits to run, in this order")
a = p.parse_args()

torch.set_num_threads(a.threads)
dtype = torch.float32 if a.dtype == "f32" else torch.float64
g = torch.Generator().manual_seed(a.seed)
P, K, D, B, beta = a.prompts, a.candidates, a.dim, a.batch, 0.1
X = torch.randn(P, K, D, generator=g, dtype=dtype) / 16
chosen = torch.randint(0, K, (P,), generator=g)
rejected = (chosen + 1 + torch.randint(0, K - 1, (P,), generator=g)) % K


def fit(with_metrics):
    theta = torch.zeros(D, dtype=dtype, requires_grad=True)
    with torch.no_grad():
        ref = F.log_softmax(X @ theta, dim=-1)  # [P, K]
    opt = torch.optim.AdamW([theta], lr=1e-3, weight_decay=0.01)
    history = []
    start = time.perf_counter()
    for epoch in range(a.epochs):
        order = torch.randperm(P, generator=g)
        for s in range(0, P, B):
            idx = order[s:s + B]
            lp = F.log_softmax(X[idx] @ theta, dim=-1)  # [B, K]
            c, r = chosen[idx].unsqueeze(1), rejected[idx].unsqueeze(1)
            pc, pr = lp.gather(1, c).squeeze(1), lp.gather(1, r).squeeze(1)
            rl = ref[idx]
            rc, rr = rl.gather(1, c).squeeze(1), rl.gather(1, r).squeeze(1)
            loss = -F.logsigmoid(beta * ((pc - rc) - (pr - rr))).mean()
            opt.zero_grad()
            loss.backward()
            if with_metrics:
                with torch.no_grad():
                    rwc, rwr = beta * (pc - rc), beta * (pr - rr)
                    kl = (lp.exp() * (lp - rl)).sum(1).mean()
                    history.append({
                        "loss": loss.item(), "rewards/chosen": rwc.mean().item(), "rewards/rejected": rwr.mean().item(),
                        "rewards/accuracies": (rwc > rwr).float().mean().item(), "rewards/margins": (rwc - rwr).mean().item(),
                        "logps/chosen": pc.mean().item(), "logps/rejected": pr.mean().item(), "kl": kl.item(),
                        "grad_norm": theta.grad.norm().item(),
                    })
            opt.step()
    return time.perf_counter() - start, loss.item()


for name in a.variants.split(","):
    elapsed, last = fit(name == "metrics")
    print(f"{name} {P * a.epochs / elapsed:.0f} {last:.6f}")
