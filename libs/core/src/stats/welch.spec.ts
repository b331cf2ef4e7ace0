import fc from 'fast-check';
import { expectClose } from '../testing/expect-close';
import fixture from './__fixtures__/welch.json';
import { momentsOf } from './moments';
import { welchTTest } from './welch';

describe('welchTTest', () => {
  // Source: scipy.stats.ttest_ind(treatment, control, equal_var=False) and its confidence_interval (fixture _source).
  it.each(fixture.cases)('matches SciPy: n=$treatment.length vs $control.length at $confidence', (c) => {
    const r = welchTTest(momentsOf(c.treatment), momentsOf(c.control), c.confidence);
    expectClose(r.pValue, c.pValue, 1e-6);
    expectClose(r.statistic, c.statistic, 1e-7);
    expectClose(r.df, c.df, 1e-7);
    expectClose(r.difference, c.difference, 1e-7, 1e-9);
    expectClose(r.ciLow, c.ciLow, 1e-7, 1e-9);
    expectClose(r.ciHigh, c.ciHigh, 1e-7, 1e-9);
    expectClose(r.relativeLift, c.relativeLift, 1e-6, 1e-9);
    expectClose(r.relativeLiftCiLow, c.relativeLiftCiLow, 1e-6, 1e-9);
    expectClose(r.relativeLiftCiHigh, c.relativeLiftCiHigh, 1e-6, 1e-9);
  });

  const sample = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 100 });
  it('p-values lie in [0, 1] and intervals contain the estimate', () => {
    fc.assert(
      fc.property(sample, sample, (t, c) => {
        const r = welchTTest(momentsOf(t), momentsOf(c));
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
        expect(r.ciLow).toBeLessThanOrEqual(r.difference);
        expect(r.ciHigh).toBeGreaterThanOrEqual(r.difference);
        if (Number.isFinite(r.relativeLift)) {
          expect(r.relativeLiftCiLow).toBeLessThanOrEqual(r.relativeLift);
          expect(r.relativeLiftCiHigh).toBeGreaterThanOrEqual(r.relativeLift);
        }
      }),
    );
  });

  it('handles two constant groups without NaN p-values', () => {
    expect(welchTTest(momentsOf([3, 3]), momentsOf([3, 3, 3])).pValue).toBe(1);
    expect(welchTTest(momentsOf([4, 4]), momentsOf([3, 3, 3])).pValue).toBe(0);
  });

  it('throws naming the function for fewer than two observations or a bad confidence', () => {
    expect(() => welchTTest(momentsOf([1]), momentsOf([1, 2]))).toThrow(/welchTTest: treatment needs at least two observations, got 1/);
    expect(() => welchTTest(momentsOf([1, 2]), momentsOf([]))).toThrow(/welchTTest: control needs at least two observations, got 0/);
    expect(() => welchTTest(momentsOf([1, 2]), momentsOf([1, 2]), 1.5)).toThrow(/welchTTest: confidence/);
  });
});
