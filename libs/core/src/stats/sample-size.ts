import { normalQuantile } from './distributions';
import { checkAlpha, checkPositive } from './validation';

/** Planning inputs for a difference of means. */
export interface MeansPlan {
  /** the metric's standard deviation (per unit), e.g. from a past experiment */
  readonly stddev: number;
  /** the smallest absolute difference of means worth detecting */
  readonly minDetectableEffect: number;
  /** two-sided significance level, default 0.05 */
  readonly alpha?: number;
  /** probability of detecting the effect when it is there, default 0.8 */
  readonly power?: number;
}

/** Planning inputs for a difference of proportions. */
export interface ProportionsPlan {
  /** the control's success rate, in (0, 1) */
  readonly baseline: number;
  /** the smallest absolute difference of rates worth detecting (baseline + effect must stay in (0, 1)) */
  readonly minDetectableEffect: number;
  /** two-sided significance level, default 0.05 */
  readonly alpha?: number;
  /** default 0.8 */
  readonly power?: number;
}

/**
 * Units needed per variant (equal allocation) for a two-sided test of two
 * means to detect `minDetectableEffect` δ:
 * `n = 2σ²(z(1 − α/2) + z(power))² / δ²`, rounded up (the normal-approximation
 * formula; the exact noncentral-t answer of statsmodels' `TTestIndPower` is at
 * most a unit or two larger for n above 30).
 *
 * @throws {RangeError} naming `sampleSizeForMeans` for a non-positive stddev or effect, or alpha or power outside (0, 1)
 * @example sampleSizeForMeans({ stddev: 1, minDetectableEffect: 0.25 }) // 252
 * @see J. Cohen (1988), Statistical Power Analysis for the Behavioral Sciences, 2nd ed., ch. 2.
 */
export function sampleSizeForMeans(plan: MeansPlan): number {
  const caller = 'sampleSizeForMeans';
  const { alpha = 0.05, power = 0.8 } = plan;
  checkAlpha(alpha, caller);
  checkAlpha(power, caller, 'power');
  checkPositive(plan.stddev, caller, 'stddev');
  checkPositive(Math.abs(plan.minDetectableEffect), caller, 'minDetectableEffect');
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return Math.ceil((2 * plan.stddev * plan.stddev * z * z) / (plan.minDetectableEffect * plan.minDetectableEffect) - 1e-9);
}

/**
 * Units needed per variant (equal allocation) for a two-sided two-proportion
 * test to detect a change from `baseline` p₁ to p₂ = p₁ + δ:
 * `n = (z(1 − α/2)·√(2p̄q̄) + z(power)·√(p₁q₁ + p₂q₂))² / δ²`, p̄ = (p₁ + p₂)/2,
 * rounded up (Fleiss' formula without continuity correction).
 *
 * @throws {RangeError} naming `sampleSizeForProportions` for a baseline or target rate outside (0, 1), a zero effect, or alpha or power outside (0, 1)
 * @example sampleSizeForProportions({ baseline: 0.6, minDetectableEffect: 0.05 }) // 1471
 * @see J. L. Fleiss, B. Levin & M. C. Paik (2003), Statistical Methods for Rates and Proportions, 3rd ed., §4.2.
 */
export function sampleSizeForProportions(plan: ProportionsPlan): number {
  const caller = 'sampleSizeForProportions';
  const { alpha = 0.05, power = 0.8, baseline, minDetectableEffect } = plan;
  checkAlpha(alpha, caller);
  checkAlpha(power, caller, 'power');
  checkAlpha(baseline, caller, 'baseline');
  checkPositive(Math.abs(minDetectableEffect), caller, 'minDetectableEffect');
  const p1 = baseline;
  const p2 = baseline + minDetectableEffect;
  checkAlpha(p2, caller, 'baseline + minDetectableEffect');
  const pBar = (p1 + p2) / 2;
  const root =
    normalQuantile(1 - alpha / 2) * Math.sqrt(2 * pBar * (1 - pBar)) +
    normalQuantile(power) * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((root * root) / (minDetectableEffect * minDetectableEffect) - 1e-9);
}

/**
 * Samples still needed by a running experiment: per variant, what is missing
 * to reach `requiredPerVariant`, and the total over variants.
 *
 * @param requiredPerVariant e.g. from {@link sampleSizeForMeans}
 * @param observed units seen so far per variant
 * @throws {RangeError} naming `samplesStillNeeded` for a negative requirement or count
 */
export function samplesStillNeeded(
  requiredPerVariant: number,
  observed: readonly number[],
): { perVariant: number[]; total: number } {
  if (!(requiredPerVariant >= 0)) {
    throw new RangeError(`samplesStillNeeded: requiredPerVariant must be non-negative, got ${requiredPerVariant}`);
  }
  const perVariant = observed.map((n) => {
    if (!(n >= 0)) throw new RangeError(`samplesStillNeeded: observed counts must be non-negative, got ${n}`);
    return Math.max(0, Math.ceil(requiredPerVariant - n));
  });
  return { perVariant, total: perVariant.reduce((s, x) => s + x, 0) };
}
