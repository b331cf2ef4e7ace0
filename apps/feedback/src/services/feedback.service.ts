import type { DataSource } from 'typeorm';
import { isForeignKeyViolation } from '@flywheel/data';
import { BadUserInputError } from '@flywheel/server';
import type { FeedbackModel, FeedbackSourceValue, InteractionModel } from '../models';
import { feedbackRollupCtes, interactionRollupCtes } from './rollup-sql';
import {
  checkJson,
  checkKey,
  checkNumber,
  checkRating,
  checkText,
  isUuid,
  MAX_BATCH,
  MAX_FEEDBACK_TEXT,
  MAX_INPUT_BYTES,
  MAX_KEY_LENGTH,
  MAX_METADATA_BYTES,
  MAX_OUTPUT_LENGTH,
  Rejection,
  type RejectionCode,
} from './validation';

export interface LogFeedbackInput {
  requestId: string;
  experimentId?: string | null;
  variant?: string | null;
  rating?: number | null;
  score?: number | null;
  thumbs?: boolean | null;
  feedbackText?: string | null;
  latencyMs?: number | null;
  source?: FeedbackSourceValue | null;
  idempotencyKey?: string | null;
}

export interface LogInteractionInput {
  requestId: string;
  experimentId?: string | null;
  variant?: string | null;
  promptVersionId?: string | null;
  modelVersionId?: string | null;
  unitId?: string | null;
  input?: unknown;
  output?: string | null;
  latencyMs?: number | null;
  costUsd?: number | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  metadata?: unknown;
}

export interface FeedbackBatchResult {
  accepted: number;
  duplicates: number;
  rejected: Array<{ index: number; code: RejectionCode; message: string }>;
}

/** A validated feedback item, as stored. */
interface FeedbackRow {
  key: string;
  requestId: string;
  experimentId: string | null;
  variant: string | null;
  rating: number | null;
  score: number | null;
  thumbs: boolean | null;
  text: string | null;
  latencyMs: number | null;
  source: FeedbackSourceValue;
}

const SOURCES: readonly FeedbackSourceValue[] = ['USER', 'LLM_JUDGE', 'ANNOTATOR'];

/** Started experiments whose variant keys are kept in memory (oldest dropped first beyond this). */
const MAX_CACHED_EXPERIMENTS = 10_000;

const FEEDBACK_COLUMNS = `id, idempotency_key, request_id, experiment_id, variant, rating, score, thumbs, feedback_text, latency_ms, source, created_at`;

/**
 * Feedback rows, inserted from parallel arrays in one statement (`unnest`),
 * sorted by idempotency key so that concurrent batches wait on each other's
 * keys in one order (no deadlock), `ON CONFLICT DO NOTHING` on the key, and the
 * rollups updated from the rows actually inserted, in the same statement, so a
 * duplicate never counts twice and a crash never leaves rows without rollup.
 */
function feedbackInsertSql(returning: 'count' | 'rows'): string {
  return `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::smallint[], $6::float8[], $7::boolean[], $8::text[], $9::float8[], $10::text[])
      WITH ORDINALITY AS t(idempotency_key, request_id, experiment_id, variant, rating, score, thumbs, feedback_text, latency_ms, source, ord)
  ),
  inserted AS (
    INSERT INTO feedback (idempotency_key, request_id, experiment_id, variant, rating, score, thumbs, feedback_text, latency_ms, source, created_by)
    SELECT idempotency_key, request_id, experiment_id, variant, rating, score, thumbs, feedback_text, latency_ms, source, $11 FROM input ORDER BY ord
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING ${returning === 'count' ? 'experiment_id, variant, rating, score, thumbs, latency_ms' : FEEDBACK_COLUMNS}
  ),
  ${feedbackRollupCtes('inserted')}
  ${returning === 'count' ? 'SELECT count(*)::int AS accepted FROM inserted' : 'SELECT * FROM inserted'}`;
}

const INTERACTION_COLUMNS = `id, request_id, experiment_id, variant, prompt_version_id, model_version_id, unit_id, input, output,
  latency_ms, cost_usd, input_tokens, output_tokens, metadata, created_at`;

const INTERACTION_INSERT = `
  WITH inserted AS (
    INSERT INTO interaction (request_id, experiment_id, variant, prompt_version_id, model_version_id, unit_id, input, output,
                             latency_ms, cost_usd, input_tokens, output_tokens, metadata, created_by)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
    ON CONFLICT (request_id) DO NOTHING
    RETURNING ${INTERACTION_COLUMNS}
  ),
  ${interactionRollupCtes('inserted')}
  SELECT * FROM inserted`;

interface FeedbackDbRow {
  id: string;
  idempotency_key: string;
  request_id: string;
  experiment_id: string | null;
  variant: string | null;
  rating: number | null;
  score: number | null;
  thumbs: boolean | null;
  feedback_text: string | null;
  latency_ms: number | null;
  source: FeedbackSourceValue;
  created_at: Date;
}

interface InteractionDbRow {
  id: string;
  request_id: string;
  experiment_id: string | null;
  variant: string | null;
  prompt_version_id: string | null;
  model_version_id: string | null;
  unit_id: string | null;
  input: unknown;
  output: string | null;
  latency_ms: number | null;
  cost_usd: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  metadata: unknown;
  created_at: Date;
}

const toFeedback = (row: FeedbackDbRow): FeedbackModel => ({
  id: row.id,
  idempotencyKey: row.idempotency_key,
  requestId: row.request_id,
  experimentId: row.experiment_id,
  variant: row.variant,
  rating: row.rating,
  score: row.score,
  thumbs: row.thumbs,
  feedbackText: row.feedback_text,
  latencyMs: row.latency_ms,
  source: row.source,
  createdAt: row.created_at,
});

const toInteraction = (row: InteractionDbRow): InteractionModel => ({
  id: row.id,
  requestId: row.request_id,
  experimentId: row.experiment_id,
  variant: row.variant,
  promptVersionId: row.prompt_version_id,
  modelVersionId: row.model_version_id,
  unitId: row.unit_id,
  input: row.input,
  output: row.output,
  latencyMs: row.latency_ms,
  costUsd: row.cost_usd,
  inputTokens: row.input_tokens,
  outputTokens: row.output_tokens,
  metadata: row.metadata,
  createdAt: row.created_at,
});

/**
 * Ingestion of interactions and feedback: per-item validation in memory, one
 * lookup of the experiments named, then ONE statement that inserts the rows and
 * folds the newly inserted ones into the rollups (a statement is its own
 * transaction: rows and rollups commit together or not at all).
 */
export class FeedbackService {
  /**
   * Variant keys of experiments past DRAFT. Once started, an experiment's
   * variants never change (only a DRAFT's can be replaced), so they are safe to
   * keep; DRAFT and unknown experiments are always looked up afresh.
   */
  private readonly startedVariants = new Map<string, Set<string>>();

  constructor(private readonly dataSource: DataSource) {}

  /** Logs one piece of feedback; returns the stored row (the existing one for a known idempotency key). */
  async logFeedback(input: LogFeedbackInput, actor: string | null = null): Promise<FeedbackModel> {
    const checked = this.checkFeedback(input);
    if (checked instanceof Rejection) throw checked.toError();
    const experimentRejection = (await this.checkExperiments([checked]))[0];
    if (experimentRejection) throw experimentRejection.toError();
    const rows: FeedbackDbRow[] = await this.dataSource.query(feedbackInsertSql('rows'), [...columnsOf([checked]), actor]);
    if (rows.length > 0) return toFeedback(rows[0]);
    const [existing]: FeedbackDbRow[] = await this.dataSource.query(`SELECT ${FEEDBACK_COLUMNS} FROM feedback WHERE idempotency_key = $1`, [checked.key]);
    return toFeedback(existing);
  }

  /**
   * Logs up to {@link MAX_BATCH} items in one statement. Bad items are reported
   * by index and skipped; the good ones are stored; known keys count as duplicates.
   */
  async logFeedbackBatch(inputs: readonly LogFeedbackInput[], actor: string | null = null): Promise<FeedbackBatchResult> {
    if (inputs.length > MAX_BATCH) {
      throw new BadUserInputError(`inputs has ${inputs.length} items; the limit is ${MAX_BATCH} per batch`, { field: 'inputs', limit: MAX_BATCH });
    }
    const rejected: FeedbackBatchResult['rejected'] = [];
    const valid: Array<{ index: number; row: FeedbackRow }> = [];
    inputs.forEach((input, index) => {
      const checked = this.checkFeedback(input);
      if (checked instanceof Rejection) rejected.push({ index, code: checked.code, message: checked.message });
      else valid.push({ index, row: checked });
    });
    const experimentRejections = await this.checkExperiments(valid.map((item) => item.row));
    const good: FeedbackRow[] = [];
    valid.forEach((item, i) => {
      const rejection = experimentRejections[i];
      if (rejection) rejected.push({ index: item.index, code: rejection.code, message: rejection.message });
      else good.push(item.row);
    });
    rejected.sort((a, b) => a.index - b.index);
    if (good.length === 0) return { accepted: 0, duplicates: 0, rejected };
    // One key order for every statement: concurrent batches with shared keys then wait, never deadlock.
    good.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const [{ accepted }]: Array<{ accepted: number }> = await this.dataSource.query(feedbackInsertSql('count'), [...columnsOf(good), actor]);
    return { accepted, duplicates: good.length - accepted, rejected };
  }

  /** Logs an interaction; the same request id again returns the stored one and changes nothing. */
  async logInteraction(input: LogInteractionInput, actor: string | null = null): Promise<InteractionModel> {
    const rejection =
      checkKey(input.requestId, 'requestId') ??
      pairRejection(input.experimentId, input.variant) ??
      checkText(input.variant, 'variant', MAX_KEY_LENGTH) ??
      (input.unitId != null ? checkKey(input.unitId, 'unitId') : null) ??
      checkText(input.output, 'output', MAX_OUTPUT_LENGTH) ??
      checkNumber(input.latencyMs, 'latencyMs', true) ??
      checkNumber(input.costUsd, 'costUsd', true) ??
      checkNumber(input.inputTokens, 'inputTokens', true) ??
      checkNumber(input.outputTokens, 'outputTokens', true);
    if (rejection) throw rejection.toError();
    checkJson(input.input, 'input', MAX_INPUT_BYTES);
    checkJson(input.metadata, 'metadata', MAX_METADATA_BYTES);
    for (const field of ['promptVersionId', 'modelVersionId'] as const) {
      const id = input[field];
      if (id != null && !isUuid(id)) throw new BadUserInputError(`${field} is not an id: ${JSON.stringify(id.slice(0, 80))}`, { field });
    }
    const experimentId = input.experimentId ? input.experimentId.toLowerCase() : null;
    if (experimentId) {
      const [experimentRejection] = await this.checkExperiments([{ experimentId, variant: input.variant ?? null }]);
      if (experimentRejection) throw experimentRejection.toError();
    }
    let rows: InteractionDbRow[];
    try {
      rows = await this.dataSource.query(INTERACTION_INSERT, [
        input.requestId,
        experimentId,
        experimentId ? input.variant : null,
        input.promptVersionId ?? null,
        input.modelVersionId ?? null,
        input.unitId ?? null,
        input.input === undefined || input.input === null ? null : JSON.stringify(input.input),
        input.output ?? null,
        input.latencyMs ?? null,
        input.costUsd ?? null,
        input.inputTokens ?? null,
        input.outputTokens ?? null,
        input.metadata === undefined || input.metadata === null ? null : JSON.stringify(input.metadata),
        actor,
      ]);
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new BadUserInputError(`promptVersionId ${input.promptVersionId} is not a prompt version`, { field: 'promptVersionId' });
      }
      throw error;
    }
    if (rows.length > 0) return toInteraction(rows[0]);
    const [existing]: InteractionDbRow[] = await this.dataSource.query(`SELECT ${INTERACTION_COLUMNS} FROM interaction WHERE request_id = $1`, [input.requestId]);
    return toInteraction(existing);
  }

  /** The interaction of each request id (null where none is logged yet). */
  async interactionsByRequestId(requestIds: readonly string[]): Promise<Array<InteractionModel | null>> {
    const rows: InteractionDbRow[] = await this.dataSource.query(`SELECT ${INTERACTION_COLUMNS} FROM interaction WHERE request_id = ANY($1::text[])`, [requestIds]);
    const byRequest = new Map(rows.map((row) => [row.request_id, toInteraction(row)]));
    return requestIds.map((id) => byRequest.get(id) ?? null);
  }

  /** The interaction of each id (null where there is none). */
  async interactionsById(ids: readonly string[]): Promise<Array<InteractionModel | null>> {
    const valid = ids.filter(isUuid);
    const rows: InteractionDbRow[] = valid.length
      ? await this.dataSource.query(`SELECT ${INTERACTION_COLUMNS} FROM interaction WHERE id = ANY($1::uuid[])`, [valid])
      : [];
    const byId = new Map(rows.map((row) => [row.id, toInteraction(row)]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  }

  /** Feedback about each request id, oldest first. */
  async feedbackByRequestId(requestIds: readonly string[]): Promise<FeedbackModel[][]> {
    const rows: FeedbackDbRow[] = await this.dataSource.query(
      `SELECT ${FEEDBACK_COLUMNS} FROM feedback WHERE request_id = ANY($1::text[]) ORDER BY created_at, id`,
      [requestIds],
    );
    const byRequest = new Map<string, FeedbackModel[]>();
    for (const row of rows) byRequest.set(row.request_id, [...(byRequest.get(row.request_id) ?? []), toFeedback(row)]);
    return requestIds.map((id) => byRequest.get(id) ?? []);
  }

  /** In-memory checks of one item: the stored row, or why not. */
  private checkFeedback(input: LogFeedbackInput): FeedbackRow | Rejection {
    const source = input.source ?? 'USER';
    const rejection =
      checkKey(input.requestId, 'requestId') ??
      (input.idempotencyKey != null ? checkKey(input.idempotencyKey, 'idempotencyKey') : null) ??
      pairRejection(input.experimentId, input.variant) ??
      checkText(input.variant, 'variant', MAX_KEY_LENGTH) ??
      checkRating(input.rating) ??
      checkNumber(input.score, 'score', false) ??
      checkNumber(input.latencyMs, 'latencyMs', true) ??
      checkText(input.feedbackText, 'feedbackText', MAX_FEEDBACK_TEXT);
    if (rejection) return rejection;
    if (!SOURCES.includes(source)) return new Rejection('INVALID_KEY', 'source', `source must be one of ${SOURCES.join(', ')}`);
    if (input.rating == null && input.score == null && input.thumbs == null && input.feedbackText == null && input.latencyMs == null) {
      return new Rejection('EMPTY_FEEDBACK', 'rating', 'feedback needs at least one of rating, score, thumbs, feedbackText or latencyMs');
    }
    const key = input.idempotencyKey ?? `${input.requestId}:${source}`;
    if (key.length > MAX_KEY_LENGTH) {
      return new Rejection('INVALID_KEY', 'idempotencyKey', `the default idempotency key (requestId:source) is over ${MAX_KEY_LENGTH} characters; give a shorter requestId or an idempotencyKey`);
    }
    return {
      key,
      requestId: input.requestId,
      experimentId: input.experimentId ? input.experimentId.toLowerCase() : null,
      variant: input.experimentId ? (input.variant ?? null) : null,
      rating: input.rating ?? null,
      score: input.score ?? null,
      thumbs: input.thumbs ?? null,
      text: input.feedbackText ?? null,
      latencyMs: input.latencyMs ?? null,
      source,
    };
  }

  /**
   * Checks that each item's experiment exists and has its variant, with one
   * query for all the experiments named. Reads the experiment subgraph's
   * tables (integrity needs it; they are not ours to write).
   */
  private async checkExperiments(items: ReadonlyArray<{ experimentId: string | null; variant: string | null }>): Promise<Array<Rejection | null>> {
    const ids = [...new Set(items.map((item) => item.experimentId).filter((id): id is string => id !== null && isUuid(id)))];
    const variants = new Map<string, Set<string>>();
    const toLoad: string[] = [];
    for (const id of ids) {
      const known = this.startedVariants.get(id);
      if (known) variants.set(id, known);
      else toLoad.push(id);
    }
    if (toLoad.length > 0) {
      const rows: Array<{ id: string; status: string; keys: string[] }> = await this.dataSource.query(
        `SELECT e.id::text AS id, e.status, array_remove(array_agg(v.key), NULL) AS keys
         FROM experiment e LEFT JOIN experiment_variant v ON v.experiment_id = e.id
         WHERE e.id = ANY($1::uuid[]) GROUP BY e.id`,
        [toLoad],
      );
      for (const row of rows) {
        const keys = new Set(row.keys);
        variants.set(row.id, keys);
        if (row.status !== 'DRAFT') {
          if (this.startedVariants.size >= MAX_CACHED_EXPERIMENTS) this.startedVariants.delete(this.startedVariants.keys().next().value as string);
          this.startedVariants.set(row.id, keys);
        }
      }
    }
    return items.map(({ experimentId, variant }) => {
      if (experimentId === null) return null;
      const keys = variants.get(experimentId);
      if (!keys) return new Rejection('UNKNOWN_EXPERIMENT', 'experimentId', `experimentId ${experimentId} is not an experiment`);
      if (variant === null || !keys.has(variant)) {
        return new Rejection('UNKNOWN_VARIANT', 'variant', `experiment ${experimentId} has no variant ${JSON.stringify(variant)} (it has ${[...keys].join(', ')})`);
      }
      return null;
    });
  }
}

/** experimentId and variant come together or not at all. */
function pairRejection(experimentId: string | null | undefined, variant: string | null | undefined): Rejection | null {
  if ((experimentId == null) === (variant == null)) return null;
  return new Rejection(
    'EXPERIMENT_AND_VARIANT_REQUIRED',
    experimentId == null ? 'experimentId' : 'variant',
    'experimentId and variant go together: give both (to count towards the experiment) or neither',
  );
}

/** The ten parallel arrays of the insert statement, in its parameter order. */
function columnsOf(rows: readonly FeedbackRow[]): unknown[][] {
  const n = rows.length;
  const keys = new Array<string>(n);
  const requestIds = new Array<string>(n);
  const experimentIds = new Array<string | null>(n);
  const variants = new Array<string | null>(n);
  const ratings = new Array<number | null>(n);
  const scores = new Array<number | null>(n);
  const thumbs = new Array<boolean | null>(n);
  const texts = new Array<string | null>(n);
  const latencies = new Array<number | null>(n);
  const sources = new Array<string>(n);
  rows.forEach((row, i) => {
    keys[i] = row.key;
    requestIds[i] = row.requestId;
    experimentIds[i] = row.experimentId;
    variants[i] = row.variant;
    ratings[i] = row.rating;
    scores[i] = row.score;
    thumbs[i] = row.thumbs;
    texts[i] = row.text;
    latencies[i] = row.latencyMs;
    sources[i] = row.source;
  });
  return [keys, requestIds, experimentIds, variants, ratings, scores, thumbs, texts, latencies, sources];
}
