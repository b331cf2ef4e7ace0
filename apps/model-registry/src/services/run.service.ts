import type { DataSource, EntityManager } from 'typeorm';
import { BadUserInputError, ConflictError, NotFoundError, checkPageSize, type Page } from '@flywheel/server';
import type { ArtifactModel, RunComparisonRowModel, RunModel, RunStatus } from '../models';
import {
  checkArtifactPath,
  checkCount,
  checkKey,
  checkName,
  checkText,
  checkUuid,
  decodeCursor,
  encodeCursor,
  isUuid,
  MAX_ARTIFACT_BYTES,
  MAX_BATCH_METRICS,
  MAX_BATCH_PARAMS,
  MAX_PARAM_VALUE,
  MAX_STEP,
  MAX_TAG_VALUE,
  tagMap,
} from './validation';
import { requireDatasetVersion } from './lineage';

export interface CreateRunInput {
  project: string;
  name?: string | null;
  tags?: ReadonlyArray<{ key: string; value: string }> | null;
  promptVersionId?: string | null;
  experimentId?: string | null;
  datasetVersionId?: string | null;
}

export interface MetricInput {
  key: string;
  value: number;
  step?: number | null;
  timestamp?: Date | string | null;
}

export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  timestamp: Date;
}

export interface RunFilter {
  params?: ReadonlyArray<{ key: string; value: string }> | null;
  metricMin?: ReadonlyArray<{ key: string; value: number }> | null;
  metricMax?: ReadonlyArray<{ key: string; value: number }> | null;
  tags?: ReadonlyArray<{ key: string; value?: string | null }> | null;
  status?: RunStatus | null;
}

export interface RunOrder {
  metric: string;
  direction?: 'ASC' | 'DESC' | null;
}

interface RunRow {
  id: string;
  project: string;
  name: string | null;
  status: RunStatus;
  prompt_version_id: string | null;
  experiment_id: string | null;
  dataset_version_id: string | null;
  started_at: Date;
  ended_at: Date | null;
}

const RUN_COLUMNS = `r.id, r.project, r.name, r.status, r.prompt_version_id, r.experiment_id, r.dataset_version_id, r.started_at, r.ended_at`;
const NOW_MS = `date_trunc('milliseconds', clock_timestamp())`;
/** The latest point of a metric: highest step, then latest timestamp, then last written. */
const LATEST_ORDER = `step DESC, timestamp DESC, id DESC`;
const MAX_FILTERS = 20;
const MAX_COMPARE = 100;
const EARLIEST = Date.UTC(1900, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const toRun = (row: RunRow): RunModel => ({
  id: row.id,
  project: row.project,
  name: row.name,
  status: row.status,
  promptVersionId: row.prompt_version_id,
  experimentId: row.experiment_id,
  datasetVersionId: row.dataset_version_id,
  startedAt: row.started_at,
  endedAt: row.ended_at,
});

interface RunCursor {
  /** The sort value of the metric ordering (null: the run lacks the metric); absent without a metric ordering. */
  v?: number | null;
  s: string;
  id: string;
}

const isRunCursor = (value: unknown): value is RunCursor => {
  if (typeof value !== 'object' || value === null) return false;
  const cursor = value as Record<string, unknown>;
  return (
    typeof cursor.s === 'string' &&
    !Number.isNaN(Date.parse(cursor.s)) &&
    typeof cursor.id === 'string' &&
    isUuid(cursor.id) &&
    (cursor.v === undefined || cursor.v === null || typeof cursor.v === 'number')
  );
};

/**
 * MLflow-style run tracking: runs with immutable params, metrics with full
 * history, mutable tags and text artifacts. Writes to a run hold a share lock
 * on its row, so `endRun` waits for them and nothing lands after a run ended.
 */
export class RunService {
  constructor(private readonly dataSource: DataSource) {}

  async createRun(input: CreateRunInput, actor: string | null = null): Promise<RunModel> {
    checkName(input.project, 'project');
    checkText(input.name, 'name', 256);
    const tags = tagMap(input.tags);
    checkUuid(input.promptVersionId, 'promptVersionId');
    checkUuid(input.experimentId, 'experimentId');
    checkUuid(input.datasetVersionId, 'datasetVersionId');
    return this.dataSource.transaction(async (manager) => {
      if (input.promptVersionId) {
        // The prompt module's table, read for integrity (the foreign key backs it).
        const found = await manager.query(`SELECT 1 FROM prompt_version WHERE id = $1`, [input.promptVersionId]);
        if (found.length === 0) {
          throw new NotFoundError(`No prompt version with id '${input.promptVersionId}'`, { field: 'promptVersionId', promptVersionId: input.promptVersionId });
        }
      }
      await requireDatasetVersion(manager, input.datasetVersionId);
      const [row]: RunRow[] = await manager.query(
        `INSERT INTO run AS r (project, name, prompt_version_id, experiment_id, dataset_version_id, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${RUN_COLUMNS}`,
        [input.project, input.name ?? null, input.promptVersionId ?? null, input.experimentId ?? null, input.datasetVersionId ?? null, actor],
      );
      await this.upsertTags(manager, row.id, tags);
      return toRun(row);
    });
  }

  /** Logs one param (immutable: the same value again is fine, another value a CONFLICT). */
  async logParam(runId: string, key: string, value: string): Promise<{ key: string; value: string }> {
    checkUuid(runId, 'runId');
    checkKey(key, 'key');
    checkText(value, 'value', MAX_PARAM_VALUE);
    return this.dataSource.transaction(async (manager) => {
      await this.lockRunning(manager, runId);
      await this.insertParams(manager, runId, [{ key, value }]);
      return { key, value };
    });
  }

  /** Logs one metric point. */
  async logMetric(runId: string, input: MetricInput): Promise<MetricPoint> {
    const [point] = await this.logMetrics(runId, [input], '');
    return point;
  }

  /** Logs up to 1 000 metric points in one multi-row insert, all or none. */
  async logMetrics(runId: string, inputs: readonly MetricInput[], field = 'metrics'): Promise<MetricPoint[]> {
    checkUuid(runId, 'runId');
    checkCount(inputs, field || 'metrics', MAX_BATCH_METRICS);
    validMetrics(inputs, field);
    return this.dataSource.transaction(async (manager) => {
      const { now } = await this.lockRunning(manager, runId);
      return this.insertMetrics(manager, runId, inputs, now);
    });
  }

  /**
   * Params, metrics and tags in one transaction (MLflow's log_batch): the
   * seed's whole example in one call. Tags alone may go to an ended run.
   */
  async logBatch(
    runId: string,
    batch: {
      params?: ReadonlyArray<{ key: string; value: string }> | null;
      metrics?: readonly MetricInput[] | null;
      tags?: ReadonlyArray<{ key: string; value: string }> | null;
    },
  ): Promise<RunModel> {
    checkUuid(runId, 'runId');
    const params = validParams(batch.params ?? [], 'params');
    const metrics = batch.metrics ?? [];
    checkCount(metrics, 'metrics', MAX_BATCH_METRICS);
    validMetrics(metrics, 'metrics');
    const tags = tagMap(batch.tags, 'tags');
    return this.dataSource.transaction(async (manager) => {
      const { run, now } =
        params.length > 0 || metrics.length > 0 ? await this.lockRunning(manager, runId) : await this.lockRun(manager, runId, 'FOR SHARE');
      await this.insertParams(manager, runId, params);
      await this.insertMetrics(manager, runId, metrics, now);
      await this.upsertTags(manager, runId, tags);
      return run;
    });
  }

  /** Stores a text artifact (≤ 1 MiB of UTF-8) at a relative path, replacing that path while the run is RUNNING. */
  async logText(runId: string, path: string, text: string): Promise<ArtifactModel> {
    checkUuid(runId, 'runId');
    checkArtifactPath(path);
    const size = Buffer.byteLength(text, 'utf8');
    if (size > MAX_ARTIFACT_BYTES) {
      throw new BadUserInputError(`text is ${size} bytes of UTF-8; the limit is 1 MiB (${MAX_ARTIFACT_BYTES} bytes)`, { field: 'text', limit: MAX_ARTIFACT_BYTES });
    }
    checkText(text, 'text', Number.MAX_SAFE_INTEGER);
    return this.dataSource.transaction(async (manager) => {
      await this.lockRunning(manager, runId);
      const [row]: Array<{ path: string; size: number; created_at: Date }> = await manager.query(
        `INSERT INTO run_artifact (run_id, path, text, size) VALUES ($1, $2, $3, $4)
         ON CONFLICT (run_id, path) DO UPDATE SET text = EXCLUDED.text, size = EXCLUDED.size, created_at = ${NOW_MS}
         RETURNING path, size, created_at`,
        [runId, path, text, size],
      );
      return { runId, path: row.path, size: row.size, createdAt: row.created_at, text };
    });
  }

  async setTag(runId: string, key: string, value: string): Promise<RunModel> {
    checkUuid(runId, 'runId');
    checkKey(key, 'key');
    checkText(value, 'value', MAX_TAG_VALUE);
    return this.dataSource.transaction(async (manager) => {
      const { run } = await this.lockRun(manager, runId, 'FOR SHARE');
      await this.upsertTags(manager, runId, { [key]: value });
      return run;
    });
  }

  /** Ends a run. The same status again is a no-op (retries are safe); another status is a CONFLICT. */
  async endRun(runId: string, status: RunStatus): Promise<RunModel> {
    checkUuid(runId, 'runId');
    if (status === 'RUNNING') throw new BadUserInputError('status must be FINISHED, FAILED or KILLED to end a run', { field: 'status' });
    return this.dataSource.transaction(async (manager) => {
      const { run } = await this.lockRun(manager, runId, 'FOR UPDATE');
      if (run.status === status) return run;
      if (run.status !== 'RUNNING') {
        throw new ConflictError(`Run '${runId}' already ended as ${run.status}; it cannot end again as ${status}`, { runId, status: run.status });
      }
      const [row]: RunRow[] = await manager.query(
        `WITH changed AS (UPDATE run AS r SET status = $2, ended_at = ${NOW_MS} WHERE id = $1 RETURNING ${RUN_COLUMNS}) SELECT * FROM changed`,
        [runId, status],
      );
      return toRun(row);
    });
  }

  /**
   * Locks the run row and returns it with the database's clock (to the
   * millisecond), or NOT_FOUND. `FOR SHARE` lets writes to one run go in
   * parallel while `endRun` (`FOR UPDATE`) waits for them and they for it.
   */
  private async lockRun(manager: EntityManager, runId: string, lock: 'FOR SHARE' | 'FOR UPDATE'): Promise<{ run: RunModel; now: Date }> {
    const rows: Array<RunRow & { now: Date }> = await manager.query(
      `SELECT ${RUN_COLUMNS}, ${NOW_MS} AS now FROM run r WHERE r.id = $1 ${lock}`,
      [runId],
    );
    if (rows.length === 0) throw new NotFoundError(`No run with id '${runId}'`, { field: 'runId', runId });
    return { run: toRun(rows[0]), now: rows[0].now };
  }

  /** Like {@link lockRun}, and a CONFLICT when the run has ended: an ended run accepts no params, metrics or artifacts. */
  private async lockRunning(manager: EntityManager, runId: string): Promise<{ run: RunModel; now: Date }> {
    const { run, now } = await this.lockRun(manager, runId, 'FOR SHARE');
    if (run.status !== 'RUNNING') {
      throw new ConflictError(`Run '${runId}' has ended (${run.status}); it accepts no new params, metrics or artifacts`, { runId, status: run.status });
    }
    return { run, now };
  }

  /**
   * Inserts params, keeping existing ones: `ON CONFLICT DO NOTHING` waits for
   * a concurrent writer of the same key, and the re-read then sees its value,
   * so of two racing different values exactly one is stored and the other call
   * is a CONFLICT.
   */
  private async insertParams(manager: EntityManager, runId: string, params: ReadonlyArray<{ key: string; value: string }>): Promise<void> {
    if (params.length === 0) return;
    const keys = params.map((param) => param.key);
    await manager.query(
      `INSERT INTO run_param (run_id, key, value) SELECT $1, p.key, p.value FROM unnest($2::text[], $3::text[]) AS p(key, value)
       ON CONFLICT (run_id, key) DO NOTHING`,
      [runId, keys, params.map((param) => param.value)],
    );
    const stored: Array<{ key: string; value: string }> = await manager.query(`SELECT key, value FROM run_param WHERE run_id = $1 AND key = ANY($2::text[])`, [
      runId,
      keys,
    ]);
    const storedValue = new Map(stored.map((row) => [row.key, row.value]));
    for (const param of params) {
      const existing = storedValue.get(param.key);
      if (existing !== param.value) {
        throw new ConflictError(
          `Param '${param.key}' of run '${runId}' is already ${JSON.stringify(existing)}; params are immutable, so ${JSON.stringify(param.value)} is refused`,
          { runId, key: param.key, existing },
        );
      }
    }
  }

  private async insertMetrics(manager: EntityManager, runId: string, inputs: readonly MetricInput[], now: Date): Promise<MetricPoint[]> {
    if (inputs.length === 0) return [];
    const points: MetricPoint[] = inputs.map((input) => ({
      key: input.key,
      value: input.value,
      step: input.step ?? 0,
      timestamp: input.timestamp == null ? now : new Date(input.timestamp),
    }));
    await manager.query(
      `INSERT INTO run_metric (run_id, key, value, step, timestamp)
       SELECT $1, m.key, m.value, m.step, m.timestamp
       FROM unnest($2::text[], $3::float8[], $4::int[], $5::timestamptz[]) WITH ORDINALITY AS m(key, value, step, timestamp, n) ORDER BY m.n`,
      [runId, points.map((p) => p.key), points.map((p) => p.value), points.map((p) => p.step), points.map((p) => p.timestamp)],
    );
    return points;
  }

  private async upsertTags(manager: EntityManager, runId: string, tags: Record<string, string>): Promise<void> {
    const keys = Object.keys(tags);
    if (keys.length === 0) return;
    await manager.query(
      `INSERT INTO run_tag (run_id, key, value) SELECT $1, t.key, t.value FROM unnest($2::text[], $3::text[]) AS t(key, value)
       ON CONFLICT (run_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = ${NOW_MS}`,
      [runId, keys, keys.map((key) => tags[key])],
    );
  }

  async runsById(ids: readonly string[]): Promise<Array<RunModel | null>> {
    const valid = ids.filter(isUuid);
    const rows: RunRow[] = valid.length ? await this.dataSource.query(`SELECT ${RUN_COLUMNS} FROM run r WHERE r.id = ANY($1::uuid[])`, [valid]) : [];
    const byId = new Map(rows.map((row) => [row.id, toRun(row)]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  }

  async paramsOfRuns(runIds: readonly string[]): Promise<Array<Array<{ key: string; value: string }>>> {
    const rows: Array<{ run_id: string; key: string; value: string }> = await this.dataSource.query(
      `SELECT run_id, key, value FROM run_param WHERE run_id = ANY($1::uuid[]) ORDER BY key COLLATE "C"`,
      [runIds],
    );
    return groupBy(runIds, rows, (row) => ({ key: row.key, value: row.value }));
  }

  /** The latest point of each metric of each run, by key. */
  async latestMetricsOfRuns(runIds: readonly string[]): Promise<MetricPoint[][]> {
    const rows: Array<{ run_id: string; key: string; value: number; step: number; timestamp: Date }> = await this.dataSource.query(
      `SELECT DISTINCT ON (run_id, key COLLATE "C") run_id, key, value, step, timestamp FROM run_metric
       WHERE run_id = ANY($1::uuid[]) ORDER BY run_id, key COLLATE "C", ${LATEST_ORDER}`,
      [runIds],
    );
    return groupBy(runIds, rows, (row) => ({ key: row.key, value: row.value, step: row.step, timestamp: row.timestamp }));
  }

  async tagsOfRuns(runIds: readonly string[]): Promise<Array<Array<{ key: string; value: string }>>> {
    const rows: Array<{ run_id: string; key: string; value: string }> = await this.dataSource.query(
      `SELECT run_id, key, value FROM run_tag WHERE run_id = ANY($1::uuid[]) ORDER BY key COLLATE "C"`,
      [runIds],
    );
    return groupBy(runIds, rows, (row) => ({ key: row.key, value: row.value }));
  }

  async param(runId: string, key: string): Promise<string | null> {
    checkKey(key, 'key');
    const rows: Array<{ value: string }> = await this.dataSource.query(`SELECT value FROM run_param WHERE run_id = $1 AND key = $2`, [runId, key]);
    return rows[0]?.value ?? null;
  }

  /** Every point of one metric, ordered by step, then timestamp (then the order written). */
  async metricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    checkKey(key, 'key');
    const rows: Array<{ key: string; value: number; step: number; timestamp: Date }> = await this.dataSource.query(
      `SELECT key, value, step, timestamp FROM run_metric WHERE run_id = $1 AND key = $2 ORDER BY step, timestamp, id`,
      [runId, key],
    );
    return rows;
  }

  /** Artifacts of a run without their text (the `text` field loads it on demand). */
  async artifacts(runId: string): Promise<ArtifactModel[]> {
    const rows: Array<{ path: string; size: number; created_at: Date }> = await this.dataSource.query(
      `SELECT path, size, created_at FROM run_artifact WHERE run_id = $1 ORDER BY path COLLATE "C"`,
      [runId],
    );
    return rows.map((row) => ({ runId, path: row.path, size: row.size, createdAt: row.created_at }));
  }

  async artifact(runId: string, path: string): Promise<ArtifactModel | null> {
    checkArtifactPath(path);
    const rows: Array<{ path: string; size: number; text: string; created_at: Date }> = await this.dataSource.query(
      `SELECT path, size, text, created_at FROM run_artifact WHERE run_id = $1 AND path = $2`,
      [runId, path],
    );
    return rows[0] ? { runId, path: rows[0].path, size: rows[0].size, text: rows[0].text, createdAt: rows[0].created_at } : null;
  }

  /** Texts of artifacts, for a batch of (run id, path) keys. */
  async artifactTexts(keys: ReadonlyArray<{ runId: string; path: string }>): Promise<Array<string | null>> {
    const rows: Array<{ run_id: string; path: string; text: string }> = await this.dataSource.query(
      `SELECT a.run_id, a.path, a.text FROM run_artifact a JOIN unnest($1::uuid[], $2::text[]) AS k(run_id, path) ON k.run_id = a.run_id AND k.path = a.path`,
      [keys.map((key) => key.runId), keys.map((key) => key.path)],
    );
    const byKey = new Map(rows.map((row) => [`${row.run_id}/${row.path}`, row.text]));
    return keys.map((key) => byKey.get(`${key.runId}/${key.path}`) ?? null);
  }

  /**
   * Runs of a project, filtered, newest first or by the latest value of one
   * metric (runs without it last), with keyset cursors.
   */
  async listRuns(args: { project: string; filter?: RunFilter | null; orderBy?: RunOrder | null; first?: number | null; after?: string | null }): Promise<Page<RunModel>> {
    checkName(args.project, 'project');
    const size = checkPageSize(args.first);
    const after = args.after ? decodeCursor(args.after, 'after', isRunCursor) : null;
    const filter = args.filter ?? {};
    const values: unknown[] = [args.project];
    const bind = (value: unknown) => `$${values.push(value)}`;
    const conditions = ['r.project = $1'];
    const latest = (key: string) => `(SELECT m.value FROM run_metric m WHERE m.run_id = r.id AND m.key = ${bind(key)} ORDER BY m.${LATEST_ORDER.replace(/, /g, ', m.')} LIMIT 1)`;

    const params = filter.params ?? [];
    checkCount(params, 'filter.params', MAX_FILTERS);
    params.forEach((param, index) => {
      checkKey(param.key, `filter.params[${index}].key`);
      checkText(param.value, `filter.params[${index}].value`, MAX_PARAM_VALUE);
      conditions.push(`EXISTS (SELECT 1 FROM run_param p WHERE p.run_id = r.id AND p.key = ${bind(param.key)} AND p.value = ${bind(param.value)})`);
    });
    for (const [field, operator] of [
      ['metricMin', '>='],
      ['metricMax', '<='],
    ] as const) {
      const bounds = filter[field] ?? [];
      checkCount(bounds, `filter.${field}`, MAX_FILTERS);
      bounds.forEach((bound, index) => {
        checkKey(bound.key, `filter.${field}[${index}].key`);
        if (!Number.isFinite(bound.value)) throw new BadUserInputError(`filter.${field}[${index}].value must be a finite number`, { field: `filter.${field}[${index}].value` });
        conditions.push(`${latest(bound.key)} ${operator} ${bind(bound.value)}::float8`);
      });
    }
    const tags = filter.tags ?? [];
    checkCount(tags, 'filter.tags', MAX_FILTERS);
    tags.forEach((tag, index) => {
      checkKey(tag.key, `filter.tags[${index}].key`);
      checkText(tag.value, `filter.tags[${index}].value`, MAX_TAG_VALUE);
      conditions.push(
        `EXISTS (SELECT 1 FROM run_tag t WHERE t.run_id = r.id AND t.key = ${bind(tag.key)}${tag.value == null ? '' : ` AND t.value = ${bind(tag.value)}`})`,
      );
    });
    if (filter.status) conditions.push(`r.status = ${bind(filter.status)}`);

    const byMetric = args.orderBy ?? null;
    if (byMetric) checkKey(byMetric.metric, 'orderBy.metric');
    // One ascending sort key for both directions (DESC negates the value), so one keyset condition serves both.
    const sortValue = byMetric ? `${byMetric.direction === 'ASC' ? '' : '-'}${latest(byMetric.metric)}` : 'NULL::float8';
    let keyset = 'TRUE';
    if (after) {
      if (byMetric && after.v === undefined) throw new BadUserInputError('after is a cursor of a list in another order', { field: 'after' });
      const tail = `(x.started_at, x.id) < (${bind(after.s)}::timestamptz, ${bind(after.id)}::uuid)`;
      if (!byMetric || after.v === null || after.v === undefined) keyset = byMetric ? `(x.sort_value IS NULL AND ${tail})` : tail;
      else {
        const v = bind(after.v);
        keyset = `(x.sort_value > ${v}::float8 OR x.sort_value IS NULL OR (x.sort_value = ${v}::float8 AND ${tail}))`;
      }
    }
    const rows: Array<RunRow & { sort_value: number | null }> = await this.dataSource.query(
      `SELECT x.* FROM (SELECT ${RUN_COLUMNS}, ${sortValue} AS sort_value FROM run r WHERE ${conditions.join(' AND ')}) x
       WHERE ${keyset}
       ORDER BY x.sort_value ASC NULLS LAST, x.started_at DESC, x.id DESC
       LIMIT ${bind(size + 1)}`,
      values,
    );
    const sortValues = new Map(rows.map((row) => [row.id, row.sort_value]));
    return {
      items: rows.slice(0, size).map(toRun),
      hasNextPage: rows.length > size,
      cursorOf: (run) =>
        encodeCursor(byMetric ? { v: sortValues.get(run.id) ?? null, s: run.startedAt.toISOString(), id: run.id } : { s: run.startedAt.toISOString(), id: run.id }),
    };
  }

  /** Runs side by side on the union of their param and metric keys (latest metric values). */
  async compareRuns(ids: readonly string[]): Promise<{ paramKeys: string[]; metricKeys: string[]; rows: RunComparisonRowModel[] }> {
    if (ids.length === 0) throw new BadUserInputError('ids must name at least one run', { field: 'ids' });
    checkCount(ids, 'ids', MAX_COMPARE);
    ids.forEach((id, index) => checkUuid(id, `ids[${index}]`));
    const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
    const runs = await this.runsById(unique);
    const missing = unique.filter((_, index) => runs[index] === null);
    if (missing.length > 0) throw new NotFoundError(`No run with id ${missing.map((id) => `'${id}'`).join(', ')}`, { field: 'ids', missing });
    const [params, metrics] = await Promise.all([this.paramsOfRuns(unique), this.latestMetricsOfRuns(unique)]);
    const sorted = (keys: Iterable<string>) => [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const paramKeys = sorted(params.flat().map((param) => param.key));
    const metricKeys = sorted(metrics.flat().map((metric) => metric.key));
    const rows = unique.map((_, index) => {
      const paramOf = new Map(params[index].map((param) => [param.key, param.value]));
      const metricOf = new Map(metrics[index].map((metric) => [metric.key, metric.value]));
      return {
        run: runs[index] as RunModel,
        params: paramKeys.map((key) => paramOf.get(key) ?? null),
        metrics: metricKeys.map((key) => metricOf.get(key) ?? null),
      };
    });
    return { paramKeys, metricKeys, rows };
  }
}

/** Params of one call: valid keys and values, a key given twice only with the same value. */
function validParams(params: ReadonlyArray<{ key: string; value: string }>, field: string): Array<{ key: string; value: string }> {
  checkCount(params, field, MAX_BATCH_PARAMS);
  const byKey = new Map<string, string>();
  params.forEach((param, index) => {
    checkKey(param.key, `${field}[${index}].key`);
    checkText(param.value, `${field}[${index}].value`, MAX_PARAM_VALUE);
    const seen = byKey.get(param.key);
    if (seen !== undefined && seen !== param.value) {
      throw new BadUserInputError(`${field} gives param '${param.key}' two different values`, { field: `${field}[${index}].value` });
    }
    byKey.set(param.key, param.value);
  });
  return [...byKey].map(([key, value]) => ({ key, value }));
}

function validMetrics(inputs: readonly MetricInput[], field: string): void {
  inputs.forEach((input, index) => {
    const at = (name: string) => (field ? `${field}[${index}].${name}` : name);
    checkKey(input.key, at('key'));
    if (!Number.isFinite(input.value)) throw new BadUserInputError(`${at('value')} must be a finite number`, { field: at('value') });
    if (input.step != null && (!Number.isInteger(input.step) || input.step < 0 || input.step > MAX_STEP)) {
      throw new BadUserInputError(`${at('step')} must be an integer from 0 to ${MAX_STEP}; got ${input.step}`, { field: at('step') });
    }
    if (input.timestamp != null) {
      const time = new Date(input.timestamp).getTime();
      if (Number.isNaN(time) || time < EARLIEST || time > LATEST) {
        throw new BadUserInputError(`${at('timestamp')} must be a date-time between the years 1900 and 9999`, { field: at('timestamp') });
      }
    }
  });
}

function groupBy<R extends { run_id: string }, T>(runIds: readonly string[], rows: R[], map: (row: R) => T): T[][] {
  const byRun = new Map<string, T[]>();
  for (const row of rows) {
    const list = byRun.get(row.run_id);
    if (list) list.push(map(row));
    else byRun.set(row.run_id, [map(row)]);
  }
  return runIds.map((id) => byRun.get(id) ?? []);
}
