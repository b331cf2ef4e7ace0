import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Spreads each rollup over 16 shard rows. Every ingestion transaction updated
 * the same few rows of its experiment (one per variant and metric), so
 * concurrent single-event writers queued on those row locks; now each database
 * connection writes the shard `pg_backend_pid() % 16`, and readers sum the
 * shards through the `feedback_rollup_total` view (still O(variants)).
 */
export class ShardFeedbackRollups1796421000000 implements MigrationInterface {
  name = 'ShardFeedbackRollups1796421000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE feedback_rollup ADD COLUMN shard smallint NOT NULL DEFAULT 0 CHECK (shard BETWEEN 0 AND 15)`);
    await q.query(`ALTER TABLE feedback_rollup DROP CONSTRAINT feedback_rollup_pkey`);
    await q.query(`ALTER TABLE feedback_rollup ADD PRIMARY KEY (experiment_id, variant, metric, shard)`);
    await q.query(`CREATE AGGREGATE feedback_sum_histograms(bigint[]) (SFUNC = feedback_add_histograms, STYPE = bigint[])`);
    await q.query(`
      CREATE VIEW feedback_rollup_total AS
      SELECT experiment_id, variant, metric, sum(n)::bigint AS n, sum(sum) AS sum, sum(sum_sq) AS sum_sq,
             feedback_sum_histograms(histogram) AS histogram, max(updated_at) AS updated_at
      FROM feedback_rollup GROUP BY experiment_id, variant, metric`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Fold the shards back into one row per key before the column goes.
    await q.query(`CREATE TEMPORARY TABLE feedback_rollup_merged AS SELECT * FROM feedback_rollup_total`);
    await q.query(`DROP VIEW feedback_rollup_total`);
    await q.query(`DELETE FROM feedback_rollup`);
    await q.query(`ALTER TABLE feedback_rollup DROP CONSTRAINT feedback_rollup_pkey`);
    await q.query(`ALTER TABLE feedback_rollup DROP COLUMN shard`);
    await q.query(`ALTER TABLE feedback_rollup ADD PRIMARY KEY (experiment_id, variant, metric)`);
    await q.query(`
      INSERT INTO feedback_rollup (experiment_id, variant, metric, n, sum, sum_sq, histogram, updated_at)
      SELECT experiment_id, variant, metric, n, sum, sum_sq, histogram, updated_at FROM feedback_rollup_merged`);
    await q.query(`DROP TABLE feedback_rollup_merged`);
    await q.query(`DROP AGGREGATE feedback_sum_histograms(bigint[])`);
  }
}
