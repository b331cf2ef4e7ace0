import fc from 'fast-check';
import { expectClose } from '../testing/expect-close';
import fixture from './__fixtures__/two-proportion.json';
import { twoProportionTest } from './two-proportion';

describe('twoProportionTest', () => {
  // Source: scipy.stats.chi2_contingency(table, correction=False) for the p-value; Wald CI written out (fixture _source).
  it.each(fixture.cases)('matches SciPy: $treatment.successes/$treatment.n vs $control.successes/$control.n', (c) => {
    const r = twoProportionTest(c.treatment, c.control, c.confidence);
    expectClose(r.pValue, c.pValue, 1e-6);
    expectClose(r.statistic ** 2, c.chi2, 1e-9);
    expectClose(r.statistic, c.statistic, 1e-9);
    expectClose(r.difference, c.difference, 1e-12);
    expectClose(r.ciLow, c.ciLow, 1e-9, 1e-12);
    expectClose(r.ciHigh, c.ciHigh, 1e-9, 1e-12);
    expectClose(r.relativeLift, c.relativeLift, 1e-9, 1e-12);
    expectClose(r.relativeLiftCiLow, c.relativeLiftCiLow, 1e-9, 1e-12);
    expectClose(r.relativeLiftCiHigh, c.relativeLiftCiHigh, 1e-9, 1e-12);
    expect(r.df).toBe(Infinity);
  });

  const group = fc.integer({ min: 2, max: 500 }).chain((n) => fc.record({ n: fc.constant(n), successes: fc.integer({ min: 0, max: n }) }));
  it('p-values lie in [0, 1] and intervals contain the estimate', () => {
    fc.assert(
      fc.property(group, group, (t, c) => {
        const r = twoProportionTest(t, c);
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
        expect(r.ciLow).toBeLessThanOrEqual(r.difference);
        expect(r.ciHigh).toBeGreaterThanOrEqual(r.difference);
      }),
    );
  });

  it('throws naming the function for bad input', () => {
    expect(() => twoProportionTest({ n: 1, successes: 1 }, { n: 5, successes: 2 })).toThrow(/twoProportionTest: treatment needs at least two/);
    expect(() => twoProportionTest({ n: 5, successes: 6 }, { n: 5, successes: 2 })).toThrow(/twoProportionTest: treatment needs 0 <= successes <= n/);
    expect(() => twoProportionTest({ n: 5, successes: 1 }, { n: 5, successes: 2 }, 0)).toThrow(/twoProportionTest: confidence/);
  });
});
