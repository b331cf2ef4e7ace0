import fc from 'fast-check';
import { expectClose } from '../testing/expect-close';
import fixture from './__fixtures__/multiple-comparisons.json';
import { benjaminiHochberg, holm } from './multiple-comparisons';

describe('multiple comparisons', () => {
  // Source: scipy.stats.false_discovery_control(p, method='bh'); Holm written out (fixture _source).
  it.each(fixture.cases)('adjusts $pValues', (c) => {
    holm(c.pValues).forEach((p, i) => expectClose(p, c.holm[i], 1e-12));
    benjaminiHochberg(c.pValues).forEach((p, i) => expectClose(p, c.benjaminiHochberg[i], 1e-12));
  });

  it('adjusted p-values lie in [p, 1], Holm at least as large as BH', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }), (ps) => {
        const h = holm(ps);
        const bh = benjaminiHochberg(ps);
        ps.forEach((p, i) => {
          expect(h[i]).toBeGreaterThanOrEqual(p);
          expect(h[i]).toBeLessThanOrEqual(1);
          expect(bh[i]).toBeGreaterThanOrEqual(p);
          expect(bh[i]).toBeLessThanOrEqual(h[i] + 1e-15);
        });
      }),
    );
  });

  it('throws naming the function for p-values outside [0, 1]', () => {
    expect(() => holm([0.1, 1.2])).toThrow(/holm: p-values must lie in \[0, 1\]/);
    expect(() => benjaminiHochberg([NaN])).toThrow(/benjaminiHochberg: p-values/);
  });
});
