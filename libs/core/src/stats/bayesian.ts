import betaln from '@stdlib/math-base-special-betaln';
import { normalCdf } from './distributions';
import { checkProportion, meanOf, MomentStats, ProportionStats, varianceOf } from './moments';
import { betaDraw, normalDraw, RandomSource } from './random';
import { checkAtLeastTwo, checkPositive } from './validation';

/** Options of the Bayesian comparisons. */
export interface BayesianOptions {
  /**
   * when given, the probability is estimated by Monte Carlo with this source
   * (use {@link seededRandom} for reproducible results); otherwise it is
   * computed in closed form
   */
  readonly rng?: RandomSource;
  /** Monte Carlo draws, default 20 000 */
  readonly draws?: number;
}

/** Options for proportions: the Beta prior, Beta(1, 1) (uniform) by default. */
export interface BetaPriorOptions extends BayesianOptions {
  readonly priorAlpha?: number;
  readonly priorBeta?: number;
}

// Above this many terms the exact sum is replaced by the normal approximation,
// which is excellent at such counts.
const EXACT_TERMS_LIMIT = 100_000;

/**
 * P(p_t > p_c) under independent Beta posteriors
 * Beta(α₀ + successes, β₀ + failures) (beta-binomial model).
 *
 * Closed form (Evan Miller's sum, over the smaller integer shape):
 * `P(X_B > X_A) = Σ_{i<α_B} B(α_A + i, β_A + β_B) / ((β_B + i) B(1 + i, β_B) B(α_A, β_A))`;
 * with non-integer shapes or very large counts, a normal approximation of the
 * two Betas; with `rng`, a Monte Carlo estimate.
 *
 * @throws {RangeError} naming `probabilityToBeatControlProportions` for inconsistent counts or a non-positive prior
 * @see E. Miller (2015), "Formulas for Bayesian A/B testing"; J. Cook (2005), "Exact calculation of beta inequalities".
 */
export function probabilityToBeatControlProportions(
  treatment: ProportionStats,
  control: ProportionStats,
  options: BetaPriorOptions = {},
): number {
  const caller = 'probabilityToBeatControlProportions';
  checkProportion(treatment, caller, 'treatment');
  checkProportion(control, caller, 'control');
  const { priorAlpha = 1, priorBeta = 1 } = options;
  checkPositive(priorAlpha, caller, 'priorAlpha');
  checkPositive(priorBeta, caller, 'priorBeta');
  const aT = priorAlpha + treatment.successes;
  const bT = priorBeta + treatment.n - treatment.successes;
  const aC = priorAlpha + control.successes;
  const bC = priorBeta + control.n - control.successes;
  if (options.rng) {
    const rng = options.rng;
    const draws = checkedDraws(options.draws, caller);
    let wins = 0;
    for (let i = 0; i < draws; i++) if (betaDraw(aT, bT, rng) > betaDraw(aC, bC, rng)) wins++;
    return wins / draws;
  }
  if (Number.isInteger(aT) && aT <= aC && aT <= EXACT_TERMS_LIMIT) return betaBeats(aT, bT, aC, bC);
  if (Number.isInteger(aC) && aC <= EXACT_TERMS_LIMIT) return 1 - betaBeats(aC, bC, aT, bT);
  if (Number.isInteger(aT) && aT <= EXACT_TERMS_LIMIT) return betaBeats(aT, bT, aC, bC);
  const mean = (a: number, b: number): number => a / (a + b);
  const variance = (a: number, b: number): number => (a * b) / ((a + b) * (a + b) * (a + b + 1));
  return normalCdf((mean(aT, bT) - mean(aC, bC)) / Math.sqrt(variance(aT, bT) + variance(aC, bC)));
}

/** P(X_B > X_A) for X_B ~ Beta(aB, bB) with integer aB, X_A ~ Beta(aA, bA). */
function betaBeats(aB: number, bB: number, aA: number, bA: number): number {
  let total = 0;
  const base = betaln(aA, bA);
  for (let i = 0; i < aB; i++) {
    total += Math.exp(betaln(aA + i, bA + bB) - Math.log(bB + i) - betaln(1 + i, bB) - base);
  }
  return Math.min(1, Math.max(0, total));
}

/**
 * P(μ_t > μ_c) for means under a flat prior and the normal approximation of
 * each mean's posterior, N(mean, s²/n): `Φ(Δ / √(s_t²/n_t + s_c²/n_c))` in
 * closed form, or a Monte Carlo estimate with `rng`.
 *
 * @throws {RangeError} naming `probabilityToBeatControlMeans` for fewer than two observations in a group
 * @see GrowthBook's Bayesian engine (gbstats), normal approximation of the mean.
 */
export function probabilityToBeatControlMeans(
  treatment: MomentStats,
  control: MomentStats,
  options: BayesianOptions = {},
): number {
  const caller = 'probabilityToBeatControlMeans';
  checkAtLeastTwo(treatment.n, caller, 'treatment');
  checkAtLeastTwo(control.n, caller, 'control');
  const difference = meanOf(treatment) - meanOf(control);
  const seT = Math.sqrt(varianceOf(treatment) / treatment.n);
  const seC = Math.sqrt(varianceOf(control) / control.n);
  if (options.rng) {
    const rng = options.rng;
    const draws = checkedDraws(options.draws, caller);
    let wins = 0;
    for (let i = 0; i < draws; i++) {
      if (difference + seT * normalDraw(rng) - seC * normalDraw(rng) > 0) wins++;
    }
    return wins / draws;
  }
  const se = Math.sqrt(seT * seT + seC * seC);
  if (se === 0) return difference > 0 ? 1 : difference < 0 ? 0 : 0.5;
  return normalCdf(difference / se);
}

/**
 * Probability that the treatment beats the control: dispatches on the kind of
 * statistics, {@link ProportionStats} (beta-binomial) or {@link MomentStats}
 * (normal approximation).
 *
 * @throws {RangeError} naming `probabilityToBeatControl` when the two groups are of different kinds
 */
export function probabilityToBeatControl(
  treatment: MomentStats | ProportionStats,
  control: MomentStats | ProportionStats,
  options: BetaPriorOptions = {},
): number {
  const isProportion = (s: MomentStats | ProportionStats): s is ProportionStats => 'successes' in s;
  if (isProportion(treatment) && isProportion(control)) {
    return probabilityToBeatControlProportions(treatment, control, options);
  }
  if (!isProportion(treatment) && !isProportion(control)) {
    return probabilityToBeatControlMeans(treatment, control, options);
  }
  throw new RangeError('probabilityToBeatControl: treatment and control must both be proportions or both be moments');
}

function checkedDraws(draws: number | undefined, caller: string): number {
  const value = draws ?? 20_000;
  if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`${caller}: draws must be a positive integer, got ${value}`);
  return value;
}
