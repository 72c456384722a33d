"""The PyTorch eager peer of token_dpo.pref: the same token policy and DPO step, same shapes.

Model (pref's TokenPolicy, context 1): h_t = tanh(x W_x + E[y_{t-1}] + b1), log p = log_softmax(h W2 + b2)
over V + 1 outputs (EOS = V, BOS = context index V); 64 pairs per step, each side padded to
16 tokens + EOS; DPO loss -log sigma(beta((pc - rc) - (pr - rr))) against reference log-probs
computed once; AdamW lr 1e-3, weight decay 0.01; float32; one thread. Prints pairs/s.
"""
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)
V, H, DX, T, B, PROMPTS = 32, 128, 4, 16, 64, 256
PAIRS = int(sys.argv[1]) if len(sys.argv) > 1 else 8192
BETA = 0.1


class TokenPolicy(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w_x = torch.nn.Parameter(torch.randn(DX, H) / (DX + 1) ** 0.5)
        self.embed = torch.nn.Parameter(torch.randn(V + 1, H) / (DX + 1) ** 0.5)
        self.b1 = torch.nn.Parameter(torch.zeros(H))
        self.w2 = torch.nn.Parameter(torch.randn(H, V + 1) / H ** 0.5)
        self.b2 = torch.nn.Parameter(torch.zeros(V + 1))

    def forward(self, x, context, targets, mask):
        """x [N, DX] per sequence, context/targets/mask [N, T+1]: sequence log-probs [N]."""
        n, w = targets.shape
        # x·W_x at every position (one row per position, as pref does).
        pre = x.repeat_interleave(w, 0) @ self.w_x
        h = torch.tanh(pre + self.embed[context.reshape(-1)] + self.b1)
        lp = torch.log_softmax(h @ self.w2 + self.b2, dim=-1)
        picked = lp.gather(1, targets.reshape(-1, 1)).reshape(n, w)
        return torch.where(mask, picked, torch.zeros((), dtype=picked.dtype)).sum(1)


def layout(seqs):
    """Targets (tokens, EOS, pad 0), contexts (BOS, tokens, BOS on padding) and masks, [N, T+1]."""
    n = len(seqs)
    targets = torch.zeros(n, T + 1, dtype=torch.long)
    context = torch.full((n, T + 1), V, dtype=torch.long)
    mask = torch.zeros(n, T + 1, dtype=torch.bool)
    for r, s in enumerate(seqs):
        l = len(s)
        targets[r, :l] = torch.tensor(s)
        targets[r, l] = V
        context[r, 1:l + 1] = torch.tensor(s)
        mask[r, :l + 1] = True
    return targets, context, mask


def main():
    g = torch.Generator().manual_seed(1)
    prompts_x = torch.randn(PROMPTS, DX, generator=g)
    def draw():
        return [torch.randint(0, V, (int(torch.randint(1, T + 1, (1,), generator=g)),), generator=g).tolist() for _ in range(PAIRS)]
    chosen, rejected = draw(), draw()
    prompt = torch.randint(0, PROMPTS, (PAIRS,), generator=g)
    policy = TokenPolicy()
    reference = TokenPolicy()
    reference.load_state_dict(policy.state_dict())
    # Reference log-probs once, as pref's task does before the run.
    with torch.no_grad():
        ref = []
        for start in range(0, PAIRS, 1024):
            idx = torch.arange(start, min(start + 1024, PAIRS))
            t, c, m = layout([chosen[i] for i in idx] + [rejected[i] for i in idx])
            ref.append(reference(prompts_x[torch.cat([prompt[idx], prompt[idx]])], c, t, m).reshape(2, -1))
        ref = torch.cat(ref, 1)
    opt = torch.optim.AdamW(policy.parameters(), lr=1e-3, weight_decay=0.01)
    # The padded layout of every pair once (the idiomatic PyTorch data pipeline; pref builds each
    # step's batch in the step, so this favours PyTorch).
    tc, cc, mc = layout(chosen)
    tr, cr, mr = layout(rejected)

    def run(pairs):
        order = torch.randperm(pairs)
        for start in range(0, pairs, B):
            idx = order[start:start + B]
            b = len(idx)
            t, c, m = torch.cat([tc[idx], tr[idx]]), torch.cat([cc[idx], cr[idx]]), torch.cat([mc[idx], mr[idx]])
            x = prompts_x[torch.cat([prompt[idx], prompt[idx]])]
            seq = policy(x, c, t, m)
            h = (seq[:b] - ref[0, idx]) - (seq[b:] - ref[1, idx])
            loss = -torch.nn.functional.logsigmoid(BETA * h).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        return loss.item()

    run(256)  # warm-up
    start = time.perf_counter()
    last = run(PAIRS)
    elapsed = time.perf_counter() - start
    print(f"{PAIRS / elapsed:.1f} pairs/s ({PAIRS // B} steps in {elapsed:.3f} s, last loss {last:.4f})")


if __name__ == "__main__":
    main()
