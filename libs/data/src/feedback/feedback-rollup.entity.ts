import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * Sufficient statistics of one metric of one variant (n, sum, sum of squares,
 * and a histogram for ratings, thumbs and latency), maintained in the same
 * statement as every insert of feedback or interactions.
 */
@Entity({ name: 'feedback_rollup' })
export class FeedbackRollupEntity {
  @PrimaryColumn({ name: 'experiment_id', type: 'uuid' })
  experimentId!: string;

  @PrimaryColumn({ type: 'text' })
  variant!: string;

  @PrimaryColumn({ type: 'text' })
  metric!: 'RATING' | 'SCORE' | 'THUMBS' | 'LATENCY' | 'COST' | 'FEEDBACK_LATENCY';

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
