import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Feedback ingestion: interactions (request/response pairs), feedback keyed by
 * an idempotency key, and per-variant rollups of sufficient statistics kept in
 * the same statement as each insert, so results cost O(variants), not O(rows).
 *
 * No foreign keys into the experiment tables: the service validates the
 * experiment and variant before inserting, and an FK would make every ingest
 * lock the experiment's rows (KEY SHARE) on the hot path.
 */
export class CreateFeedback1796420000000 implements MigrationInterface {
  name = 'CreateFeedback1796420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE interaction (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        request_id        text NOT NULL,
        experiment_id     uuid,
        variant           text,
        prompt_version_id uuid REFERENCES prompt_version (id) ON DELETE RESTRICT,
        model_version_id  uuid,
        unit_id           text,
        input             jsonb,
        output            text,
        latency_ms        double precision CHECK (latency_ms >= 0),
        cost_usd          double precision CHECK (cost_usd >= 0),
        input_tokens      integer CHECK (input_tokens >= 0),
        output_tokens     integer CHECK (output_tokens >= 0),
        metadata          jsonb,
        created_by        text,
        created_at        timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_interaction_request UNIQUE (request_id),
        CONSTRAINT ck_interaction_variant CHECK ((experiment_id IS NULL) = (variant IS NULL))
      )`);
    await q.query(`CREATE INDEX ix_interaction_experiment ON interaction (experiment_id, variant) WHERE experiment_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE feedback (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        idempotency_key text NOT NULL,
        request_id      text NOT NULL,
        experiment_id   uuid,
        variant         text,
        rating          smallint CHECK (rating BETWEEN 1 AND 5),
        score           double precision,
        thumbs          boolean,
        feedback_text   text,
        latency_ms      double precision CHECK (latency_ms >= 0),
        source          text NOT NULL CHECK (source IN ('USER', 'LLM_JUDGE', 'ANNOTATOR')),
        created_by      text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_feedback_idempotency_key UNIQUE (idempotency_key),
        CONSTRAINT ck_feedback_variant CHECK ((experiment_id IS NULL) = (variant IS NULL))
      )`);
    await q.query(`CREATE INDEX ix_feedback_request ON feedback (request_id)`);
    // No index on (experiment_id, variant): results read the rollups, and every index costs ingestion.
    // One row per (experiment, variant, metric): count, sum and sum of squares
    // (libs/core MomentStats), and a histogram where the metric has one
    // (ratings 1..5, thumbs down/up, log-spaced latency buckets).
    await q.query(`
      CREATE TABLE feedback_rollup (
        experiment_id uuid NOT NULL,
        variant       text NOT NULL,
        metric        text NOT NULL CHECK (metric IN ('RATING', 'SCORE', 'THUMBS', 'LATENCY', 'COST', 'FEEDBACK_LATENCY')),
        n             bigint NOT NULL,
        sum           double precision NOT NULL,
        sum_sq        double precision NOT NULL,
        histogram     bigint[],
        updated_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (experiment_id, variant, metric)
      )`);
    // Latency sketch bucket (1-based): 1 for x < 1 ms, then 2 + floor(ln x / ln γ)
    // with γ = 1.05/0.95 (DDSketch, relative error ≤ 5 %), capped at 154 (values ≥ γ^152 ≈ 67 min share the last bucket).
    // Mirrored in apps/feedback/src/services/latency-sketch.ts.
    await q.query(`
      CREATE FUNCTION feedback_latency_bucket(x double precision) RETURNS integer
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN x IS NULL THEN NULL
                    WHEN x < 1 THEN 1
                    ELSE least(154, 2 + floor(ln(x) / ln(1.05::float8 / 0.95::float8))::integer) END
      $$`);
    // Builds a histogram array from (bucket, count) pairs: the aggregate runs once
    // per distinct bucket of a statement's rows, not once per row.
    await q.query(`
      CREATE FUNCTION feedback_histogram_step(state bigint[], bucket integer, count bigint, size integer) RETURNS bigint[]
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
      BEGIN
        IF bucket IS NULL THEN RETURN state; END IF;
        IF state IS NULL THEN state := array_fill(0::bigint, ARRAY[size]); END IF;
        state[bucket] := state[bucket] + count;
        RETURN state;
      END $$`);
    await q.query(`CREATE AGGREGATE feedback_histogram(integer, bigint, integer) (SFUNC = feedback_histogram_step, STYPE = bigint[])`);
    // Element-wise sum of two histograms (NULL is the empty histogram).
    await q.query(`
      CREATE FUNCTION feedback_add_histograms(a bigint[], b bigint[]) RETURNS bigint[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a
          ELSE ARRAY(SELECT coalesce(a[i], 0) + coalesce(b[i], 0) FROM generate_series(1, greatest(cardinality(a), cardinality(b))) AS i) END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION feedback_add_histograms(bigint[], bigint[])`);
    await q.query(`DROP AGGREGATE feedback_histogram(integer, bigint, integer)`);
    await q.query(`DROP FUNCTION feedback_histogram_step(bigint[], integer, bigint, integer)`);
    await q.query(`DROP FUNCTION feedback_latency_bucket(double precision)`);
    await q.query(`DROP TABLE feedback_rollup`);
    await q.query(`DROP TABLE feedback`);
    await q.query(`DROP TABLE interaction`);
  }
}
