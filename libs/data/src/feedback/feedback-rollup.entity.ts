import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * Sufficient statistics of one metric of one variant (n, sum, sum of squares,
 * and a histogram for ratings, thumbs and latency), maintained in the same
 * statement as every insert of feedback or interactions. Each key is spread
 * over 16 shard rows (one per group of database connections) so that
 * concurrent writers do not queue on one row lock; `feedback_rollup_total`
 * sums them.
 */
@Entity({ name: 'feedback_rollup' })
export class FeedbackRollupEntity {
  @PrimaryColumn({ name: 'experiment_id', type: 'uuid' })
  experimentId!: string;

  @PrimaryColumn({ type: 'text' })
  variant!: string;

  @PrimaryColumn({ type: 'text' })
  metric!: 'RATING' | 'SCORE' | 'THUMBS' | 'LATENCY' | 'COST' | 'FEEDBACK_LATENCY';

  /** pg_backend_pid() % 16 of the connection that wrote it. */
  @PrimaryColumn({ type: 'smallint' })
  shard!: number;

  /** bigint: read as a string by `pg`. */
  @Column({ type: 'bigint' })
  n!: string;

  @Column({ type: 'double precision' })
  sum!: number;

  @Column({ name: 'sum_sq', type: 'double precision' })
  sumSq!: number;

  @Column({ type: 'bigint', array: true, nullable: true })
  histogram!: string[] | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
