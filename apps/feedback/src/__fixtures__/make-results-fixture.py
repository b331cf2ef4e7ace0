"""Reference statistics for the feedback subgraph's results tests.

    python3 apps/feedback/src/__fixtures__/make-results-fixture.py

Python 3.11, NumPy 2, SciPy 1.17. Writes results.scipy.json beside this file.
The data set is generated here with a seeded NumPy generator and stored in the
fixture, so the tests feed exactly these values through the API.
"""
import json
import pathlib

import numpy as np
from scipy import stats

rng = np.random.default_rng(20260501)
CONF = 0.95

# Three variants (A is the control): ratings 1..5, LLM-judge scores, thumbs, latencies (ms).
data = {}
for key, probs, score_mean, thumbs_p, latency_median in [
    ("A", [0.08, 0.12, 0.30, 0.30, 0.20], 0.62, 0.55, 420.0),
    ("B", [0.04, 0.08, 0.22, 0.36, 0.30], 0.70, 0.68, 450.0),
    ("C", [0.07, 0.12, 0.31, 0.30, 0.20], 0.61, 0.52, 900.0),
]:
    n = {"A": 160, "B": 150, "C": 140}[key]
    data[key] = {
        "rating": [int(x) for x in rng.choice([1, 2, 3, 4, 5], size=n, p=probs)],
        "score": [round(float(x), 4) for x in np.clip(rng.normal(score_mean, 0.15, size=n), 0, 1)],
        "thumbs": [bool(x) for x in rng.random(n) < thumbs_p],
        "latencyMs": [round(float(x), 2) for x in rng.lognormal(np.log(latency_median), 0.35, size=n)],
    }


def summary(x):
    x = np.asarray(x, dtype=float)
    m = float(np.mean(x))
    s = float(np.std(x, ddof=1))
    lo, hi = stats.t.interval(CONF, len(x) - 1, loc=m, scale=stats.sem(x))  # scipy.stats.t.interval
    return {"n": len(x), "mean": m, "stddev": s, "ciLow": float(lo), "ciHigh": float(hi)}


def welch(t, c):
    r = stats.ttest_ind(t, c, equal_var=False)  # scipy.stats.ttest_ind(equal_var=False)
    ci = r.confidence_interval(CONF)
    return {"difference": float(np.mean(t) - np.mean(c)), "ciLow": float(ci.low), "ciHigh": float(ci.high),
            "relativeLift": float(np.mean(t) / np.mean(c) - 1), "pValue": float(r.pvalue)}


def two_prop(t, c):
    table = [[sum(t), len(t) - sum(t)], [sum(c), len(c) - sum(c)]]
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)  # scipy.stats.chi2_contingency(correction=False)
    pt, pc = sum(t) / len(t), sum(c) / len(c)
    se = np.sqrt(pt * (1 - pt) / len(t) + pc * (1 - pc) / len(c))
    z = stats.norm.ppf(1 - (1 - CONF) / 2)  # Wald interval, scipy.stats.norm.ppf
    return {"difference": pt - pc, "ciLow": float(pt - pc - z * se), "ciHigh": float(pt - pc + z * se),
            "relativeLift": pt / pc - 1, "pValue": float(p)}


def holm(ps):
    # Holm (1979) step-down, written out: p_(i) * (m - i), running max, capped at 1.
    m = len(ps)
    order = np.argsort(ps)
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, ps[i] * (m - rank)))
        adj[i] = running
    return [float(a) for a in adj]


expected = {}
for metric in ["rating", "score", "thumbs", "latencyMs"]:
    as_float = {k: np.asarray(v[metric], dtype=float) for k, v in data.items()}
    entry = {"variants": {k: summary(x) for k, x in as_float.items()}, "comparisons": {}}
    for t in ["B", "C"]:
        entry["comparisons"][t] = two_prop(data[t][metric], data["A"][metric]) if metric == "thumbs" else welch(as_float[t], as_float["A"])
    if metric == "rating":
        for t in ["B", "C"]:
            u = stats.mannwhitneyu(as_float[t], as_float["A"], method="asymptotic")  # scipy.stats.mannwhitneyu(method='asymptotic')
            entry["comparisons"][t]["mannWhitneyPValue"] = float(u.pvalue)
    if metric == "latencyMs":
        for k, x in as_float.items():
            entry["variants"][k]["p50"] = float(np.percentile(x, 50, method="inverted_cdf"))  # numpy.percentile(method='inverted_cdf')
            entry["variants"][k]["p95"] = float(np.percentile(x, 95, method="inverted_cdf"))
    ps = [entry["comparisons"][t]["pValue"] for t in ["B", "C"]]
    for t, a in zip(["B", "C"], holm(ps)):
        entry["comparisons"][t]["adjustedPValue"] = a
    expected[metric] = entry

# Sample-ratio check: 50/30/20 weights; a healthy and a skewed set of first exposures.
weights = [0.5, 0.3, 0.2]
srm = {}
for name, observed in [("healthy", [1010, 588, 402]), ("skewed", [1100, 560, 340])]:
    total = sum(observed)
    r = stats.chisquare(observed, [total * w for w in weights])  # scipy.stats.chisquare(observed, expected)
    srm[name] = {"observed": observed, "expected": [total * w for w in weights], "pValue": float(r.pvalue), "statistic": float(r.statistic)}

out = {
    "_source": "apps/feedback/src/__fixtures__/make-results-fixture.py (Python 3.11, NumPy 2, SciPy 1.17): "
    "scipy.stats.t.interval, scipy.stats.ttest_ind(equal_var=False) with .confidence_interval(0.95), "
    "scipy.stats.chi2_contingency(correction=False) with a Wald interval (scipy.stats.norm.ppf), "
    "scipy.stats.mannwhitneyu(method='asymptotic'), Holm written out, numpy.percentile(method='inverted_cdf'), "
    "scipy.stats.chisquare",
    "weights": weights,
    "data": data,
    "expected": expected,
    "srm": srm,
}
pathlib.Path(__file__).with_name("results.scipy.json").write_text(json.dumps(out, indent=1) + "\n")
print({m: {t: round(e["comparisons"][t]["pValue"], 5) for t in ["B", "C"]} for m, e in expected.items()}, {k: v["pValue"] for k, v in srm.items()})
