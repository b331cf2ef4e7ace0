import { assign, assignmentBucket } from '@flywheel/core';
import fc from 'fast-check';
import { FlywheelError } from './flywheel-error';
import { assignLocally, FORCED_ASSIGNMENTS_LIMIT, prepareExperiment, type ExperimentDefinition } from './local-assignment';

function definition(overrides: Partial<ExperimentDefinition> = {}): ExperimentDefinition {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'summarizer_prompt',
    status: 'RUNNING',
    salt: 'summarizer_prompt',
    trafficAllocation: 1,
    winner: null,
    variants: ['A', 'B'].map((key, position) => ({ key, position, weight: 0.5, config: null, promptVersion: null, modelVersion: null })),
    layer: null,
    forcedAssignments: [],
    ...overrides,
  };
}

describe('assignLocally', () => {
  // Reference: Python 3.11, b = int(hashlib.md5(f'summarizer_prompt:{u}'.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF,
  // variant as the seed's 50/50 ABExperiment.assign (b < 0.5 is B); the seed's own example is user_101 → B, user_202 → A, user_303 → A.
  it.each([
    ['user_101', 0.03289086907936513, 'B'],
    ['user_202', 0.6147121897932869, 'A'],
    ['user_303', 0.6500109670800183, 'A'],
    ['ünï-7-✓', 0.21521111582760027, 'B'],
  ])('%s → bucket %d, variant %s', (unitId, bucket, variant) => {
    const result = assignLocally(prepareExperiment(definition()), unitId);
    expect(result).toMatchObject({ unitId, variant, bucket, forced: false, experimentId: definition().id });
  });

  it('is libs/core assign over the definition for any weights, allocation and layer (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 10, noNaN: true }), { minLength: 2, maxLength: 6 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.option(fc.tuple(fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0.5, max: 1, noNaN: true }))),
        fc.string(),
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\u0000')),
        (weights, trafficAllocation, slice, salt, unitId) => {
          const def = definition({
            salt,
            trafficAllocation,
            variants: weights.map((weight, position) => ({ key: `v${position}`, position, weight, config: null, promptVersion: null, modelVersion: null })),
            layer: slice && { name: 'L', start: slice[0], end: slice[1] },
          });
          const expected = assign({ salt, unitId, weights, trafficAllocation, layer: def.layer ?? undefined });
          const result = assignLocally(prepareExperiment(def), unitId);
          expect(result && { variant: result.variant, bucket: result.bucket }).toEqual(expected && { variant: `v${expected.variantIndex}`, bucket: expected.bucket });
        },
      ),
    );
  });

  it('follows the status rules of the server', () => {
    for (const status of ['DRAFT', 'PAUSED', 'COMPLETED'] as const) expect(assignLocally(prepareExperiment(definition({ status })), 'user_101')).toBeNull();
    const rolledOut = assignLocally(prepareExperiment(definition({ status: 'COMPLETED', winner: 'A', trafficAllocation: 0.01 })), 'user_101');
    expect(rolledOut).toMatchObject({ variant: 'A', bucket: assignmentBucket('summarizer_prompt', 'user_101'), forced: false });
  });

  it('gives forced units their variant while running, outside the allocation too, with their usual bucket', () => {
    const prepared = prepareExperiment(definition({ trafficAllocation: 0.0001, forcedAssignments: [{ unitId: 'qa', variant: 'B' }] }));
    expect(assignLocally(prepared, 'qa')).toMatchObject({ variant: 'B', forced: true, bucket: assignmentBucket('summarizer_prompt', 'qa'), details: { key: 'B' } });
    expect(assignLocally(prepareExperiment(definition({ status: 'PAUSED', forcedAssignments: [{ unitId: 'qa', variant: 'B' }] })), 'qa')).toBeNull();
  });

  it('knows when the server listed only part of the forced units', () => {
    const many = Array.from({ length: FORCED_ASSIGNMENTS_LIMIT }, (_, i) => ({ unitId: `u${i}`, variant: 'A' }));
    expect(prepareExperiment(definition({ forcedAssignments: many })).forcedComplete).toBe(false);
    expect(prepareExperiment(definition({ forcedAssignments: many.slice(1) })).forcedComplete).toBe(true);
  });

  it.each([
    ['', 'must not be empty'],
    ['x'.repeat(513), 'the limit is 512'],
    ['a\u0000b', 'NUL'],
  ])('rejects the unit id %j as the server does', (unitId, message) => {
    const error = (() => {
      try {
        assignLocally(prepareExperiment(definition()), unitId);
      } catch (e) {
        return e;
      }
    })() as FlywheelError;
    expect(error).toBeInstanceOf(FlywheelError);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.field).toBe('unitId');
    expect(error.message).toContain(message);
  });
});
