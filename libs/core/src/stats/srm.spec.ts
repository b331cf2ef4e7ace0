import fc from 'fast-check';
import { expectClose } from '../testing/expect-close';
import fixture from './__fixtures__/srm.json';
import { sampleRatioMismatch } from './srm';

describe('sampleRatioMismatch', () => {
  // Source: scipy.stats.chisquare(observed, f_exp) (fixture _source); flagged at p < 0.001.
  it.each(fixture.cases)('matches SciPy for $observed against $weights', (c) => {
    const r = sampleRatioMismatch(c.observed, c.weights);
    expectClose(r.pValue, c.pValue, 1e-6);
    expectClose(r.statistic, c.statistic, 1e-9, 1e-12);
    r.expected.forEach((e, i) => expectClose(e, c.expected[i], 1e-12));
    expect(r.mismatch).toBe(c.mismatch);
  });

  it('p-values lie in [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(10_000), { minLength: 2, maxLength: 6 }), (observed) => {
        const r = sampleRatioMismatch(observed, observed.map(() => 1));
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('throws naming the function for bad input', () => {
    expect(() => sampleRatioMismatch([10, 10], [1, 0])).toThrow(/sampleRatioMismatch: weights must be positive/);
    expect(() => sampleRatioMismatch([10, 10, 3], [1, 1])).toThrow(/sampleRatioMismatch: 3 observed counts for 2 weights/);
    expect(() => sampleRatioMismatch([10, 10], [1, 1], 1)).toThrow(/sampleRatioMismatch: threshold must lie strictly between 0 and 1/);
  });
});
