import fc from 'fast-check';
import { expectClose } from '../testing/expect-close';
import {
  addObservation,
  addOutcome,
  emptyMoments,
  emptyProportions,
  meanOf,
  mergeMoments,
  mergeProportions,
  momentsOf,
  proportionsOf,
  varianceOf,
} from './moments';
import { summarize } from './summary';

const finite = fc.double({ min: -1e3, max: 1e3, noNaN: true });

describe('sufficient statistics', () => {
  it('merging equals computing on the concatenation', () => {
    fc.assert(
      fc.property(fc.array(finite), fc.array(finite), (a, b) => {
        const merged = mergeMoments(momentsOf(a), momentsOf(b));
        const direct = momentsOf([...a, ...b]);
        expect(merged.n).toBe(direct.n);
        expectClose(merged.sum, direct.sum, 1e-9, 1e-9);
        expectClose(merged.sumSq, direct.sumSq, 1e-9, 1e-9);
        if (direct.n >= 2) {
          const s1 = summarize(merged);
          const s2 = summarize(direct);
          expectClose(s1.mean, s2.mean, 1e-9, 1e-9);
          expectClose(s1.stddev, s2.stddev, 1e-6, 1e-6);
        }
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.boolean()), fc.array(fc.boolean()), (a, b) => {
        expect(mergeProportions(proportionsOf(a), proportionsOf(b))).toEqual(proportionsOf([...a, ...b]));
      }),
    );
  });

  it('adding one by one equals momentsOf', () => {
    fc.assert(
      fc.property(fc.array(finite), (values) => {
        const folded = values.reduce(addObservation, emptyMoments());
        expect(folded).toEqual(momentsOf(values));
      }),
    );
    expect([true, false, true].reduce(addOutcome, emptyProportions())).toEqual({ n: 3, successes: 2 });
  });

  it('gives NaN rather than throwing for tiny samples', () => {
    expect(meanOf(emptyMoments())).toBeNaN();
    expect(varianceOf(momentsOf([3]))).toBeNaN();
    expect(varianceOf(momentsOf([2, 2, 2]))).toBe(0);
  });

  it('throws naming the function for non-finite values', () => {
    expect(() => momentsOf([1, NaN])).toThrow(/momentsOf: values must be finite/);
    expect(() => addObservation(emptyMoments(), Infinity)).toThrow(/addObservation: value must be finite/);
  });
});
