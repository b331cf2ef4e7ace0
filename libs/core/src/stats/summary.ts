import { tQuantile } from './distributions';
import { meanOf, MomentStats, varianceOf } from './moments';
import { checkConfidence } from './validation';

/** A variant's summary; NaN where the sample is too small to say. */
export interface Summary {
  readonly n: number;
  /** the mean; NaN for n = 0 */
  readonly mean: number;
  /** the sample standard deviation; NaN for n < 2 */
  readonly stddev: number;
  /** lower end of the t interval for the mean; NaN for n < 2 */
  readonly ciLow: number;
  /** upper end of the t interval for the mean; NaN for n < 2 */
  readonly ciHigh: number;
}

/**
 * Mean, sample standard deviation and a t confidence interval for the mean:
 * `mean ± t(1 − α/2, n − 1) · s / √n` (as `scipy.stats.t.interval`).
 *
 * Never throws on a small sample, so a results page can show a variant with
 * 0 or 1 observations: fields that need more are NaN (map them to null).
 *
 * @param stats the variant's sufficient statistics
 * @param confidence the interval's level, default 0.95
 * @throws {RangeError} naming `summarize` for a confidence outside (0, 1)
 * @example summarize(momentsOf([4, 5, 3, 4])) // { n: 4, mean: 4, stddev: 0.816…, ciLow: 2.70…, ciHigh: 5.29… }
 */
export function summarize(stats: MomentStats, confidence = 0.95): Summary {
  checkConfidence(confidence, 'summarize');
  const { n } = stats;
  const mean = meanOf(stats);
  if (n < 2) return { n, mean, stddev: NaN, ciLow: NaN, ciHigh: NaN };
  const stddev = Math.sqrt(varianceOf(stats));
  const half = tQuantile(1 - (1 - confidence) / 2, n - 1) * (stddev / Math.sqrt(n));
  return { n, mean, stddev, ciLow: mean - half, ciHigh: mean + half };
}
