import { relativeLiftInterval, Comparison } from './comparison';
import { tQuantile, tTwoSidedP } from './distributions';
import { meanOf, MomentStats, varianceOf } from './moments';
import { checkAtLeastTwo, checkConfidence } from './validation';

/**
 * Welch's unequal-variances t test of treatment against control, from
 * sufficient statistics.
 *
 * - statistic `t = (m_t − m_c) / √(s_t²/n_t + s_c²/n_c)`;
 * - Welch–Satterthwaite `df = (v_t + v_c)² / (v_t²/(n_t−1) + v_c²/(n_c−1))`;
 * - two-sided p-value from the t distribution (as `scipy.stats.ttest_ind(equal_var=False)`);
 * - interval of the difference `± t(1 − α/2, df) · se` (as that result's `confidence_interval`);
 * - relative lift with a delta-method interval using the same critical value.
 *
 * When both groups have zero variance the p-value is 1 for equal means and 0
 * otherwise (SciPy returns NaN there).
 *
 * @param treatment the treatment's moments (n ≥ 2)
 * @param control the control's moments (n ≥ 2)
 * @param confidence interval level, default 0.95
 * @throws {RangeError} naming `welchTTest` for fewer than two observations in a group or a confidence outside (0, 1)
 * @see B. L. Welch (1947), "The generalization of Student's problem when several different population variances are involved", Biometrika 34.
 */
export function welchTTest(treatment: MomentStats, control: MomentStats, confidence = 0.95): Comparison {
  checkConfidence(confidence, 'welchTTest');
  checkAtLeastTwo(treatment.n, 'welchTTest', 'treatment');
  checkAtLeastTwo(control.n, 'welchTTest', 'control');
  const mt = meanOf(treatment);
  const mc = meanOf(control);
  const vt = varianceOf(treatment) / treatment.n;
  const vc = varianceOf(control) / control.n;
  const difference = mt - mc;
  const variance = vt + vc;
  if (variance === 0) {
    const p = difference === 0 ? 1 : 0;
    const statistic = difference === 0 ? 0 : Math.sign(difference) * Infinity;
    return {
      difference,
      ciLow: difference,
      ciHigh: difference,
      ...relativeLiftInterval(mt, mc, 0, 0, 0),
      pValue: p,
      df: NaN,
      statistic,
    };
  }
  const se = Math.sqrt(variance);
  const df = (variance * variance) / ((vt * vt) / (treatment.n - 1) + (vc * vc) / (control.n - 1));
  const statistic = difference / se;
  const critical = tQuantile(1 - (1 - confidence) / 2, df);
  return {
    difference,
    ciLow: difference - critical * se,
    ciHigh: difference + critical * se,
    ...relativeLiftInterval(mt, mc, vt, vc, critical),
    pValue: tTwoSidedP(statistic, df),
    df,
    statistic,
  };
}
