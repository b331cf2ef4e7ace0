/**
 * Sufficient statistics for a mean: the count, the sum and the sum of
 * squares. They merge by addition, so results can be computed from database
 * rollups (`count(*), sum(x), sum(x*x)`) without loading rows.
 *
 * Readonly value objects: every function returns a new one.
 */
export interface MomentStats {
  readonly n: number;
  readonly sum: number;
  readonly sumSq: number;
}

/** Sufficient statistics for a proportion: trials and successes (e.g. thumbs up). */
export interface ProportionStats {
  readonly n: number;
  readonly successes: number;
}

/** The moments of no observations. */
export function emptyMoments(): MomentStats {
  return { n: 0, sum: 0, sumSq: 0 };
}

/**
 * The moments with one more observation.
 * @throws {RangeError} naming `addObservation` for a non-finite value
 */
export function addObservation(stats: MomentStats, value: number): MomentStats {
  if (!Number.isFinite(value)) throw new RangeError(`addObservation: value must be finite, got ${value}`);
  return { n: stats.n + 1, sum: stats.sum + value, sumSq: stats.sumSq + value * value };
}

/** The moments of the union of two groups of observations (any number of groups). */
export function mergeMoments(...groups: readonly MomentStats[]): MomentStats {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (const g of groups) {
    n += g.n;
    sum += g.sum;
    sumSq += g.sumSq;
  }
  return { n, sum, sumSq };
}

/**
 * The moments of a list of values.
 * @throws {RangeError} naming `momentsOf` for a non-finite value
 */
export function momentsOf(values: readonly number[]): MomentStats {
  let sum = 0;
  let sumSq = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`momentsOf: values must be finite, got ${value}`);
    sum += value;
    sumSq += value * value;
  }
  return { n: values.length, sum, sumSq };
}

/** The mean, NaN for no observations. */
export function meanOf(stats: MomentStats): number {
  return stats.n > 0 ? stats.sum / stats.n : NaN;
}

/**
 * The sample variance (n − 1 denominator), NaN below two observations.
 * Rounding in `sumSq − sum²/n` can go slightly negative; that is clamped to 0.
 */
export function varianceOf(stats: MomentStats): number {
  if (stats.n < 2) return NaN;
  const ss = stats.sumSq - (stats.sum * stats.sum) / stats.n;
  return Math.max(0, ss / (stats.n - 1));
}

/** The proportion of no trials. */
export function emptyProportions(): ProportionStats {
  return { n: 0, successes: 0 };
}

/** The counts with one more trial. */
export function addOutcome(stats: ProportionStats, success: boolean): ProportionStats {
  return { n: stats.n + 1, successes: stats.successes + (success ? 1 : 0) };
}

/** The counts of the union of groups of trials. */
export function mergeProportions(...groups: readonly ProportionStats[]): ProportionStats {
  let n = 0;
  let successes = 0;
  for (const g of groups) {
    n += g.n;
    successes += g.successes;
  }
  return { n, successes };
}

/** The counts of a list of outcomes. */
export function proportionsOf(outcomes: readonly boolean[]): ProportionStats {
  let successes = 0;
  for (const outcome of outcomes) if (outcome) successes++;
  return { n: outcomes.length, successes };
}

/**
 * A proportion's counts seen as moments of 0/1 values, so that the mean
 * statistics apply to it too.
 */
export function proportionAsMoments(stats: ProportionStats): MomentStats {
  return { n: stats.n, sum: stats.successes, sumSq: stats.successes };
}

/** @internal throws unless the counts are consistent */
export function checkProportion(stats: ProportionStats, caller: string, group: string): void {
  if (!(Number.isInteger(stats.n) && stats.n >= 0 && stats.successes >= 0 && stats.successes <= stats.n)) {
    throw new RangeError(`${caller}: ${group} needs 0 <= successes <= n, got ${stats.successes} of ${stats.n}`);
  }
}
