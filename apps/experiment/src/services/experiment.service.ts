import type { DataSource, EntityManager } from 'typeorm';
import { assignMany, assignmentBucket, checkLayerSlices, normaliseWeights } from '@flywheel/core';
import { isUniqueViolation } from '@flywheel/data';
import { BadUserInputError, ConflictError, NotFoundError, checkPageSize, decodeCursor, encodeCursor, type Page } from '@flywheel/server';
import type {
  AssignmentModel,
  ExperimentEventModel,
  ExperimentModel,
  ExperimentStatusValue,
  ForcedAssignmentModel,
  VariantExposuresModel,
  VariantModel,
} from '../models';
import {
  checkAllocation,
  checkExperimentName,
  checkJson,
  checkLayer,
  checkText,
  checkUnitId,
  checkUuid,
  checkVariantKey,
  isUuid,
  MAX_BATCH,
  MAX_SALT_LENGTH,
  MAX_VARIANTS,
} from './validation';

export interface VariantInput {
  key: string;
  weight?: number | null;
  promptVersionId?: string | null;
  modelVersionId?: string | null;
  config?: unknown;
}

export interface LayerInput {
  name: string;
  start: number;
  end: number;
}

export interface CreateExperimentInput {
  name: string;
  description?: string | null;
  variants: VariantInput[];
  trafficAllocation?: number | null;
  salt?: string | null;
  layer?: LayerInput | null;
}

export interface UpdateExperimentInput {
  name?: string | null;
  description?: string | null;
  variants?: VariantInput[] | null;
  trafficAllocation?: number | null;
  layer?: LayerInput | null;
  clearLayer?: boolean | null;
}

type Transition = 'start' | 'pause' | 'complete';

/** A checked variant, ready to insert: the weight is normalised. */
interface ValidVariant {
  key: string;
  weight: number;
  promptVersionId: string | null;
  modelVersionId: string | null;
  config: unknown;
}

interface ExperimentRow {
  id: string;
  seq: string;
  name: string;
  description: string | null;
  status: ExperimentStatusValue;
  salt: string;
  traffic_allocation: number;
  layer_name: string | null;
  layer_start: number | null;
  layer_end: number | null;
  winner: string | null;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  variants: Array<Omit<VariantModel, 'experimentId'>>;
  has_forced?: boolean;
}

const EXPERIMENT_COLUMNS = `e.id, e.seq::text AS seq, e.name, e.description, e.status, e.salt, e.traffic_allocation,
  e.layer_name, e.layer_start, e.layer_end, e.winner, e.created_at, e.updated_at, e.started_at, e.ended_at,
  (SELECT coalesce(json_agg(json_build_object('key', v.key, 'position', v.position, 'weight', v.weight,
      'promptVersionId', v.prompt_version_id, 'modelVersionId', v.model_version_id, 'config', v.config) ORDER BY v.position), '[]'::json)
   FROM experiment_variant v WHERE v.experiment_id = e.id) AS variants`;

const toExperiment = (row: ExperimentRow): ExperimentModel => ({
  id: row.id,
  seq: row.seq,
  name: row.name,
  description: row.description,
  status: row.status,
  salt: row.salt,
  trafficAllocation: row.traffic_allocation,
  layer: row.layer_name === null ? null : { name: row.layer_name, start: row.layer_start as number, end: row.layer_end as number },
  winner: row.winner,
  variants: row.variants.map((variant) => ({ ...variant, experimentId: row.id })),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  startedAt: row.started_at,
  endedAt: row.ended_at,
});

/** Which transitions each lifecycle call allows, and what the history calls each. */
const TRANSITIONS: Record<Transition, Partial<Record<ExperimentStatusValue, { to: ExperimentStatusValue; action: ExperimentEventModel['action'] }>>> = {
  start: { DRAFT: { to: 'RUNNING', action: 'STARTED' }, PAUSED: { to: 'RUNNING', action: 'RESUMED' } },
  pause: { RUNNING: { to: 'PAUSED', action: 'PAUSED' } },
  complete: { RUNNING: { to: 'COMPLETED', action: 'COMPLETED' }, PAUSED: { to: 'COMPLETED', action: 'COMPLETED' } },
};

/**
 * A/B experiments: creation and edits with validation, the lifecycle with its
 * history, mutually exclusive layers, deterministic assignment (libs/core's
 * seed-compatible hashing) and first-exposure recording. Every write is one
 * transaction (or one statement); validation happens before any of it.
 */
export class ExperimentService {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates a DRAFT experiment. A taken name is a CONFLICT; a missing prompt version is a NOT_FOUND naming its variant. */
  async create(input: CreateExperimentInput, actor: string | null = null): Promise<ExperimentModel> {
    checkExperimentName(input.name);
    checkText(input.description, 'description');
    const variants = this.validVariants(input.variants, 'variants');
    const trafficAllocation = input.trafficAllocation ?? 1;
    checkAllocation(trafficAllocation);
    const salt = input.salt ?? input.name;
    checkText(salt, 'salt', MAX_SALT_LENGTH, 1);
    if (input.layer) checkLayer(input.layer);

    return this.mapNameConflict(input.name, () =>
      this.dataSource.transaction(async (manager) => {
        await this.checkPromptVersions(manager, variants, 'variants');
        const [{ id }]: Array<{ id: string }> = await manager.query(
          `INSERT INTO experiment (name, description, salt, traffic_allocation, layer_name, layer_start, layer_end, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
          [input.name, input.description ?? null, salt, trafficAllocation, input.layer?.name ?? null, input.layer?.start ?? null, input.layer?.end ?? null, actor],
        );
        await this.insertVariants(manager, id, variants);
        await this.recordEvent(manager, id, 'CREATED', null, 'DRAFT', { name: input.name, salt }, actor);
        return this.loadOne(manager, id);
      }),
    );
  }

  /** Edits an experiment under its row lock; see the schema for what may change in which status. */
  async update(id: string, input: UpdateExperimentInput, actor: string | null = null): Promise<ExperimentModel> {
    checkUuid(id, 'id');
    if (input.name != null) checkExperimentName(input.name, 'name');
    checkText(input.description, 'description');
    const variants = input.variants != null ? this.validVariants(input.variants, 'variants') : null;
    if (input.trafficAllocation != null) checkAllocation(input.trafficAllocation);
    if (input.layer != null) checkLayer(input.layer);
    if (input.layer != null && input.clearLayer) throw new BadUserInputError('Give layer or clearLayer, not both', { field: 'clearLayer' });

    return this.mapNameConflict(input.name ?? '', () =>
      this.dataSource.transaction(async (manager) => {
        const current = await this.lockExperiment(manager, id);
        if (current.status === 'COMPLETED') {
          throw new BadUserInputError(`Experiment '${current.name}' is COMPLETED and can no longer change`, { field: 'id', status: current.status });
        }
        if (variants && current.status !== 'DRAFT') {
          throw new BadUserInputError(`Only a DRAFT experiment can change its variants; '${current.name}' is ${current.status}`, {
            field: 'variants',
            status: current.status,
          });
        }
        if ((input.layer != null || input.clearLayer) && current.status !== 'DRAFT') {
          throw new BadUserInputError(`Only a DRAFT experiment can change its layer; '${current.name}' is ${current.status}`, { field: 'layer', status: current.status });
        }
        // Lowering the allocation of a started experiment would take units out of the variant they were already served.
        if (input.trafficAllocation != null && current.status !== 'DRAFT' && input.trafficAllocation < current.trafficAllocation) {
          throw new BadUserInputError(
            `trafficAllocation of a started experiment can only be raised (from ${current.trafficAllocation}); got ${input.trafficAllocation}`,
            { field: 'trafficAllocation', status: current.status },
          );
        }
        const changed: string[] = [];
        const details: Record<string, unknown> = {};
        if (input.name != null && input.name !== current.name) {
          changed.push('name');
          details.from = { name: current.name };
          details.to = { name: input.name };
        }
        if (input.description !== undefined && input.description !== current.description) changed.push('description');
        if (input.trafficAllocation != null && input.trafficAllocation !== current.trafficAllocation) changed.push('trafficAllocation');
        if (input.layer != null || (input.clearLayer && current.layer)) changed.push('layer');
        if (variants) changed.push('variants');
        if (changed.length === 0) return current;

        const layer = input.clearLayer ? null : (input.layer ?? current.layer);
        await manager.query(
          `UPDATE experiment SET name = $2, description = $3, traffic_allocation = $4, layer_name = $5, layer_start = $6, layer_end = $7, updated_at = now()
           WHERE id = $1`,
          [
            id,
            input.name ?? current.name,
            input.description !== undefined ? input.description : current.description,
            input.trafficAllocation ?? current.trafficAllocation,
            layer?.name ?? null,
            layer?.start ?? null,
            layer?.end ?? null,
          ],
        );
        if (variants) {
          await this.checkPromptVersions(manager, variants, 'variants');
          await manager.query(`DELETE FROM experiment_variant WHERE experiment_id = $1`, [id]);
          await this.insertVariants(manager, id, variants);
        }
        await this.recordEvent(manager, id, 'UPDATED', current.status, current.status, { fields: changed, ...details }, actor);
        return this.loadOne(manager, id);
      }),
    );
  }

  /**
   * Moves an experiment along its lifecycle under the row lock. An illegal
   * move is a BAD_USER_INPUT that names the status and what would be needed.
   * Starting (or resuming) an experiment in a layer takes a transaction-scoped
   * advisory lock on the layer, so two experiments whose slices overlap can
   * never both be RUNNING/PAUSED, even when started at the same moment.
   */
  async transition(id: string, transition: Transition, winner: string | null = null, actor: string | null = null): Promise<ExperimentModel> {
    checkUuid(id, 'id');
    if (winner != null) {
      if (transition !== 'complete') throw new BadUserInputError('Only completeExperiment takes a winner', { field: 'winner' });
      checkVariantKey(winner, 'winner');
    }
    return this.dataSource.transaction(async (manager) => {
      const current = await this.lockExperiment(manager, id);
      const move = TRANSITIONS[transition][current.status];
      if (!move) {
        const allowed = Object.keys(TRANSITIONS[transition]).join(' or ');
        throw new BadUserInputError(
          `Cannot ${transition} experiment '${current.name}': it is ${current.status}, and ${transition} needs ${allowed}`,
          { field: 'id', status: current.status, transition },
        );
      }
      if (winner != null && !current.variants.some((variant) => variant.key === winner)) {
        throw new BadUserInputError(
          `winner '${winner}' is not a variant of '${current.name}' (${current.variants.map((variant) => variant.key).join(', ')})`,
          { field: 'winner' },
        );
      }
      if (move.to === 'RUNNING' && current.layer) await this.checkLayerFree(manager, current);
      await manager.query(
        `UPDATE experiment SET status = $2, winner = $3, updated_at = now(),
           started_at = CASE WHEN $2 = 'RUNNING' THEN coalesce(started_at, now()) ELSE started_at END,
           ended_at = CASE WHEN $2 = 'COMPLETED' THEN now() ELSE ended_at END
         WHERE id = $1`,
        [id, move.to, winner],
      );
      await this.recordEvent(manager, id, move.action, current.status, move.to, winner != null ? { winner } : null, actor);
      return this.loadOne(manager, id);
    });
  }

  private async checkLayerFree(manager: EntityManager, experiment: ExperimentModel): Promise<void> {
    const layer = experiment.layer as NonNullable<ExperimentModel['layer']>;
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`experiment_layer:${layer.name}`]);
    const others: Array<{ name: string; status: string; layer_start: number; layer_end: number }> = await manager.query(
      `SELECT name, status, layer_start, layer_end FROM experiment
       WHERE layer_name = $1 AND status IN ('RUNNING', 'PAUSED') AND id <> $2 ORDER BY seq`,
      [layer.name, experiment.id],
    );
    for (const other of others) {
      try {
        checkLayerSlices([{ start: other.layer_start, end: other.layer_end }, layer]);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        throw new ConflictError(
          `Experiment '${experiment.name}' takes [${layer.start}, ${layer.end}) of layer '${layer.name}', which overlaps [${other.layer_start}, ${other.layer_end}) of '${other.name}' (${other.status})`,
          { layer: layer.name, experiment: other.name },
        );
      }
    }
  }

  /**
   * Assigns units of one experiment and records each unit's first exposure.
   *
   * The assignment itself is libs/core's `assignMany` (seed-compatible md5
   * buckets, top-down ranges, the independent traffic hash, layer slices).
   * Exposures go to the database in one multi-row statement,
   * `INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING`: the unique
   * (experiment, unit) key keeps the first exposure exactly once however many
   * replicas assign the same unit at once. Units are inserted in sorted order
   * so that two overlapping batches lock their keys in the same order and
   * cannot deadlock. The insert re-checks that the experiment is still
   * RUNNING, so a pause that commits first stops the exposures too.
   */
  async assignBatch(experimentRef: string, unitIds: readonly string[], field = 'unitIds'): Promise<Array<AssignmentModel | null>> {
    if (unitIds.length > MAX_BATCH) {
      throw new BadUserInputError(`${field} has ${unitIds.length} ids; the limit is ${MAX_BATCH} per call`, { field, limit: MAX_BATCH });
    }
    for (let i = 0; i < unitIds.length; i++) checkUnitId(unitIds[i], field === 'unitId' ? field : `${field}[${i}]`);
    const experiment = await this.assignable(experimentRef);
    if (experiment.status === 'COMPLETED' && experiment.winner !== null) {
      // Roll-out: the winner for everyone, with the unit's usual bucket, and no exposure (the test is over).
      return unitIds.map((unitId) => ({ unitId, variant: experiment.winner as string, bucket: assignmentBucket(experiment.salt, unitId), forced: false, experiment }));
    }
    if (experiment.status !== 'RUNNING') return unitIds.map(() => null);

    const forced = experiment.hasForced ? await this.forcedFor(experiment.id, unitIds) : new Map<string, string>();
    const assignments = assignMany({
      salt: experiment.salt,
      unitIds,
      weights: experiment.variants.map((variant) => variant.weight),
      trafficAllocation: experiment.trafficAllocation,
      layer: experiment.layer ?? undefined,
    });
    const results = new Array<AssignmentModel | null>(unitIds.length);
    const exposures = new Map<string, { variant: string; forced: boolean }>();
    for (let i = 0; i < unitIds.length; i++) {
      const unitId = unitIds[i];
      const forcedVariant = forced.get(unitId);
      const assignment = assignments[i];
      let result: AssignmentModel | null = null;
      if (forcedVariant !== undefined) {
        result = { unitId, variant: forcedVariant, bucket: assignment?.bucket ?? assignmentBucket(experiment.salt, unitId), forced: true, experiment };
      } else if (assignment) {
        result = { unitId, variant: experiment.variants[assignment.variantIndex].key, bucket: assignment.bucket, forced: false, experiment };
      }
      results[i] = result;
      if (result && !exposures.has(unitId)) exposures.set(unitId, { variant: result.variant, forced: result.forced });
    }
    if (exposures.size > 0) await this.recordExposures(experiment.id, exposures);
    return results;
  }

  private async recordExposures(experimentId: string, exposures: Map<string, { variant: string; forced: boolean }>): Promise<void> {
    const units = [...exposures.keys()].sort();
    const variants = units.map((unit) => (exposures.get(unit) as { variant: string }).variant);
    const forced = units.map((unit) => (exposures.get(unit) as { forced: boolean }).forced);
    await this.dataSource.query(
      `INSERT INTO experiment_exposure (experiment_id, unit_id, variant_key, forced)
       SELECT $1, x.unit_id, x.variant_key, x.forced FROM unnest($2::text[], $3::text[], $4::boolean[]) AS x(unit_id, variant_key, forced)
       WHERE EXISTS (SELECT 1 FROM experiment WHERE id = $1 AND status = 'RUNNING')
       ON CONFLICT (experiment_id, unit_id) DO NOTHING`,
      [experimentId, units, variants, forced],
    );
  }

  /** The experiment an assign call names: by id when the reference is a UUID of one, else by name. */
  private async assignable(ref: string): Promise<ExperimentModel & { hasForced: boolean }> {
    checkText(ref, 'experiment', 128, 1);
    const rows: ExperimentRow[] = await this.dataSource.query(
      `SELECT ${EXPERIMENT_COLUMNS},
         EXISTS (SELECT 1 FROM experiment_forced_assignment f WHERE f.experiment_id = e.id) AS has_forced
       FROM experiment e WHERE e.name = $1 OR e.id = $2::uuid
       ORDER BY (e.id IS NOT DISTINCT FROM $2::uuid) DESC LIMIT 1`,
      [ref, isUuid(ref) ? ref : null],
    );
    if (rows.length === 0) throw new NotFoundError(`No experiment named '${ref}'`, { experiment: ref });
    return { ...toExperiment(rows[0]), hasForced: rows[0].has_forced === true };
  }

  private async forcedFor(experimentId: string, unitIds: readonly string[]): Promise<Map<string, string>> {
    const rows: Array<{ unit_id: string; variant_key: string }> = await this.dataSource.query(
      `SELECT unit_id, variant_key FROM experiment_forced_assignment WHERE experiment_id = $1 AND unit_id = ANY($2::text[])`,
      [experimentId, unitIds],
    );
    return new Map(rows.map((row) => [row.unit_id, row.variant_key]));
  }

  /**
   * Forces a variant on one unit (QA). If the unit was already exposed, that
   * exposure is marked forced too: the unit no longer follows the hash, so the
   * analysis must leave it out.
   */
  async forceVariant(experimentId: string, unitId: string, variant: string, actor: string | null = null): Promise<ForcedAssignmentModel> {
    checkUuid(experimentId, 'experimentId');
    checkUnitId(unitId, 'unitId');
    checkVariantKey(variant, 'variant');
    return this.dataSource.transaction(async (manager) => {
      const experiment = await this.lockExperiment(manager, experimentId, 'experimentId');
      if (experiment.status === 'COMPLETED') {
        throw new BadUserInputError(`Experiment '${experiment.name}' is COMPLETED; variants can no longer be forced`, { field: 'experimentId', status: experiment.status });
      }
      if (!experiment.variants.some((candidate) => candidate.key === variant)) {
        throw new BadUserInputError(
          `variant '${variant}' is not a variant of '${experiment.name}' (${experiment.variants.map((candidate) => candidate.key).join(', ')})`,
          { field: 'variant' },
        );
      }
      const [row]: Array<{ unit_id: string; variant_key: string; created_at: Date; created_by: string | null }> = await manager.query(
        `INSERT INTO experiment_forced_assignment (experiment_id, unit_id, variant_key, created_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (experiment_id, unit_id) DO UPDATE SET variant_key = EXCLUDED.variant_key, created_by = EXCLUDED.created_by, created_at = now()
         RETURNING unit_id, variant_key, created_at, created_by`,
        [experimentId, unitId, variant, actor],
      );
      await manager.query(`UPDATE experiment_exposure SET forced = true WHERE experiment_id = $1 AND unit_id = $2 AND NOT forced`, [experimentId, unitId]);
      await this.recordEvent(manager, experimentId, 'FORCED', experiment.status, experiment.status, { unitId, variant }, actor);
      return { unitId: row.unit_id, variant: row.variant_key, createdAt: row.created_at, createdBy: row.created_by };
    });
  }

  /** Removes a forced variant; true when there was one. */
  async clearForcedVariant(experimentId: string, unitId: string, actor: string | null = null): Promise<boolean> {
    checkUuid(experimentId, 'experimentId');
    checkUnitId(unitId, 'unitId');
    return this.dataSource.transaction(async (manager) => {
      const experiment = await this.lockExperiment(manager, experimentId, 'experimentId');
      const deleted: Array<{ variant_key: string }> = await manager.query(
        `DELETE FROM experiment_forced_assignment WHERE experiment_id = $1 AND unit_id = $2 RETURNING variant_key`,
        [experimentId, unitId],
      );
      if (deleted.length === 0) return false;
      await this.recordEvent(manager, experimentId, 'UNFORCED', experiment.status, experiment.status, { unitId, variant: deleted[0].variant_key }, actor);
      return true;
    });
  }

  async experimentsById(ids: readonly string[]): Promise<Array<ExperimentModel | null>> {
    const valid = ids.filter(isUuid);
    const rows: ExperimentRow[] = valid.length ? await this.dataSource.query(`SELECT ${EXPERIMENT_COLUMNS} FROM experiment e WHERE e.id = ANY($1::uuid[])`, [valid]) : [];
    const byId = new Map(rows.map((row) => [row.id, toExperiment(row)]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  }

  async experimentsByName(names: readonly string[]): Promise<Array<ExperimentModel | null>> {
    const rows: ExperimentRow[] = await this.dataSource.query(`SELECT ${EXPERIMENT_COLUMNS} FROM experiment e WHERE e.name = ANY($1::text[])`, [names]);
    const byName = new Map(rows.map((row) => [row.name, toExperiment(row)]));
    return names.map((name) => byName.get(name) ?? null);
  }

  /** One experiment by exactly one of id and name. */
  async find(args: { id?: string | null; name?: string | null }, load: { byId(id: string): Promise<ExperimentModel | null>; byName(name: string): Promise<ExperimentModel | null> }) {
    if ((args.id == null) === (args.name == null)) {
      throw new BadUserInputError('Give exactly one of id and name', { field: args.id == null ? 'id' : 'name' });
    }
    return args.id != null ? load.byId(args.id) : load.byName(args.name as string);
  }

  /** First exposures per variant (in variant order) of each experiment; forced exposures counted apart. */
  async exposureCounts(experimentIds: readonly string[]): Promise<VariantExposuresModel[][]> {
    const rows: Array<{ experiment_id: string; variant: string; count: number; forced: number }> = await this.dataSource.query(
      `SELECT v.experiment_id, v.key AS variant,
              count(x.unit_id) FILTER (WHERE NOT x.forced)::int AS count,
              count(x.unit_id) FILTER (WHERE x.forced)::int AS forced
       FROM experiment_variant v
       LEFT JOIN experiment_exposure x ON x.experiment_id = v.experiment_id AND x.variant_key = v.key
       WHERE v.experiment_id = ANY($1::uuid[])
       GROUP BY v.experiment_id, v.key, v.position
       ORDER BY v.experiment_id, v.position`,
      [experimentIds.filter(isUuid)],
    );
    const byExperiment = new Map<string, VariantExposuresModel[]>();
    for (const row of rows) {
      const list = byExperiment.get(row.experiment_id) ?? [];
      list.push({ variant: row.variant, count: row.count, forced: row.forced });
      byExperiment.set(row.experiment_id, list);
    }
    return experimentIds.map((id) => byExperiment.get(id) ?? []);
  }

  /** For each prompt version id, the experiments with a variant serving it, newest first. */
  async experimentsOfPromptVersions(promptVersionIds: readonly string[]): Promise<ExperimentModel[][]> {
    const valid = promptVersionIds.filter(isUuid);
    const rows: Array<ExperimentRow & { prompt_version_id: string }> = valid.length
      ? await this.dataSource.query(
          `SELECT DISTINCT ON (u.prompt_version_id, e.seq) u.prompt_version_id, ${EXPERIMENT_COLUMNS}
           FROM experiment_variant u JOIN experiment e ON e.id = u.experiment_id
           WHERE u.prompt_version_id = ANY($1::uuid[])
           ORDER BY u.prompt_version_id, e.seq DESC`,
          [valid],
        )
      : [];
    const byVersion = new Map<string, ExperimentModel[]>();
    for (const row of rows) byVersion.set(row.prompt_version_id, [...(byVersion.get(row.prompt_version_id) ?? []), toExperiment(row)]);
    return promptVersionIds.map((id) => byVersion.get(id.toLowerCase()) ?? []);
  }

  async forcedAssignments(experimentId: string): Promise<ForcedAssignmentModel[]> {
    const rows: Array<{ unit_id: string; variant_key: string; created_at: Date; created_by: string | null }> = await this.dataSource.query(
      `SELECT unit_id, variant_key, created_at, created_by FROM experiment_forced_assignment WHERE experiment_id = $1 ORDER BY unit_id LIMIT 1000`,
      [experimentId],
    );
    return rows.map((row) => ({ unitId: row.unit_id, variant: row.variant_key, createdAt: row.created_at, createdBy: row.created_by }));
  }

  async history(experimentId: string): Promise<ExperimentEventModel[]> {
    const rows: Array<{ action: ExperimentEventModel['action']; from_status: ExperimentStatusValue | null; to_status: ExperimentStatusValue; details: unknown; actor: string | null; at: Date }> =
      await this.dataSource.query(`SELECT action, from_status, to_status, details, actor, at FROM experiment_event WHERE experiment_id = $1 ORDER BY id`, [experimentId]);
    return rows.map((row) => ({ action: row.action, fromStatus: row.from_status, toStatus: row.to_status, details: row.details, actor: row.actor, at: row.at }));
  }

  async list(args: { first?: number | null; after?: string | null; status?: ExperimentStatusValue | null; namePrefix?: string | null }): Promise<Page<ExperimentModel>> {
    const size = checkPageSize(args.first);
    const after = args.after ? decodeCursor(args.after, 'after') : null;
    if (after !== null && !/^\d{1,18}$/.test(after)) throw new BadUserInputError('after is not a cursor of this list', { field: 'after' });
    if (args.namePrefix != null) checkText(args.namePrefix, 'namePrefix', 128);
    const rows: ExperimentRow[] = await this.dataSource.query(
      `SELECT ${EXPERIMENT_COLUMNS} FROM experiment e
       WHERE ($1::bigint IS NULL OR e.seq < $1) AND ($2::text IS NULL OR e.status = $2) AND ($3::text IS NULL OR starts_with(e.name, $3))
       ORDER BY e.seq DESC LIMIT $4`,
      [after, args.status ?? null, args.namePrefix ?? null, size + 1],
    );
    return { items: rows.slice(0, size).map(toExperiment), hasNextPage: rows.length > size, cursorOf: (experiment) => encodeCursor(experiment.seq) };
  }

  // ---------------------------------------------------------------- helpers

  private validVariants(variants: VariantInput[], field: string): ValidVariant[] {
    if (variants.length < 2) throw new BadUserInputError(`${field} needs at least 2 variants (the first is the control); got ${variants.length}`, { field });
    if (variants.length > MAX_VARIANTS) throw new BadUserInputError(`${field} has ${variants.length} variants; the limit is ${MAX_VARIANTS}`, { field, limit: MAX_VARIANTS });
    const seen = new Set<string>();
    variants.forEach((variant, index) => {
      const at = `${field}[${index}]`;
      checkVariantKey(variant.key, `${at}.key`);
      if (seen.has(variant.key)) throw new BadUserInputError(`${at}.key '${variant.key}' is used by an earlier variant; keys must be unique`, { field: `${at}.key` });
      seen.add(variant.key);
      const weight = variant.weight ?? 1;
      if (!(Number.isFinite(weight) && weight > 0)) {
        throw new BadUserInputError(`${at}.weight must be a positive finite number; got ${weight}`, { field: `${at}.weight` });
      }
      if (variant.promptVersionId != null) checkUuid(variant.promptVersionId, `${at}.promptVersionId`);
      if (variant.modelVersionId != null) checkUuid(variant.modelVersionId, `${at}.modelVersionId`);
      checkJson(variant.config, `${at}.config`);
    });
    let weights: number[];
    try {
      weights = normaliseWeights(variants.map((variant) => variant.weight ?? 1));
    } catch (error) {
      if (error instanceof RangeError) throw new BadUserInputError(`${field}: ${error.message.replace('normaliseWeights: ', '')}`, { field });
      throw error;
    }
    return variants.map((variant, index) => ({
      key: variant.key,
      weight: weights[index],
      promptVersionId: variant.promptVersionId?.toLowerCase() ?? null,
      modelVersionId: variant.modelVersionId?.toLowerCase() ?? null,
      config: variant.config ?? null,
    }));
  }

  /** Prompt versions are another subgraph's rows: read them here so a bad id is a clear NOT_FOUND, not a foreign-key error. */
  private async checkPromptVersions(manager: EntityManager, variants: ValidVariant[], field: string): Promise<void> {
    const ids = variants.map((variant) => variant.promptVersionId).filter((id): id is string => id !== null);
    if (ids.length === 0) return;
    const rows: Array<{ id: string }> = await manager.query(`SELECT id FROM prompt_version WHERE id = ANY($1::uuid[])`, [ids]);
    const found = new Set(rows.map((row) => row.id));
    const missing = variants.findIndex((variant) => variant.promptVersionId !== null && !found.has(variant.promptVersionId));
    if (missing >= 0) {
      throw new NotFoundError(`${field}[${missing}].promptVersionId: no prompt version ${variants[missing].promptVersionId}`, {
        field: `${field}[${missing}].promptVersionId`,
      });
    }
  }

  private async insertVariants(manager: EntityManager, experimentId: string, variants: ValidVariant[]): Promise<void> {
    await manager.query(
      `INSERT INTO experiment_variant (experiment_id, key, position, weight, prompt_version_id, model_version_id, config)
       SELECT $1, x.key, x.position - 1, x.weight, x.prompt_version_id, x.model_version_id, x.config
       FROM unnest($2::text[], $3::float8[], $4::uuid[], $5::uuid[], $6::jsonb[]) WITH ORDINALITY AS x(key, weight, prompt_version_id, model_version_id, config, position)`,
      [
        experimentId,
        variants.map((variant) => variant.key),
        variants.map((variant) => variant.weight),
        variants.map((variant) => variant.promptVersionId),
        variants.map((variant) => variant.modelVersionId),
        variants.map((variant) => (variant.config === null ? null : JSON.stringify(variant.config))),
      ],
    );
  }

  private async recordEvent(
    manager: EntityManager,
    experimentId: string,
    action: ExperimentEventModel['action'],
    from: ExperimentStatusValue | null,
    to: ExperimentStatusValue,
    details: unknown,
    actor: string | null,
  ): Promise<void> {
    await manager.query(`INSERT INTO experiment_event (experiment_id, action, from_status, to_status, details, actor) VALUES ($1, $2, $3, $4, $5, $6)`, [
      experimentId,
      action,
      from,
      to,
      details === null ? null : JSON.stringify(details),
      actor,
    ]);
  }

  private async lockExperiment(manager: EntityManager, id: string, field = 'id'): Promise<ExperimentModel> {
    const rows: ExperimentRow[] = await manager.query(`SELECT ${EXPERIMENT_COLUMNS} FROM experiment e WHERE e.id = $1 FOR UPDATE OF e`, [id]);
    if (rows.length === 0) throw new NotFoundError(`No experiment with id ${id}`, { field, id });
    return toExperiment(rows[0]);
  }

  private async loadOne(manager: EntityManager, id: string): Promise<ExperimentModel> {
    const rows: ExperimentRow[] = await manager.query(`SELECT ${EXPERIMENT_COLUMNS} FROM experiment e WHERE e.id = $1`, [id]);
    return toExperiment(rows[0]);
  }

  private async mapNameConflict<T>(name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'uq_experiment_name')) throw new ConflictError(`An experiment named '${name}' already exists`, { field: 'name', name });
      throw error;
    }
  }
}

