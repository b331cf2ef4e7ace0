import { meanOf, MomentStats, varianceOf } from './moments';
import { checkAlpha, checkAtLeastTwo, checkPositive } from './validation';

/** An always-valid interval for a difference of means. */
export interface ConfidenceSequenceResult {
  /** treatment − control */
  readonly difference: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly halfWidth: number;
  /** true when the interval excludes 0 */
  readonly significant: boolean;
}

/** Options of {@link confidenceSequence}. */
export interface ConfidenceSequenceOptions {
  /** coverage holding simultaneously at every look, default 0.95 */
  readonly confidence?: number;
  /**
   * the total sample size (both groups) at which the interval is tightest;
   * GrowthBook's default 5000. Validity does not depend on it.
   */
  readonly tuning?: number;
}

/**
 * An asymptotic confidence sequence for the difference of two means
 * (Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas, "Time-uniform central limit
 * theory and asymptotic confidence sequences", 2021, building on Howard,
 * Ramdas, McAuliffe & Sekhon, Ann. Statist. 2021), as GrowthBook's sequential
 * testing:
 *
 * `Δ ± σ̂ · √( 2(Nρ² + 1)/(N²ρ²) · ln(√(Nρ² + 1)/α) )`, with N = n_t + n_c,
 * σ̂² = N · (s_t²/n_t + s_c²/n_c) and ρ² = (−2 ln α + ln(−2 ln α + 1)) / tuning.
 *
 * The coverage holds uniformly over time, so the interval can be checked after
 * every batch (hourly, say) and the experiment stopped the first time it
 * excludes 0 without raising the false-positive rate above α.
 *
 * @throws {RangeError} naming `confidenceSequence` for fewer than two observations in a group, a confidence outside (0, 1) or a non-positive tuning
 */
export function confidenceSequence(
  treatment: MomentStats,
  control: MomentStats,
  options: ConfidenceSequenceOptions = {},
): ConfidenceSequenceResult {
  const caller = 'confidenceSequence';
  const { confidence = 0.95, tuning = 5000 } = options;
  checkAlpha(confidence, caller, 'confidence');
  checkPositive(tuning, caller, 'tuning');
  checkAtLeastTwo(treatment.n, caller, 'treatment');
  checkAtLeastTwo(control.n, caller, 'control');
  const alpha = 1 - confidence;
  const difference = meanOf(treatment) - meanOf(control);
  const variance = varianceOf(treatment) / treatment.n + varianceOf(control) / control.n;
  const total = treatment.n + control.n;
  const sigma = Math.sqrt(variance * total);
  const logTerm = -2 * Math.log(alpha);
  const rhoSq = (logTerm + Math.log(logTerm + 1)) / tuning;
  const nRho = total * rhoSq;
  const halfWidth = sigma * Math.sqrt(((2 * (nRho + 1)) / (total * total * rhoSq)) * Math.log(Math.sqrt(nRho + 1) / alpha));
  const ciLow = difference - halfWidth;
  const ciHigh = difference + halfWidth;
  return { difference, ciLow, ciHigh, halfWidth, significant: ciLow > 0 || ciHigh < 0 };
}
