import fc from 'fast-check';
import { expectClose } from '../testing/expect-close';
import { confidenceSequence } from './confidence-sequence';
import { addObservation, emptyMoments, MomentStats, momentsOf } from './moments';
import { normalDraw, seededRandom } from './random';
import { welchTTest } from './welch';

describe('confidenceSequence', () => {
  it('matches the asymptotic confidence sequence written out', () => {
    // Python, GrowthBook's gbstats formula: N=2000, var=1/1000+1.21/1000, alpha=0.05, tuning=5000,
    // rho2=(-2 ln a + ln(-2 ln a + 1))/5000, hw=sqrt(var N)*sqrt(2(N rho2+1)/(N^2 rho2) ln(sqrt(N rho2+1)/a)) = 0.1468508452410849
    const treatment: MomentStats = { n: 1000, sum: 100, sumSq: 999 + 10 };
    const control: MomentStats = { n: 1000, sum: 0, sumSq: 1.21 * 999 };
    const r = confidenceSequence(treatment, control);
    expectClose(r.halfWidth, 0.1468508452410849, 1e-9);
    expectClose(r.difference, 0.1, 1e-12);
    expect(r.significant).toBe(false);
  });

  it('is wider than the fixed-horizon interval, and contains its estimate', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 300 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 300 }),
        (t, c) => {
          const cs = confidenceSequence(momentsOf(t), momentsOf(c));
          expect(cs.ciLow).toBeLessThanOrEqual(cs.difference);
          expect(cs.ciHigh).toBeGreaterThanOrEqual(cs.difference);
        },
      ),
    );
    const t = momentsOf(Array.from({ length: 500 }, (_, i) => (i % 5) + 1));
    const c = momentsOf(Array.from({ length: 500 }, (_, i) => ((i + 2) % 5) + 1));
    expect(confidenceSequence(t, c).halfWidth).toBeGreaterThan(welchTTest(t, c).ciHigh - welchTTest(t, c).difference);
  });

  it('A/A peeking: fixed-horizon false positives grow with peeks, the sequence stays under alpha', () => {
    // Seeded simulation: 300 A/A experiments, N(0, 1) in both arms, 40 looks of 50 units per arm each.
    const rng = seededRandom(20240601);
    const experiments = 300;
    const looks = 40;
    const perLook = 50;
    let fixedEver = 0;
    let fixedFinal = 0;
    let sequentialEver = 0;
    for (let e = 0; e < experiments; e++) {
      let a = emptyMoments();
      let b = emptyMoments();
      let fixedRejected = false;
      let sequentialRejected = false;
      for (let look = 0; look < looks; look++) {
        for (let i = 0; i < perLook; i++) {
          a = addObservation(a, normalDraw(rng));
          b = addObservation(b, normalDraw(rng));
        }
        const p = welchTTest(a, b).pValue;
        if (p < 0.05) fixedRejected = true;
        if (look === looks - 1 && p < 0.05) fixedFinal++;
        if (confidenceSequence(a, b, { confidence: 0.95 }).significant) sequentialRejected = true;
      }
      if (fixedRejected) fixedEver++;
      if (sequentialRejected) sequentialEver++;
    }
    const alpha = 0.05;
    // One look at the end: the fixed-horizon test is fine (≈ alpha; 300 runs give a standard error of ~0.013).
    expect(fixedFinal / experiments).toBeLessThan(alpha + 0.04);
    // Forty looks: it cries wolf far more often than alpha.
    expect(fixedEver / experiments).toBeGreaterThan(2 * alpha);
    // The confidence sequence, checked at every look, stays under alpha.
    expect(sequentialEver / experiments).toBeLessThanOrEqual(alpha);
  });

  it('detects a real effect', () => {
    const rng = seededRandom(5);
    let a = emptyMoments();
    let b = emptyMoments();
    for (let i = 0; i < 5000; i++) {
      a = addObservation(a, 0.2 + normalDraw(rng));
      b = addObservation(b, normalDraw(rng));
    }
    expect(confidenceSequence(a, b).significant).toBe(true);
  });

  it('throws naming the function for bad input', () => {
    expect(() => confidenceSequence(momentsOf([1]), momentsOf([1, 2]))).toThrow(/confidenceSequence: treatment needs at least two/);
    expect(() => confidenceSequence(momentsOf([1, 2]), momentsOf([1, 2]), { confidence: 1 })).toThrow(/confidenceSequence: confidence/);
    expect(() => confidenceSequence(momentsOf([1, 2]), momentsOf([1, 2]), { tuning: 0 })).toThrow(/confidenceSequence: tuning/);
  });
});
