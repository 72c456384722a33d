"""Generates the files of Scripts/bench/data: N pairs with two 64-dim embeddings each, and 20,000
pairs of longer texts for hashing, each with a .meta file (row count, text bytes)."""
import json, random, sys

n, pairs_path, texts_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rng = random.Random(1)
vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9))) for _ in range(5000)]

def sentence(lo, hi):
    return " ".join(rng.choice(vocab) for _ in range(rng.randint(lo, hi))).capitalize() + "."

def emb():
    return "[" + ", ".join(f"{rng.gauss(0, 1):.6g}" for _ in range(64)) + "]"

text_bytes = 0
with open(pairs_path, "w", encoding="utf-8") as f:
    for i in range(n):
        p, c, r = sentence(4, 12), sentence(3, 10), sentence(3, 10)
        text_bytes += len(p.encode()) + len(c.encode()) + len(r.encode())
        f.write(f'{{"prompt": {json.dumps(p)}, "chosen": {json.dumps(c)}, "rejected": {json.dumps(r)}, '
                f'"chosen_emb": {emb()}, "rejected_emb": {emb()}}}\n')
json.dump({"rows": n, "text_bytes": text_bytes}, open(pairs_path + ".meta", "w"))

response_bytes = 0
with open(texts_path, "w", encoding="utf-8") as f:
    for i in range(20000):
        p, c, r = sentence(4, 12), " ".join(sentence(5, 15) for _ in range(6)), " ".join(sentence(5, 15) for _ in range(6))
        response_bytes += len(c.encode()) + len(r.encode())
        f.write(json.dumps({"prompt": p, "chosen": c, "rejected": r}) + "\n")
json.dump({"rows": 20000, "response_bytes": response_bytes}, open(texts_path + ".meta", "w"))
