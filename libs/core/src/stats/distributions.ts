/**
 * The distribution functions we use, from @stdlib (no hand-written special
 * functions). Tails are computed directly where it matters for precision:
 * `2 · F(−|t|)` rather than `2 · (1 − F(|t|))`, and the chi-square upper tail
 * from the upper regularised incomplete gamma function.
 */
import gammainc from '@stdlib/math-base-special-gammainc';
import normalCdfStd from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileStd from '@stdlib/stats-base-dists-normal-quantile';
import tCdfStd from '@stdlib/stats-base-dists-t-cdf';
import tQuantileStd from '@stdlib/stats-base-dists-t-quantile';

/** Standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  return normalCdfStd(x, 0, 1);
}

/** Standard normal quantile Φ⁻¹(p). */
export function normalQuantile(p: number): number {
  return normalQuantileStd(p, 0, 1);
}

/** Student t CDF with `df` degrees of freedom (normal for `df = Infinity`). */
export function tCdf(x: number, df: number): number {
  return df === Infinity ? normalCdf(x) : tCdfStd(x, df);
}

/** Student t quantile with `df` degrees of freedom (normal for `df = Infinity`). */
export function tQuantile(p: number, df: number): number {
  return df === Infinity ? normalQuantile(p) : tQuantileStd(p, df);
}

/** Two-sided p-value of a t statistic: `2 · F(−|t|)`. */
export function tTwoSidedP(statistic: number, df: number): number {
  return Math.min(1, 2 * tCdf(-Math.abs(statistic), df));
}

/** Two-sided p-value of a z statistic: `2 · Φ(−|z|)`. */
export function zTwoSidedP(statistic: number): number {
  return Math.min(1, 2 * normalCdf(-Math.abs(statistic)));
}

/** Upper tail P(X ≥ x) of a chi-square distribution with `df` degrees of freedom. */
export function chiSquareSurvival(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}
