"""Reference values for libs/core's tests.

Run from the repository root:  python3 libs/core/tools/make-fixtures.py
Needs Python 3.11 with numpy and scipy (written against scipy 1.17). Writes the
JSON fixtures under libs/core/src/**/__fixtures__/; each fixture names the
call that produced it in `_source`. Everything is seeded, so reruns give the
same files.
"""
import hashlib
import json
import math
from pathlib import Path

import numpy as np
import scipy
from scipy import stats, integrate

ROOT = Path(__file__).resolve().parents[1] / "src"
rng = np.random.default_rng(20240601)


def write(rel, source, cases):
    path = ROOT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"_source": source, "_generator": f"libs/core/tools/make-fixtures.py (numpy {np.__version__}, scipy {scipy.__version__})", "cases": cases}
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n")


def r(values, digits=3):
    return [round(float(v), digits) for v in values]


# ---------------------------------------------------------------- assignment
def md5_bucket(text):
    h = hashlib.md5(text.encode()).hexdigest()
    return h[:8], int(h[:8], 16) / 0xFFFFFFFF


assignment = []
ids = ["user_101", "user_202", "user_303", "", "0", "alice@example.com", "Zoë", "ユーザー42", "👩‍💻-1",
       "x" * 40, "y" * 100, "00000000-0000-4000-8000-000000000000", "user with spaces", "ñ:ü"]
salts = ["summarizer_prompt", "exp", "", "a-very-long-experiment-salt-that-pushes-the-message-past-one-block", "café"]
for salt in salts:
    for uid in ids:
        hex8, bucket = md5_bucket(f"{salt}:{uid}")
        split = 0.5
        # the seed's ABExperiment.assign: bucket < traffic_split -> "B"
        assignment.append({"salt": salt, "unitId": uid, "hex8": hex8, "bucket": bucket, "seedVariant": "B" if bucket < split else "A"})
write("hashing/__fixtures__/assignment-vectors.json",
      "hashlib.md5(f'{salt}:{unit_id}'.encode()).hexdigest()[:8] -> int(...,16)/0xFFFFFFFF; seedVariant as the seed's ABExperiment.assign (bucket < 0.5 -> 'B')",
      assignment)

aux = []
for salt in ["summarizer_prompt", "café"]:
    for uid in ids[:8]:
        aux.append({"kind": "traffic", "name": salt, "unitId": uid, "bucket": md5_bucket(f"traffic:{salt}:{uid}")[1]})
        aux.append({"kind": "layer", "name": salt, "unitId": uid, "bucket": md5_bucket(f"layer:{salt}:{uid}")[1]})
write("hashing/__fixtures__/auxiliary-hash-vectors.json",
      "int(hashlib.md5(f'{kind}:{name}:{unit_id}'.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF",
      aux)

# ---------------------------------------------------------------- t interval
summary = []
for i, (n, mu, sd, conf) in enumerate([(2, 3, 1, 0.95), (5, 4, 0.8, 0.95), (30, 3.5, 1.2, 0.95), (200, 0.4, 0.3, 0.9), (12, -2, 5, 0.99)]):
    x = r(rng.normal(mu, sd, n))
    m = np.mean(x); s = np.std(x, ddof=1)
    lo, hi = stats.t.interval(conf, n - 1, loc=m, scale=s / math.sqrt(n))
    summary.append({"values": x, "confidence": conf, "mean": m, "stddev": s, "ciLow": lo, "ciHigh": hi})
write("stats/__fixtures__/t-interval.json",
      "scipy.stats.t.interval(confidence, n-1, loc=mean(x), scale=std(x, ddof=1)/sqrt(n))",
      summary)

# ---------------------------------------------------------------- Welch
welch = []
for (nt, mt, st, nc, mc, sc, conf) in [(20, 4.2, 0.8, 25, 3.9, 1.1, 0.95), (5, 10, 2, 7, 12, 5, 0.95), (300, 0.52, 0.5, 280, 0.47, 0.5, 0.95),
                                       (50, 3.0, 1.0, 50, 3.0, 1.0, 0.9), (3, 1, 0.1, 40, 0.5, 2, 0.99), (1000, 100, 15, 1200, 101.5, 20, 0.95)]:
    t = r(rng.normal(mt, st, nt)); c = r(rng.normal(mc, sc, nc))
    res = stats.ttest_ind(t, c, equal_var=False)
    ci = res.confidence_interval(conf)
    vt = np.var(t, ddof=1) / nt; vc = np.var(c, ddof=1) / nc
    mT = np.mean(t); mC = np.mean(c)
    crit = stats.t.ppf(1 - (1 - conf) / 2, res.df)
    lift = mT / mC - 1
    se_lift = math.sqrt(vt / mC**2 + mT**2 * vc / mC**4)
    welch.append({"treatment": t, "control": c, "confidence": conf, "statistic": res.statistic, "pValue": res.pvalue, "df": res.df,
                  "difference": mT - mC, "ciLow": ci.low, "ciHigh": ci.high,
                  "relativeLift": lift, "relativeLiftCiLow": lift - crit * se_lift, "relativeLiftCiHigh": lift + crit * se_lift})
write("stats/__fixtures__/welch.json",
      "res = scipy.stats.ttest_ind(treatment, control, equal_var=False); res.confidence_interval(confidence); relative lift written out: delta method with t.ppf(1-a/2, res.df)",
      welch)

# ---------------------------------------------------------------- two proportions
props = []
for (xt, nt, xc, nc, conf) in [(60, 100, 50, 100, 0.95), (430, 1000, 400, 1000, 0.95), (3, 20, 9, 22, 0.9), (812, 1500, 790, 1510, 0.99), (10, 10, 9, 10, 0.95)]:
    table = np.array([[xt, nt - xt], [xc, nc - xc]])
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    pt = xt / nt; pc = xc / nc
    z = stats.norm.ppf(1 - (1 - conf) / 2)
    vt = pt * (1 - pt) / nt; vc = pc * (1 - pc) / nc
    se = math.sqrt(vt + vc)
    pooled = (xt + xc) / (nt + nc)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / nt + 1 / nc))
    lift = pt / pc - 1; se_lift = math.sqrt(vt / pc**2 + pt**2 * vc / pc**4)
    props.append({"treatment": {"n": nt, "successes": xt}, "control": {"n": nc, "successes": xc}, "confidence": conf,
                  "pValue": p, "chi2": chi2, "statistic": (pt - pc) / se0, "difference": pt - pc, "ciLow": pt - pc - z * se, "ciHigh": pt - pc + z * se,
                  "relativeLift": lift, "relativeLiftCiLow": lift - z * se_lift, "relativeLiftCiHigh": lift + z * se_lift})
write("stats/__fixtures__/two-proportion.json",
      "p-value: scipy.stats.chi2_contingency([[xt, nt-xt], [xc, nc-xc]], correction=False) (= pooled two-proportion z test, z^2 = chi2); CI: Wald, pt-pc +/- norm.ppf(1-a/2)*sqrt(pt(1-pt)/nt + pc(1-pc)/nc)",
      props)

# ---------------------------------------------------------------- Mann-Whitney
mw = []
for (na, pa, nb, pb) in [(30, [0.05, 0.1, 0.2, 0.35, 0.3], 35, [0.1, 0.15, 0.3, 0.25, 0.2]), (8, [0.2] * 5, 9, [0.2] * 5),
                         (200, [0.05, 0.05, 0.2, 0.4, 0.3], 220, [0.05, 0.1, 0.25, 0.35, 0.25]), (4, [0, 0, 0.5, 0.5, 0], 5, [0.5, 0.5, 0, 0, 0])]:
    a = rng.choice([1, 2, 3, 4, 5], size=na, p=pa).tolist(); b = rng.choice([1, 2, 3, 4, 5], size=nb, p=pb).tolist()
    res = stats.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic", use_continuity=True)
    mw.append({"a": a, "b": b, "countsA": [a.count(k) for k in range(1, 6)], "countsB": [b.count(k) for k in range(1, 6)],
               "statistic": float(res.statistic), "pValue": float(res.pvalue)})
cont_a = r(rng.normal(0, 1, 15), 6); cont_b = r(rng.normal(0.8, 1, 13), 6)
res = stats.mannwhitneyu(cont_a, cont_b, alternative="two-sided", method="asymptotic")
mw.append({"a": cont_a, "b": cont_b, "statistic": float(res.statistic), "pValue": float(res.pvalue)})
write("stats/__fixtures__/mann-whitney.json",
      "scipy.stats.mannwhitneyu(a, b, alternative='two-sided', method='asymptotic', use_continuity=True) (tie-corrected normal approximation)",
      mw)

# ---------------------------------------------------------------- SRM
srm = []
for observed, weights in [([5000, 5000], [1, 1]), ([5100, 4900], [1, 1]), ([5300, 4700], [0.5, 0.5]), ([2600, 2450, 4950], [1, 1, 2]),
                          ([102, 198], [1, 2]), ([10150, 9850, 10000, 10300], [1, 1, 1, 1])]:
    w = np.array(weights, dtype=float) / sum(weights)
    exp = w * sum(observed)
    res = stats.chisquare(observed, exp)
    srm.append({"observed": observed, "weights": weights, "expected": exp.tolist(), "statistic": res.statistic, "pValue": res.pvalue, "mismatch": bool(res.pvalue < 0.001)})
write("stats/__fixtures__/srm.json", "scipy.stats.chisquare(observed, f_exp=sum(observed) * weights / sum(weights)); mismatch = p < 0.001", srm)

# ---------------------------------------------------------------- sample size
ss = []
for sd, mde, alpha, power in [(1, 0.25, 0.05, 0.8), (1.2, 0.3, 0.05, 0.8), (1.1, 0.2, 0.01, 0.9), (15, 2, 0.05, 0.8)]:
    n = 2 * sd**2 * (stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power))**2 / mde**2
    ss.append({"kind": "means", "stddev": sd, "minDetectableEffect": mde, "alpha": alpha, "power": power, "exact": n, "n": math.ceil(n)})
for p1, mde, alpha, power in [(0.6, 0.05, 0.05, 0.8), (0.1, 0.02, 0.05, 0.8), (0.5, -0.1, 0.01, 0.9), (0.3, 0.1, 0.05, 0.95)]:
    p2 = p1 + mde; pbar = (p1 + p2) / 2
    root = stats.norm.ppf(1 - alpha / 2) * math.sqrt(2 * pbar * (1 - pbar)) + stats.norm.ppf(power) * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    n = root**2 / mde**2
    ss.append({"kind": "proportions", "baseline": p1, "minDetectableEffect": mde, "alpha": alpha, "power": power, "exact": n, "n": math.ceil(n)})
write("stats/__fixtures__/sample-size.json",
      "written out with scipy.stats.norm.ppf: means n = 2 sd^2 (z_{1-a/2} + z_power)^2 / mde^2; proportions (Fleiss, no continuity correction) n = (z_{1-a/2} sqrt(2 pbar qbar) + z_power sqrt(p1 q1 + p2 q2))^2 / mde^2; n = ceil",
      ss)

# ---------------------------------------------------------------- multiple comparisons
mc = []
for ps in [[0.01, 0.04, 0.03, 0.005], [0.2, 0.001, 0.049, 0.5, 0.03], [0.04], [0.03, 0.03, 0.03]]:
    m = len(ps); order = np.argsort(ps, kind="stable")
    holm = [0.0] * m; running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * ps[i])); holm[i] = running
    bh = stats.false_discovery_control(ps, method="bh").tolist()
    mc.append({"pValues": ps, "holm": holm, "benjaminiHochberg": bh})
write("stats/__fixtures__/multiple-comparisons.json",
      "benjaminiHochberg: scipy.stats.false_discovery_control(p, method='bh'); holm written out (= statsmodels multipletests(method='holm')): running max of min(1, (m - rank) p_(rank))",
      mc)

# ---------------------------------------------------------------- Bayesian
bayes = []
for (xt, nt, xc, nc) in [(60, 100, 50, 100), (12, 40, 15, 40), (430, 1000, 400, 1000), (0, 5, 1, 5), (3, 3, 2, 3)]:
    aT, bT, aC, bC = 1 + xt, 1 + nt - xt, 1 + xc, 1 + nc - xc
    val, err = integrate.quad(lambda x: stats.beta.pdf(x, aT, bT) * stats.beta.cdf(x, aC, bC), 0, 1, epsabs=1e-13, epsrel=1e-12, limit=500)
    bayes.append({"kind": "proportions", "treatment": {"n": nt, "successes": xt}, "control": {"n": nc, "successes": xc}, "probability": val})
for (t, c) in [((50, 4.2, 1.0), (50, 4.0, 1.1)), ((10, 3.0, 2.0), (12, 3.5, 1.5))]:
    tv = r(rng.normal(t[1], t[2], t[0])); cv = r(rng.normal(c[1], c[2], c[0]))
    se = math.sqrt(np.var(tv, ddof=1) / len(tv) + np.var(cv, ddof=1) / len(cv))
    bayes.append({"kind": "means", "treatment": tv, "control": cv, "probability": stats.norm.cdf((np.mean(tv) - np.mean(cv)) / se)})
write("stats/__fixtures__/bayesian.json",
      "proportions: scipy.integrate.quad(beta.pdf(x, 1+xt, 1+nt-xt) * beta.cdf(x, 1+xc, 1+nc-xc), 0, 1); means: norm.cdf((mean_t - mean_c) / sqrt(var_t/n_t + var_c/n_c))",
      bayes)
print("fixtures written")
