import { normalCdf } from './distributions';
import { checkAtLeastTwo } from './validation';

/** The result of a Mann–Whitney U test. */
export interface MannWhitneyResult {
  /** U of the first sample: the number of pairs (a, b) with a > b, ties counting ½ (SciPy's statistic) */
  readonly statistic: number;
  /** two-sided p-value, normal approximation with tie and continuity corrections */
  readonly pValue: number;
  /** the standardised statistic (continuity-corrected) */
  readonly z: number;
  /** U / (n_a · n_b): the probability that a random a exceeds a random b, ties counting ½ */
  readonly commonLanguageEffect: number;
  readonly nA: number;
  readonly nB: number;
}

/**
 * Mann–Whitney U test (two-sided) of two samples of ordinal values such as
 * ratings, with mid-ranks for ties, the tie-corrected variance and a
 * continuity correction: the same as
 * `scipy.stats.mannwhitneyu(a, b, method='asymptotic')`.
 *
 * @param a first sample (e.g. the treatment's ratings), at least two values
 * @param b second sample (e.g. the control's), at least two values
 * @throws {RangeError} naming `mannWhitneyU` for fewer than two values in a sample or a non-finite value
 * @see H. B. Mann & D. R. Whitney (1947), Ann. Math. Statist. 18(1); tie correction: Lehmann (1975), Nonparametrics, §1.4.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  checkAtLeastTwo(a.length, 'mannWhitneyU', 'the first sample');
  checkAtLeastTwo(b.length, 'mannWhitneyU', 'the second sample');
  const countsA = new Map<number, number>();
  const countsB = new Map<number, number>();
  for (const x of a) {
    if (!Number.isFinite(x)) throw new RangeError(`mannWhitneyU: values must be finite, got ${x}`);
    countsA.set(x, (countsA.get(x) ?? 0) + 1);
  }
  for (const x of b) {
    if (!Number.isFinite(x)) throw new RangeError(`mannWhitneyU: values must be finite, got ${x}`);
    countsB.set(x, (countsB.get(x) ?? 0) + 1);
  }
  const levels = [...new Set([...countsA.keys(), ...countsB.keys()])].sort((x, y) => x - y);
  return fromCounts(
    levels.map((level) => countsA.get(level) ?? 0),
    levels.map((level) => countsB.get(level) ?? 0),
  );
}

/**
 * {@link mannWhitneyU} from histograms, so the server can run it from rollups:
 * `countsA[k]` and `countsB[k]` are how many values of each sample sit at the
 * k-th level, levels in ascending order (for ratings 1..5, five counts each).
 *
 * @throws {RangeError} naming `mannWhitneyUFromCounts` for arrays of different lengths, negative or non-integer counts, or fewer than two values in a sample
 * @example mannWhitneyUFromCounts([0, 1, 2, 5, 7], [1, 2, 4, 4, 3])
 */
export function mannWhitneyUFromCounts(countsA: readonly number[], countsB: readonly number[]): MannWhitneyResult {
  if (countsA.length !== countsB.length) {
    throw new RangeError(`mannWhitneyUFromCounts: count arrays differ in length (${countsA.length} and ${countsB.length})`);
  }
  for (const c of [...countsA, ...countsB]) {
    if (!(Number.isInteger(c) && c >= 0)) {
      throw new RangeError(`mannWhitneyUFromCounts: counts must be non-negative integers, got ${c}`);
    }
  }
  const nA = countsA.reduce((s, c) => s + c, 0);
  const nB = countsB.reduce((s, c) => s + c, 0);
  checkAtLeastTwo(nA, 'mannWhitneyUFromCounts', 'the first sample');
  checkAtLeastTwo(nB, 'mannWhitneyUFromCounts', 'the second sample');
  return fromCounts(countsA, countsB);
}

function fromCounts(countsA: readonly number[], countsB: readonly number[]): MannWhitneyResult {
  let nA = 0;
  let nB = 0;
  for (let k = 0; k < countsA.length; k++) {
    nA += countsA[k];
    nB += countsB[k];
  }
  const n = nA + nB;
  let below = 0;
  let rankSumA = 0;
  let tieTerm = 0;
  for (let k = 0; k < countsA.length; k++) {
    const t = countsA[k] + countsB[k];
    if (t === 0) continue;
    const midRank = below + (t + 1) / 2;
    rankSumA += countsA[k] * midRank;
    tieTerm += t * t * t - t;
    below += t;
  }
  const u1 = rankSumA - (nA * (nA + 1)) / 2;
  const u2 = nA * nB - u1;
  const u = Math.max(u1, u2);
  const mu = (nA * nB) / 2;
  const sigma = Math.sqrt(((nA * nB) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const z = sigma > 0 ? (u - mu - 0.5) / sigma : 0;
  const pValue = sigma > 0 ? Math.min(1, Math.max(0, 2 * normalCdf(-z))) : 1;
  return { statistic: u1, pValue, z, commonLanguageEffect: u1 / (nA * nB), nA, nB };
}
