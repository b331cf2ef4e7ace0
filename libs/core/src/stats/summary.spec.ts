import fc from 'fast-check';
import { expectClose } from '../testing/expect-close';
import fixture from './__fixtures__/t-interval.json';
import { momentsOf } from './moments';
import { summarize } from './summary';

describe('summarize', () => {
  // Source: scipy.stats.t.interval(confidence, n-1, loc=mean, scale=s/sqrt(n)) (see fixture _source).
  it.each(fixture.cases)('t interval of $values.length values at $confidence', (c) => {
    const s = summarize(momentsOf(c.values), c.confidence);
    expect(s.n).toBe(c.values.length);
    expectClose(s.mean, c.mean, 1e-9);
    expectClose(s.stddev, c.stddev, 1e-7);
    expectClose(s.ciLow, c.ciLow, 1e-7);
    expectClose(s.ciHigh, c.ciHigh, 1e-7);
  });

  it('returns NaN interval fields for 0 or 1 observations instead of throwing', () => {
    expect(summarize(momentsOf([]))).toEqual({ n: 0, mean: NaN, stddev: NaN, ciLow: NaN, ciHigh: NaN });
    expect(summarize(momentsOf([4]))).toEqual({ n: 1, mean: 4, stddev: NaN, ciLow: NaN, ciHigh: NaN });
  });

  it('intervals contain their estimate', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 200 }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        (values, confidence) => {
          const s = summarize(momentsOf(values), confidence);
          expect(s.ciLow).toBeLessThanOrEqual(s.mean);
          expect(s.ciHigh).toBeGreaterThanOrEqual(s.mean);
        },
      ),
    );
  });

  it('throws naming the function for a confidence outside (0, 1)', () => {
    expect(() => summarize(momentsOf([1, 2]), 1)).toThrow(/summarize: confidence must lie strictly between 0 and 1/);
    expect(() => summarize(momentsOf([1, 2]), 0)).toThrow(/summarize/);
  });
});
