import { checkedWeightTotal } from '../hashing/weights';
import { chiSquareSurvival } from './distributions';
import { checkAlpha } from './validation';

/** The result of a sample-ratio-mismatch check. */
export interface SampleRatioMismatch {
  /** chi-square goodness-of-fit p-value */
  readonly pValue: number;
  /** Pearson's chi-square statistic, with (variants − 1) degrees of freedom */
  readonly statistic: number;
  /** the exposures each variant should have had under the weights */
  readonly expected: number[];
  /** true when pValue < threshold: assignment or logging is broken, results are not to be trusted */
  readonly mismatch: boolean;
}

/**
 * Sample-ratio mismatch: Pearson's chi-square goodness of fit of the observed
 * exposures per variant against the weights (as `scipy.stats.chisquare(observed, expected)`),
 * flagged at p < 0.001 by default, GrowthBook's threshold, which keeps false
 * alarms rare when the check runs continuously. With no exposures at all the
 * p-value is 1.
 *
 * @param observed exposures per variant, control first
 * @param weights the variants' weights (normalised internally)
 * @param threshold p-value below which a mismatch is flagged, default 0.001
 * @throws {RangeError} naming `sampleRatioMismatch` for mismatched lengths, fewer than two variants, negative counts, invalid weights or a threshold outside (0, 1)
 * @see R. Kohavi et al. (2020), Trustworthy Online Controlled Experiments, ch. 21; Fabijan et al. (2019), "Diagnosing Sample Ratio Mismatch", KDD.
 */
export function sampleRatioMismatch(
  observed: readonly number[],
  weights: readonly number[],
  threshold = 0.001,
): SampleRatioMismatch {
  const caller = 'sampleRatioMismatch';
  checkAlpha(threshold, caller, 'threshold');
  const total = checkedWeightTotal(weights, caller);
  if (observed.length !== weights.length) {
    throw new RangeError(`${caller}: ${observed.length} observed counts for ${weights.length} weights`);
  }
  if (observed.length < 2) throw new RangeError(`${caller}: needs at least two variants`);
  let n = 0;
  for (const o of observed) {
    if (!(o >= 0 && Number.isFinite(o))) throw new RangeError(`${caller}: observed counts must be non-negative, got ${o}`);
    n += o;
  }
  const expected = weights.map((w) => (n * w) / total);
  if (n === 0) return { pValue: 1, statistic: 0, expected, mismatch: false };
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const d = observed[i] - expected[i];
    statistic += (d * d) / expected[i];
  }
  const pValue = chiSquareSurvival(statistic, observed.length - 1);
  return { pValue, statistic, expected, mismatch: pValue < threshold };
}
