import fc from 'fast-check';
import { expectClose } from '../testing/expect-close';
import fixture from './__fixtures__/mann-whitney.json';
import { mannWhitneyU, mannWhitneyUFromCounts } from './mann-whitney';

describe('mannWhitneyU', () => {
  // Source: scipy.stats.mannwhitneyu(a, b, alternative='two-sided', method='asymptotic') (fixture _source).
  it.each(fixture.cases)('matches SciPy for samples of $a.length and $b.length', (c) => {
    const r = mannWhitneyU(c.a, c.b);
    expect(r.statistic).toBe(c.statistic);
    expectClose(r.pValue, c.pValue, 1e-6);
    if (c.countsA && c.countsB) {
      const fromCounts = mannWhitneyUFromCounts(c.countsA, c.countsB);
      expect(fromCounts.statistic).toBe(c.statistic);
      expectClose(fromCounts.pValue, c.pValue, 1e-6);
    }
  });

  it('p-values lie in [0, 1], and the count form equals the list form', () => {
    const ratings = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 80 });
    fc.assert(
      fc.property(ratings, ratings, (a, b) => {
        const r = mannWhitneyU(a, b);
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
        const histogram = (xs: number[]) => [1, 2, 3, 4, 5].map((k) => xs.filter((x) => x === k).length);
        const fromCounts = mannWhitneyUFromCounts(histogram(a), histogram(b));
        expect(fromCounts.statistic).toBeCloseTo(r.statistic, 9);
        expect(fromCounts.pValue).toBeCloseTo(r.pValue, 12);
      }),
    );
  });

  it('throws naming the function for bad input', () => {
    expect(() => mannWhitneyU([1], [1, 2])).toThrow(/mannWhitneyU: the first sample needs at least two observations/);
    expect(() => mannWhitneyUFromCounts([1, 2], [1])).toThrow(/mannWhitneyUFromCounts: count arrays differ/);
    expect(() => mannWhitneyUFromCounts([0, 1], [3, 0])).toThrow(/mannWhitneyUFromCounts: the first sample needs at least two/);
    expect(() => mannWhitneyUFromCounts([-1, 3], [3, 0])).toThrow(/mannWhitneyUFromCounts: counts must be non-negative integers/);
  });
});
