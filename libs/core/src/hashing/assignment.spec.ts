import fc from 'fast-check';
import { chiSquareSurvival } from '../stats/distributions';
import vectors from './__fixtures__/assignment-vectors.json';
import auxiliary from './__fixtures__/auxiliary-hash-vectors.json';
import {
  assign,
  assignMany,
  assignmentBucket,
  checkLayerSlices,
  inLayerSlice,
  inTrafficAllocation,
  layerBucket,
  trafficBucket,
} from './assignment';
import { normaliseWeights, pickVariant } from './weights';

describe('assignmentBucket (version 1, seed-compatible)', () => {
  // The seed's own example: ABExperiment(name="summarizer_prompt").assign(uid).
  it.each([
    ['user_101', 'B'],
    ['user_202', 'A'],
    ['user_303', 'A'],
  ])('seed example: %s -> %s', (unitId, variant) => {
    const bucket = assignmentBucket('summarizer_prompt', unitId);
    expect(['A', 'B'][pickVariant(bucket, [0.5, 0.5])]).toBe(variant);
    expect(['A', 'B'][assign({ salt: 'summarizer_prompt', unitId, weights: [1, 1] })?.variantIndex ?? -1]).toBe(variant);
  });

  // Known answers from Python's hashlib (libs/core/tools/make-fixtures.py), see the fixture's _source.
  it.each(vectors.cases)('matches hashlib for salt=$salt unitId=$unitId', ({ salt, unitId, bucket, hex8, seedVariant }) => {
    expect(assignmentBucket(salt, unitId)).toBe(bucket);
    expect(assignmentBucket(salt, unitId, 1)).toBe(parseInt(hex8, 16) / 0xffffffff);
    expect(['A', 'B'][pickVariant(bucket, [1, 1])]).toBe(seedVariant);
  });

  it.each(auxiliary.cases)('$kind hash matches hashlib for $name / $unitId', ({ kind, name, unitId, bucket }) => {
    expect(kind === 'traffic' ? trafficBucket(name, unitId) : layerBucket(name, unitId)).toBe(bucket);
  });

  it('rejects unknown versions, naming the function', () => {
    expect(() => assignmentBucket('s', 'u', 2 as unknown as 1)).toThrow(/assignmentBucket: unknown hash version 2/);
  });

  it('is deterministic and lies in [0, 1]', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (salt, unitId) => {
        const bucket = assignmentBucket(salt, unitId);
        expect(bucket).toBeGreaterThanOrEqual(0);
        expect(bucket).toBeLessThanOrEqual(1);
        expect(assignmentBucket(salt, unitId)).toBe(bucket);
        expect(assign({ salt, unitId, weights: [1, 2, 3] })).toEqual(assign({ salt, unitId, weights: [1, 2, 3] }));
      }),
    );
  });
});

describe('pickVariant', () => {
  it('gives ranges from the top down: control [1 - w0, 1], next below it', () => {
    expect(pickVariant(1, [0.2, 0.3, 0.5])).toBe(0);
    expect(pickVariant(0.8, [0.2, 0.3, 0.5])).toBe(0);
    expect(pickVariant(0.79, [0.2, 0.3, 0.5])).toBe(1);
    expect(pickVariant(0.5, [0.2, 0.3, 0.5])).toBe(1);
    expect(pickVariant(0.49, [0.2, 0.3, 0.5])).toBe(2);
    expect(pickVariant(0, [0.2, 0.3, 0.5])).toBe(2);
    expect(pickVariant(0.4999, [1, 1])).toBe(1);
    expect(pickVariant(0.5, [1, 1])).toBe(0);
  });

  it("splits [1 - s, s] exactly at s, like the seed's bucket < traffic_split", () => {
    for (const s of [0.1, 0.2, 0.3, 0.7, 0.9]) {
      expect(pickVariant(s, [1 - s, s])).toBe(0);
      expect(pickVariant(s - Number.EPSILON, [1 - s, s])).toBe(1);
    }
  });

  it('throws naming the function for bad weights and buckets', () => {
    expect(() => pickVariant(0.5, [])).toThrow(/pickVariant: weights must be a non-empty array/);
    expect(() => pickVariant(0.5, [1, 0])).toThrow(/pickVariant: weights must be positive/);
    expect(() => pickVariant(0.5, [1, -1])).toThrow(/pickVariant: weights must be positive/);
    expect(() => pickVariant(0.5, [1, NaN])).toThrow(/pickVariant/);
    expect(() => pickVariant(1.5, [1, 1])).toThrow(/pickVariant: bucket/);
    expect(() => normaliseWeights([1, Infinity])).toThrow(/normaliseWeights: weights must be positive finite/);
    expect(() => assign({ salt: 's', unitId: 'u', weights: [0] })).toThrow(/assign: weights/);
  });

  it('normalises weights to sum 1', () => {
    expect(normaliseWeights([1, 1, 2])).toEqual([0.25, 0.25, 0.5]);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 1000, noNaN: true }), { minLength: 1, maxLength: 10 }), (weights) => {
        const sum = normaliseWeights(weights).reduce((s, w) => s + w, 0);
        expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
      }),
    );
  });

  it('variant frequencies match the weights (chi-square on 100 000 ids)', () => {
    for (const weights of [
      [1, 1],
      [0.1, 0.2, 0.7],
      [5, 3, 1, 1],
    ]) {
      const counts = weights.map(() => 0);
      for (let i = 0; i < 100_000; i++) counts[assign({ salt: 'freq-test', unitId: `unit-${i}`, weights })?.variantIndex ?? -1]++;
      const total = weights.reduce((s, w) => s + w, 0);
      let statistic = 0;
      counts.forEach((count, k) => {
        const expected = (100_000 * weights[k]) / total;
        statistic += (count - expected) ** 2 / expected;
      });
      // A correct assignment fails this 1 time in 10 000; the ids are fixed, so the test is deterministic.
      expect(chiSquareSurvival(statistic, weights.length - 1)).toBeGreaterThan(1e-4);
    }
  });
});

describe('traffic allocation', () => {
  it('raising the allocation only adds units', () => {
    fc.assert(
      fc.property(fc.string(), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (unitId, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        if (inTrafficAllocation('exp', unitId, low)) expect(inTrafficAllocation('exp', unitId, high)).toBe(true);
      }),
    );
  });

  it('admits about the allocated fraction, independently of the variant', () => {
    const inByVariant = [0, 0];
    const byVariant = [0, 0];
    for (let i = 0; i < 20_000; i++) {
      const unitId = `u${i}`;
      const variant = pickVariant(assignmentBucket('exp', unitId), [1, 1]);
      byVariant[variant]++;
      if (inTrafficAllocation('exp', unitId, 0.3)) inByVariant[variant]++;
    }
    // Binomial standard error of a rate near 0.3 over 10 000 units is ~0.0046.
    expect(Math.abs(inByVariant[0] / byVariant[0] - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(inByVariant[1] / byVariant[1] - 0.3)).toBeLessThan(0.02);
  });

  it('assign returns null outside the allocation, and 0 and 1 are exact', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `id-${i}`);
    expect(ids.every((unitId) => assign({ salt: 's', unitId, weights: [1], trafficAllocation: 0 }) === null)).toBe(true);
    expect(ids.every((unitId) => assign({ salt: 's', unitId, weights: [1], trafficAllocation: 1 }) !== null)).toBe(true);
    for (const unitId of ids) {
      expect(assign({ salt: 's', unitId, weights: [1, 1], trafficAllocation: 0.5 }) !== null).toBe(inTrafficAllocation('s', unitId, 0.5));
    }
  });

  it('throws naming the function for an allocation outside [0, 1]', () => {
    expect(() => inTrafficAllocation('s', 'u', 1.2)).toThrow(/inTrafficAllocation: allocation must lie in \[0, 1\]/);
    expect(() => assign({ salt: 's', unitId: 'u', weights: [1], trafficAllocation: -0.1 })).toThrow(/assign: trafficAllocation/);
  });
});

describe('layers', () => {
  it('experiments with disjoint slices of a layer never share a unit', () => {
    const slices = [
      { salt: 'e1', start: 0, end: 0.3 },
      { salt: 'e2', start: 0.3, end: 0.5 },
      { salt: 'e3', start: 0.5, end: 1 },
    ];
    checkLayerSlices(slices);
    fc.assert(
      fc.property(fc.string(), (unitId) => {
        const inExperiments = slices.filter(({ salt, start, end }) =>
          assign({ salt, unitId, weights: [1, 1], layer: { name: 'homepage', start, end } }),
        );
        // The slices cover the whole layer, so every unit is in exactly one.
        expect(inExperiments).toHaveLength(1);
        expect(inLayerSlice('homepage', unitId, inExperiments[0].start, inExperiments[0].end)).toBe(true);
      }),
    );
  });

  it('rejects overlapping or invalid slices, naming the function', () => {
    expect(() => checkLayerSlices([{ start: 0, end: 0.5 }, { start: 0.4, end: 1 }])).toThrow(/checkLayerSlices: .* overlap/);
    expect(() => inLayerSlice('l', 'u', 0.6, 0.4)).toThrow(/inLayerSlice: a layer slice needs/);
  });
});

describe('assignMany', () => {
  it('equals assign unit by unit', () => {
    const unitIds = Array.from({ length: 300 }, (_, i) => `batch-${i}`);
    const options = { salt: 'b', weights: [2, 1, 1], trafficAllocation: 0.8, layer: { name: 'L', start: 0.1, end: 0.9 } };
    expect(assignMany({ ...options, unitIds })).toEqual(unitIds.map((unitId) => assign({ ...options, unitId })));
  });
});
