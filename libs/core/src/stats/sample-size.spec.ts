import fixture from './__fixtures__/sample-size.json';
import { sampleSizeForMeans, sampleSizeForProportions, samplesStillNeeded } from './sample-size';

describe('sample size', () => {
  // Source: normal-approximation formulas written out with scipy.stats.norm.ppf (fixture _source).
  it.each(fixture.cases)('$kind: effect $minDetectableEffect at alpha $alpha, power $power -> $n', (c) => {
    const n =
      c.kind === 'means'
        ? sampleSizeForMeans({ stddev: c.stddev ?? NaN, minDetectableEffect: c.minDetectableEffect, alpha: c.alpha, power: c.power })
        : sampleSizeForProportions({ baseline: c.baseline ?? NaN, minDetectableEffect: c.minDetectableEffect, alpha: c.alpha, power: c.power });
    expect(n).toBe(c.n);
  });

  it("turns the seed's 200-500 per variant into a number", () => {
    // A 0.25-point change in a 1-5 rating with stddev 1 needs 252 per variant.
    expect(sampleSizeForMeans({ stddev: 1, minDetectableEffect: 0.25 })).toBe(252);
  });

  it('counts the samples still needed', () => {
    expect(samplesStillNeeded(252, [100, 260, 251])).toEqual({ perVariant: [152, 0, 1], total: 153 });
  });

  it('throws naming the function for bad input', () => {
    expect(() => sampleSizeForMeans({ stddev: 1, minDetectableEffect: 0.1, alpha: 0 })).toThrow(/sampleSizeForMeans: alpha must lie strictly between 0 and 1/);
    expect(() => sampleSizeForMeans({ stddev: 0, minDetectableEffect: 0.1 })).toThrow(/sampleSizeForMeans: stddev must be a positive/);
    expect(() => sampleSizeForMeans({ stddev: 1, minDetectableEffect: 0.1, power: 1 })).toThrow(/sampleSizeForMeans: power/);
    expect(() => sampleSizeForProportions({ baseline: 0.98, minDetectableEffect: 0.05 })).toThrow(/sampleSizeForProportions: baseline \+ minDetectableEffect/);
    expect(() => sampleSizeForProportions({ baseline: 0.5, minDetectableEffect: 0 })).toThrow(/sampleSizeForProportions: minDetectableEffect/);
    expect(() => samplesStillNeeded(-1, [1])).toThrow(/samplesStillNeeded/);
  });
});
