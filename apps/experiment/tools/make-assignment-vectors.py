"""Reference assignments for the experiment subgraph's tests, from Python's hashlib.

Run from the repository root:  python3 apps/experiment/tools/make-assignment-vectors.py
(Python 3.11, standard library only). Prints JSON; the numbers are pasted into
apps/gateway/test/experiment.e2e.test.ts and apps/experiment/src/experiment.postgres.test.ts
beside a note naming this script.

The formulas are written out here independently of libs/core:
  bucket  = int(md5(f"{salt}:{unit}").hexdigest()[:8], 16) / 0xFFFFFFFF        (the seed's)
  variant = ranges of [0, 1] from the top down in listed order: variant i takes
            [sum(w[i+1:]) / sum(w), sum(w[i:]) / sum(w)), the control (i = 0) up to 1 inclusive
  traffic = int(md5(f"traffic:{salt}:{unit}").hexdigest()[:8], 16) / 0xFFFFFFFF < allocation
"""
import hashlib
import json
from collections import Counter


def h(text):
    return int(hashlib.md5(text.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def variant(bucket, keys, weights):
    total = sum(weights)
    chosen = len(keys) - 1
    below = 0.0
    for i in range(len(keys) - 2, -1, -1):
        below += weights[i + 1]
        if bucket >= below / total:
            chosen = i
        else:
            break
    return keys[chosen]


out = {}

# The seed's example: salt summarizer_prompt, [A, B] 50/50 (bucket < 0.5 is B, as ABExperiment.assign).
out["seed"] = {u: {"bucket": h(f"summarizer_prompt:{u}"), "variant": variant(h(f"summarizer_prompt:{u}"), ["A", "B"], [0.5, 0.5])}
               for u in ["user_101", "user_202", "user_303"]}

# A 3-variant split 50/30/20, salt three_way_split.
three_keys, three_weights = ["control", "shorter", "bullets"], [0.5, 0.3, 0.2]
three = {}
for u in [f"user_{i}" for i in range(1, 13)] + ["alice@example.com", "Zoë", "ユーザー42"]:
    b = h(f"three_way_split:{u}")
    three[u] = {"bucket": b, "variant": variant(b, three_keys, three_weights)}
out["threeWay"] = three

# 10 000 ids user_0 … user_9999 on the seed's experiment: counts and a sample.
batch_ids = [f"user_{i}" for i in range(10_000)]
batch = [variant(h(f"summarizer_prompt:{u}"), ["A", "B"], [0.5, 0.5]) for u in batch_ids]
out["seedBatch"] = {"counts": dict(Counter(batch)),
                    "sample": {batch_ids[i]: batch[i] for i in range(0, 10_000, 499)}}

# The same 10 000 ids, 3-way split with 60 % traffic: counts (None = outside the allocation).
alloc = []
for u in batch_ids:
    if h(f"traffic:three_way_split:{u}") < 0.6:
        alloc.append(variant(h(f"three_way_split:{u}"), three_keys, three_weights))
    else:
        alloc.append(None)
out["threeWayTraffic60"] = {"counts": {str(k): v for k, v in Counter(alloc).items()},
                            "sample": {batch_ids[i]: alloc[i] for i in range(0, 10_000, 997)}}
# Raising the allocation to 0.9 keeps every unit admitted at 0.6.
out["threeWayTraffic90InCount"] = sum(1 for u in batch_ids if h(f"traffic:three_way_split:{u}") < 0.9)

print(json.dumps(out, indent=1, ensure_ascii=False))
