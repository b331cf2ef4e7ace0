import { BadUserInputError } from '@flywheel/server';
import type { FeedbackSourceValue } from '../models';
import { isUuid } from './validation';

/** The most items one version may hold; a filter that matches more must be narrowed or sampled. */
export const MAX_DATASET_ITEMS = 1_000_000;

export interface DatasetFilterInput {
  experimentId?: string | null;
  variant?: string | null;
  promptVersionId?: string | null;
  modelVersionId?: string | null;
  minRating?: number | null;
  maxRating?: number | null;
  thumbs?: boolean | null;
  source?: FeedbackSourceValue | null;
  since?: Date | string | null;
  until?: Date | string | null;
  hasFeedbackText?: boolean | null;
  sampleSize?: number | null;
  seed?: string | null;
}

/** A validated filter: what the snapshot query binds, and the JSON stored with the version. */
export interface DatasetFilter {
  experimentId: string | null;
  variant: string | null;
  promptVersionId: string | null;
  modelVersionId: string | null;
  minRating: number | null;
  maxRating: number | null;
  thumbs: boolean | null;
  source: FeedbackSourceValue | null;
  since: Date | null;
  until: Date | null;
  hasFeedbackText: boolean | null;
  sampleSize: number | null;
  seed: string;
}

const SOURCES: readonly FeedbackSourceValue[] = ['USER', 'LLM_JUDGE', 'ANNOTATOR'];

const bad = (field: string, message: string) => new BadUserInputError(message, { field: `filter.${field}` });

function id(value: string | null | undefined, field: string): string | null {
  if (value == null) return null;
  if (!isUuid(value)) throw bad(field, `filter.${field} is not an id: ${JSON.stringify(value.slice(0, 80))}`);
  return value.toLowerCase();
}

function rating(value: number | null | undefined, field: string): number | null {
  if (value == null) return null;
  if (!Number.isInteger(value) || value < 1 || value > 5) throw bad(field, `filter.${field} must be an integer from 1 to 5; got ${value}`);
  return value;
}

function moment(value: Date | string | null | undefined, field: string): Date | null {
  if (value == null) return null;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw bad(field, `filter.${field} is not a date-time`);
  return date;
}

/**
 * Checks a dataset filter before anything is written.
 *
 * @throws {BadUserInputError} naming the field (`filter.<name>`) and the rule it breaks
 */
export function parseDatasetFilter(input: DatasetFilterInput): DatasetFilter {
  const filter: DatasetFilter = {
    experimentId: id(input.experimentId, 'experimentId'),
    variant: input.variant ?? null,
    promptVersionId: id(input.promptVersionId, 'promptVersionId'),
    modelVersionId: id(input.modelVersionId, 'modelVersionId'),
    minRating: rating(input.minRating, 'minRating'),
    maxRating: rating(input.maxRating, 'maxRating'),
    thumbs: input.thumbs ?? null,
    source: input.source ?? null,
    since: moment(input.since, 'since'),
    until: moment(input.until, 'until'),
    hasFeedbackText: input.hasFeedbackText ?? null,
    sampleSize: input.sampleSize ?? null,
    seed: input.seed ?? '0',
  };
  if (filter.variant !== null) {
    if (filter.experimentId === null) throw bad('variant', 'filter.variant needs filter.experimentId: variant keys belong to an experiment');
    if (filter.variant.length === 0 || filter.variant.length > 256 || filter.variant.includes('\u0000')) {
      throw bad('variant', 'filter.variant must be 1–256 characters without NUL');
    }
  }
  if (filter.minRating !== null && filter.maxRating !== null && filter.minRating > filter.maxRating) {
    throw bad('maxRating', `filter.maxRating (${filter.maxRating}) is below filter.minRating (${filter.minRating})`);
  }
  if (filter.source !== null && !SOURCES.includes(filter.source)) throw bad('source', `filter.source must be one of ${SOURCES.join(', ')}`);
  if (filter.since && filter.until && filter.since >= filter.until) throw bad('until', 'filter.until must be after filter.since');
  if (filter.sampleSize !== null && (!Number.isInteger(filter.sampleSize) || filter.sampleSize < 1 || filter.sampleSize > MAX_DATASET_ITEMS)) {
    throw bad('sampleSize', `filter.sampleSize must be an integer from 1 to ${MAX_DATASET_ITEMS}; got ${filter.sampleSize}`);
  }
  if (filter.seed.length > 256 || filter.seed.includes('\u0000')) throw bad('seed', 'filter.seed must be at most 256 characters without NUL');
  return filter;
}

/** True when some condition is on feedback rows: then an interaction needs at least one matching feedback row. */
export function filtersFeedback(filter: DatasetFilter): boolean {
  return (
    filter.minRating !== null ||
    filter.maxRating !== null ||
    filter.thumbs !== null ||
    filter.source !== null ||
    filter.since !== null ||
    filter.until !== null ||
    filter.hasFeedbackText !== null
  );
}

/** The filter as stored with the version: the conditions given (dates as ISO strings), and the seed when sampling. */
export function filterJson(filter: DatasetFilter): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === 'seed' || value === null) continue;
    json[key] = value instanceof Date ? value.toISOString() : value;
  }
  if (filter.sampleSize !== null) json.seed = filter.seed;
  return json;
}

/**
 * The snapshot statement: ONE `INSERT … SELECT` that copies the matching
 * interactions, each with the summary and ids of its matching feedback (a
 * lateral aggregate over the feedback index by request id) and its prompt
 * version's hash, into the items of version `$1`. Sampling orders by
 * md5(seed:interaction id), so a seed picks the same sample from the same
 * data; items are then numbered by the interaction's time. It inserts at most
 * MAX_DATASET_ITEMS + 1 rows, so the caller can refuse an oversized snapshot
 * without copying all of it. Returns `count`.
 */
export function snapshotSql(sampled: boolean): string {
  return `
  WITH matched AS (
    SELECT i.id, i.request_id, i.input, i.output, i.prompt_version_id, i.model_version_id, i.experiment_id, i.variant, i.created_at,
           fb.n, fb.summary, fb.ids
    FROM interaction i
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS n,
             jsonb_build_object(
               'n', count(*),
               'meanRating', avg(f.rating)::float8,
               'minRating', min(f.rating),
               'maxRating', max(f.rating),
               'thumbsUp', count(*) FILTER (WHERE f.thumbs),
               'thumbsDown', count(*) FILTER (WHERE NOT f.thumbs),
               'meanScore', avg(f.score),
               'texts', coalesce(jsonb_agg(f.feedback_text ORDER BY f.created_at, f.id) FILTER (WHERE f.feedback_text IS NOT NULL), '[]'::jsonb),
               'sources', coalesce(jsonb_agg(DISTINCT f.source ORDER BY f.source), '[]'::jsonb)
             ) AS summary,
             coalesce(array_agg(f.id ORDER BY f.created_at, f.id), '{}'::uuid[]) AS ids
      FROM feedback f
      WHERE f.request_id = i.request_id
        AND ($6::int IS NULL OR f.rating >= $6)
        AND ($7::int IS NULL OR f.rating <= $7)
        AND ($8::boolean IS NULL OR f.thumbs = $8)
        AND ($9::text IS NULL OR f.source = $9)
        AND ($10::timestamptz IS NULL OR f.created_at >= $10)
        AND ($11::timestamptz IS NULL OR f.created_at < $11)
        AND ($12::boolean IS NULL OR (f.feedback_text IS NOT NULL) = $12)
    ) fb
    WHERE ($2::uuid IS NULL OR i.experiment_id = $2)
      AND ($3::text IS NULL OR i.variant = $3)
      AND ($4::uuid IS NULL OR i.prompt_version_id = $4)
      AND ($5::uuid IS NULL OR i.model_version_id = $5)
      AND (NOT $13::boolean OR fb.n > 0)
  ),
  chosen AS (
    SELECT * FROM matched
    ${sampled ? `ORDER BY md5($15::text || ':' || id::text), id LIMIT $14::int` : `LIMIT $14::int`}
  ),
  inserted AS (
    INSERT INTO dataset_item (dataset_version_id, position, key, request_id, input, output, expected_output, feedback, feedback_ids,
                              prompt_version_id, prompt_version_hash, model_version_id, experiment_id, variant)
    SELECT $1, (row_number() OVER (ORDER BY c.created_at, c.id))::int, c.id, c.request_id, c.input, c.output, NULL, c.summary, c.ids,
           c.prompt_version_id, pv.hash, c.model_version_id, c.experiment_id, c.variant
    FROM chosen c LEFT JOIN prompt_version pv ON pv.id = c.prompt_version_id
    RETURNING 1
  )
  SELECT count(*)::int AS count FROM inserted`;
}

/** The parameters of {@link snapshotSql}, in order (the seed only when sampling: an unused parameter has no type). */
export function snapshotParams(versionId: string, filter: DatasetFilter): unknown[] {
  const params = [
    versionId,
    filter.experimentId,
    filter.variant,
    filter.promptVersionId,
    filter.modelVersionId,
    filter.minRating,
    filter.maxRating,
    filter.thumbs,
    filter.source,
    filter.since,
    filter.until,
    filter.hasFeedbackText,
    filtersFeedback(filter),
    filter.sampleSize ?? MAX_DATASET_ITEMS + 1,
  ];
  return filter.sampleSize !== null ? [...params, filter.seed] : params;
}
