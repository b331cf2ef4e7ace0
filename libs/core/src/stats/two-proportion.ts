import { relativeLiftInterval, Comparison } from './comparison';
import { normalQuantile, zTwoSidedP } from './distributions';
import { checkProportion, ProportionStats } from './moments';
import { checkAtLeastTwo, checkConfidence } from './validation';

/**
 * Two-proportion z test of treatment against control (e.g. thumbs up rates).
 *
 * - p-value from the pooled statistic `z = (p_t − p_c) / √(p̄(1 − p̄)(1/n_t + 1/n_c))`,
 *   which equals Pearson's chi-square test of the 2×2 table without continuity
 *   correction (`scipy.stats.chi2_contingency(correction=False)`);
 * - Wald interval of the difference with the unpooled standard error
 *   `√(p_t(1−p_t)/n_t + p_c(1−p_c)/n_c)`;
 * - relative lift with a delta-method interval.
 *
 * `df` is Infinity (normal reference). When no trial differs (all successes
 * or all failures) the p-value is 1.
 *
 * @throws {RangeError} naming `twoProportionTest` for fewer than two trials in a group, inconsistent counts or a confidence outside (0, 1)
 * @see A. Agresti (2013), Categorical Data Analysis, 3rd ed., §3.1.
 */
export function twoProportionTest(treatment: ProportionStats, control: ProportionStats, confidence = 0.95): Comparison {
  checkConfidence(confidence, 'twoProportionTest');
  checkProportion(treatment, 'twoProportionTest', 'treatment');
  checkProportion(control, 'twoProportionTest', 'control');
  checkAtLeastTwo(treatment.n, 'twoProportionTest', 'treatment');
  checkAtLeastTwo(control.n, 'twoProportionTest', 'control');
  const pt = treatment.successes / treatment.n;
  const pc = control.successes / control.n;
  const difference = pt - pc;
  const pooled = (treatment.successes + control.successes) / (treatment.n + control.n);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / treatment.n + 1 / control.n));
  const statistic = se0 === 0 ? 0 : difference / se0;
  const vt = (pt * (1 - pt)) / treatment.n;
  const vc = (pc * (1 - pc)) / control.n;
  const se = Math.sqrt(vt + vc);
  const critical = normalQuantile(1 - (1 - confidence) / 2);
  return {
    difference,
    ciLow: difference - critical * se,
    ciHigh: difference + critical * se,
    ...relativeLiftInterval(pt, pc, vt, vc, critical),
    pValue: se0 === 0 ? 1 : zTwoSidedP(statistic),
    df: Infinity,
    statistic,
  };
}
