"""NumPy peer of prefbench's `rlhf` benchmark (issue 8 item 6).

The exact-expectation REINFORCE step of a log-linear candidate policy with a KL penalty to a
uniform reference, on 100 prompts x 512 candidates x 6 features in float64, with the same
arithmetic as pref's PolicyGradientTrainer (exact reward, KL and entropy measured each step):

    s = psi @ theta,  lp = s - logsumexp(s),  p = exp(lp)
    J = mean_x [ sum_k p r - beta * KL(p || ref) ]
    dJ/ds_k = p_k (g_k - sum_j p_j g_j) / P,  g = r - beta (lp - lr)
    theta += lr * einsum("pkd,pk->d", psi, dJ/ds)

Prints the median steps per second over `rounds` rounds.
"""
import sys
import time

import numpy as np


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    P, K, D = 100, 512, 6
    rng = np.random.default_rng(1)
    psi = rng.standard_normal((P, K, D))
    w = np.array([0.6, 0.6, 0.5, 0, 0, 0])
    r = psi @ w - 0.25 * (psi ** 2).sum(-1)
    lr_ref = np.full((P, K), -np.log(K))
    theta = np.zeros(D)
    beta, step = 0.1, 0.3

    def pg_step():
        nonlocal theta
        s = psi @ theta
        m = s.max(axis=1, keepdims=True)
        lp = s - (m + np.log(np.exp(s - m).sum(axis=1, keepdims=True)))
        p = np.exp(lp)
        reward = (p * r).sum(1)
        kl = (p * (lp - lr_ref)).sum(1)
        entropy = -(p * lp).sum(1)
        g = r - beta * (lp - lr_ref)
        grad_s = p * (g - (p * g).sum(1, keepdims=True)) / P
        grad = np.einsum("pkd,pk->d", psi, grad_s)
        theta = theta + step * grad
        return reward.mean(), kl.mean(), entropy.mean()

    for _ in range(5):
        pg_step()
    samples = []
    for _ in range(rounds):
        calls, start = 0, time.perf_counter()
        while True:
            pg_step()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= 0.2:
                break
        samples.append(calls / elapsed)
    samples.sort()
    print(f"{samples[len(samples) // 2]:.1f}")


if __name__ == "__main__":
    main()
