import { assign, assignmentBucket } from '@flywheel/core';
import type { AssignMutation, ExperimentDefinitionFragment, VariantFieldsFragment } from './__generated__/graphql';
import { FlywheelError } from './flywheel-error';

/** An experiment as the SDK caches it (the `ExperimentDefinition` fragment). */
export type ExperimentDefinition = ExperimentDefinitionFragment;

/** A variant of an experiment, with its prompt version, model version and config. */
export type ExperimentVariant = VariantFieldsFragment;

/** The variant a unit gets: the server's `Assignment`, plus the experiment and the variant's details. */
export type Assignment = Omit<NonNullable<AssignMutation['assign']>, 'experiment' | 'details'> & {
  /** The experiment's id (give it to `feedback.log` and `interactions.log`). */
  experimentId: string;
  /** The chosen variant: prompt version, model version, config (null only for a forced key no longer among the variants). */
  details: ExperimentVariant | null;
};

/** The server's `forcedAssignments` field lists at most this many units. */
export const FORCED_ASSIGNMENTS_LIMIT = 1000;

/** The server's limit on a unit id (apps/experiment validation). */
export const MAX_UNIT_ID_LENGTH = 512;

/**
 * A definition prepared for assignment on every request: the forced units in
 * a map, and whether the list of them is complete (the server lists at most
 * {@link FORCED_ASSIGNMENTS_LIMIT}; beyond that only the server knows).
 */
export interface PreparedExperiment {
  readonly definition: ExperimentDefinition;
  readonly forced: ReadonlyMap<string, string>;
  readonly forcedComplete: boolean;
  readonly weights: readonly number[];
}

/** Prepares a fetched definition once, so that each assignment is a hash and a lookup. */
export function prepareExperiment(definition: ExperimentDefinition): PreparedExperiment {
  return {
    definition,
    forced: new Map(definition.forcedAssignments.map((forced) => [forced.unitId, forced.variant])),
    forcedComplete: definition.forcedAssignments.length < FORCED_ASSIGNMENTS_LIMIT,
    weights: definition.variants.map((variant) => variant.weight),
  };
}

/**
 * Rejects the unit ids the server rejects (BAD_USER_INPUT naming `unitId`), so
 * that a local assignment fails exactly where the server's would.
 */
export function checkUnitId(unitId: string): void {
  const problem =
    typeof unitId !== 'string'
      ? 'must be a string'
      : unitId.length === 0
        ? 'must not be empty'
        : unitId.length > MAX_UNIT_ID_LENGTH
          ? `is ${unitId.length} characters long; the limit is ${MAX_UNIT_ID_LENGTH}`
          : unitId.includes('\u0000')
            ? 'contains a NUL character (U+0000), which cannot be stored'
            : null;
  if (problem) throw new FlywheelError(`unitId ${problem}`, { code: 'BAD_USER_INPUT', extensions: { code: 'BAD_USER_INPUT', field: 'unitId' } });
}

/**
 * The server's `assign`, computed locally from a cached definition; it must
 * equal apps/experiment's `ExperimentService.assignBatch` for every input:
 *
 * - COMPLETED with a winner: the winner for everyone, with the unit's usual
 *   bucket, not forced (the roll-out);
 * - not RUNNING otherwise (DRAFT, PAUSED, COMPLETED without winner): null;
 * - RUNNING and the unit forced for QA: the forced variant, its usual bucket,
 *   `forced: true` (regardless of traffic and layer);
 * - RUNNING: libs/core's `assign` (layer slice, traffic allocation, then the
 *   seed-compatible bucket's top-down range), null when left out.
 *
 * @returns the assignment, or null when the unit gets no variant (serve the default)
 * @throws {FlywheelError} BAD_USER_INPUT for a unit id the server would reject
 */
export function assignLocally(experiment: PreparedExperiment, unitId: string): Assignment | null {
  checkUnitId(unitId);
  const { definition } = experiment;
  if (definition.status === 'COMPLETED' && definition.winner !== null) {
    return result(definition, unitId, definition.winner, assignmentBucket(definition.salt, unitId), false);
  }
  if (definition.status !== 'RUNNING') return null;
  const forcedVariant = experiment.forced.get(unitId);
  if (forcedVariant !== undefined) return result(definition, unitId, forcedVariant, assignmentBucket(definition.salt, unitId), true);
  const assignment = assign({
    salt: definition.salt,
    unitId,
    weights: experiment.weights,
    trafficAllocation: definition.trafficAllocation,
    layer: definition.layer ?? undefined,
  });
  if (!assignment) return null;
  return result(definition, unitId, definition.variants[assignment.variantIndex].key, assignment.bucket, false);
}

function result(definition: ExperimentDefinition, unitId: string, variant: string, bucket: number, forced: boolean): Assignment {
  const details = definition.variants.find((candidate) => candidate.key === variant) ?? null;
  return { unitId, variant, bucket, forced, experimentId: definition.id, details };
}
