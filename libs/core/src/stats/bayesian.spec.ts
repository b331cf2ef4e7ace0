import { expectClose } from '../testing/expect-close';
import fixture from './__fixtures__/bayesian.json';
import {
  probabilityToBeatControl,
  probabilityToBeatControlMeans,
  probabilityToBeatControlProportions,
} from './bayesian';
import { momentsOf, ProportionStats } from './moments';
import { seededRandom } from './random';

describe('probability to beat control', () => {
  // Source: scipy.integrate.quad of beta.pdf * beta.cdf for proportions; norm.cdf for means (fixture _source).
  it.each(fixture.cases)('$kind case matches SciPy', (c) => {
    if (c.kind === 'proportions') {
      const t = c.treatment as ProportionStats;
      const k = c.control as ProportionStats;
      expectClose(probabilityToBeatControlProportions(t, k), c.probability, 1e-8, 1e-10);
      expectClose(probabilityToBeatControl(t, k), c.probability, 1e-8, 1e-10);
      // Monte Carlo with an injected seeded RNG: within 4 standard errors of 20 000 draws.
      const mc = probabilityToBeatControlProportions(t, k, { rng: seededRandom(7) });
      expect(Math.abs(mc - c.probability)).toBeLessThan(4 * Math.sqrt(0.25 / 20_000));
    } else {
      const t = momentsOf(c.treatment as number[]);
      const k = momentsOf(c.control as number[]);
      expectClose(probabilityToBeatControlMeans(t, k), c.probability, 1e-8);
      expectClose(probabilityToBeatControl(t, k), c.probability, 1e-8);
      const mc = probabilityToBeatControlMeans(t, k, { rng: seededRandom(11) });
      expect(Math.abs(mc - c.probability)).toBeLessThan(4 * Math.sqrt(0.25 / 20_000));
    }
  });

  it('is reproducible with the same seed', () => {
    const t = { n: 80, successes: 50 };
    const k = { n: 80, successes: 44 };
    expect(probabilityToBeatControlProportions(t, k, { rng: seededRandom(3), draws: 2000 })).toBe(
      probabilityToBeatControlProportions(t, k, { rng: seededRandom(3), draws: 2000 }),
    );
  });

  it('uses a normal approximation for very large counts, consistent with the exact sum', () => {
    const exact = probabilityToBeatControlProportions({ n: 150_000, successes: 90_000 }, { n: 150_000, successes: 89_700 });
    const approx = probabilityToBeatControlProportions(
      { n: 150_000, successes: 90_000 },
      { n: 150_000, successes: 89_700 },
      { priorAlpha: 1.5, priorBeta: 1.5 },
    );
    expect(Math.abs(exact - approx)).toBeLessThan(0.01);
  });

  it('throws naming the function for bad input', () => {
    expect(() => probabilityToBeatControlMeans(momentsOf([1]), momentsOf([1, 2]))).toThrow(/probabilityToBeatControlMeans: treatment needs at least two/);
    expect(() => probabilityToBeatControlProportions({ n: 2, successes: 3 }, { n: 2, successes: 1 })).toThrow(/probabilityToBeatControlProportions/);
    expect(() => probabilityToBeatControl({ n: 2, successes: 1 }, momentsOf([1, 2]))).toThrow(/probabilityToBeatControl: treatment and control must both be/);
  });
});
