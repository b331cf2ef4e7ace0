/** A treatment compared against the control (Welch's t test or the two-proportion z test). */
export interface Comparison {
  /** treatment − control */
  readonly difference: number;
  /** confidence interval of the difference */
  readonly ciLow: number;
  readonly ciHigh: number;
  /** treatment / control − 1; NaN when the control's mean is 0 */
  readonly relativeLift: number;
  /** delta-method confidence interval of the relative lift */
  readonly relativeLiftCiLow: number;
  readonly relativeLiftCiHigh: number;
  /** two-sided p-value of "no difference", in [0, 1] */
  readonly pValue: number;
  /** degrees of freedom of the reference distribution (Infinity for a z test) */
  readonly df: number;
  /** the t or z statistic */
  readonly statistic: number;
}

/**
 * The delta-method interval of `mt / mc − 1` given the variances of the two
 * means (Var ≈ vt/mc² + mt²·vc/mc⁴, independence between groups), as GrowthBook.
 * @internal
 */
export function relativeLiftInterval(
  mt: number,
  mc: number,
  vt: number,
  vc: number,
  critical: number,
): { relativeLift: number; relativeLiftCiLow: number; relativeLiftCiHigh: number } {
  if (mc === 0) return { relativeLift: NaN, relativeLiftCiLow: NaN, relativeLiftCiHigh: NaN };
  const lift = mt / mc - 1;
  const se = Math.sqrt(vt / (mc * mc) + (mt * mt * vc) / (mc * mc * mc * mc));
  return { relativeLift: lift, relativeLiftCiLow: lift - critical * se, relativeLiftCiHigh: lift + critical * se };
}
