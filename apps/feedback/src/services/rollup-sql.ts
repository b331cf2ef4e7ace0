// The SQL that folds newly inserted rows into `feedback_rollup`, shared by the
// service's inserts and bench/results.bench.ts's seeding so that both maintain
// the rollup the same way. One pass over the statement's rows: an aggregate per
// (experiment, variant) with FILTERs, one small GROUP BY for the latency sketch,
// then one rollup row per metric, upserted in key order so that concurrent
// statements lock rollup rows in one global order (no deadlock).

// Each connection writes its own shard of the rollup (pg_backend_pid() % 16),
// so concurrent single-event writers rarely meet on a row lock; readers sum the
// shards in the feedback_rollup_total view.
const UPSERT = `
  INSERT INTO feedback_rollup AS r (experiment_id, variant, metric, shard, n, sum, sum_sq, histogram)
  SELECT experiment_id, variant, metric, (pg_backend_pid() % 16)::smallint, n, sum, sum_sq, histogram FROM metrics ORDER BY experiment_id, variant, metric
  ON CONFLICT (experiment_id, variant, metric, shard) DO UPDATE SET
    n = r.n + excluded.n, sum = r.sum + excluded.sum, sum_sq = r.sum_sq + excluded.sum_sq,
    histogram = feedback_add_histograms(r.histogram, excluded.histogram), updated_at = now()`;

const latencyHistogram = (source: string, column: string) => `
  latency_sketch AS (
    SELECT experiment_id, variant, feedback_histogram(bucket, n, 154) AS histogram FROM (
      SELECT experiment_id, variant, feedback_latency_bucket(${column}) AS bucket, count(*) AS n
      FROM ${source} WHERE experiment_id IS NOT NULL AND ${column} IS NOT NULL GROUP BY 1, 2, 3
    ) AS b GROUP BY experiment_id, variant
  )`;

/**
 * CTEs (to follow a `WITH <source> AS (INSERT … RETURNING experiment_id,
 * variant, rating, score, thumbs, latency_ms)`) ending in `rolled`, which folds
 * feedback's RATING, SCORE, THUMBS and FEEDBACK_LATENCY into the rollup.
 */
export function feedbackRollupCtes(source: string): string {
  return `
  per_variant AS (
    SELECT experiment_id, variant,
      count(rating) AS r_n, sum(rating)::float8 AS r_sum, sum(rating::int * rating::int)::float8 AS r_sq,
      ARRAY[count(*) FILTER (WHERE rating = 1), count(*) FILTER (WHERE rating = 2), count(*) FILTER (WHERE rating = 3),
            count(*) FILTER (WHERE rating = 4), count(*) FILTER (WHERE rating = 5)] AS r_hist,
      count(score) AS s_n, sum(score) AS s_sum, sum(score * score) AS s_sq,
      count(thumbs) AS t_n, count(*) FILTER (WHERE thumbs) AS t_up,
      count(latency_ms) AS l_n, sum(latency_ms) AS l_sum, sum(latency_ms * latency_ms) AS l_sq
    FROM ${source} WHERE experiment_id IS NOT NULL GROUP BY experiment_id, variant
  ),
  ${latencyHistogram(source, 'latency_ms')},
  metrics AS (
    SELECT p.experiment_id, p.variant, m.metric, m.n, m.sum, m.sum_sq, m.histogram
    FROM per_variant p LEFT JOIN latency_sketch h ON h.experiment_id = p.experiment_id AND h.variant = p.variant
    CROSS JOIN LATERAL (VALUES
      ('RATING', p.r_n, p.r_sum, p.r_sq, p.r_hist),
      ('SCORE', p.s_n, p.s_sum, p.s_sq, NULL::bigint[]),
      ('THUMBS', p.t_n, p.t_up::float8, p.t_up::float8, ARRAY[p.t_n - p.t_up, p.t_up]),
      ('FEEDBACK_LATENCY', p.l_n, p.l_sum, p.l_sq, h.histogram)
    ) AS m(metric, n, sum, sum_sq, histogram)
    WHERE m.n > 0
  ),
  rolled AS (${UPSERT})`;
}

/**
 * The same for interactions (`RETURNING experiment_id, variant, latency_ms,
 * cost_usd`): LATENCY (with its sketch) and COST.
 */
export function interactionRollupCtes(source: string): string {
  return `
  per_variant AS (
    SELECT experiment_id, variant,
      count(latency_ms) AS l_n, sum(latency_ms) AS l_sum, sum(latency_ms * latency_ms) AS l_sq,
      count(cost_usd) AS c_n, sum(cost_usd) AS c_sum, sum(cost_usd * cost_usd) AS c_sq
    FROM ${source} WHERE experiment_id IS NOT NULL GROUP BY experiment_id, variant
  ),
  ${latencyHistogram(source, 'latency_ms')},
  metrics AS (
    SELECT p.experiment_id, p.variant, m.metric, m.n, m.sum, m.sum_sq, m.histogram
    FROM per_variant p LEFT JOIN latency_sketch h ON h.experiment_id = p.experiment_id AND h.variant = p.variant
    CROSS JOIN LATERAL (VALUES
      ('LATENCY', p.l_n, p.l_sum, p.l_sq, h.histogram),
      ('COST', p.c_n, p.c_sum, p.c_sq, NULL::bigint[])
    ) AS m(metric, n, sum, sum_sq, histogram)
    WHERE m.n > 0
  ),
  rolled AS (${UPSERT})`;
}
