import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One piece of feedback, stored once per idempotency key. Written by raw multi-row SQL in the feedback service. */
@Entity({ name: 'feedback' })
@Index('uq_feedback_idempotency_key', ['idempotencyKey'], { unique: true })
@Index('ix_feedback_request', ['requestId'])
export class FeedbackEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey!: string;

  @Column({ name: 'request_id', type: 'text' })
  requestId!: string;

  @Column({ name: 'experiment_id', type: 'uuid', nullable: true })
  experimentId!: string | null;

  @Column({ type: 'text', nullable: true })
  variant!: string | null;

  @Column({ type: 'smallint', nullable: true })
  rating!: number | null;

  @Column({ type: 'double precision', nullable: true })
  score!: number | null;

  @Column({ type: 'boolean', nullable: true })
  thumbs!: boolean | null;

  @Column({ name: 'feedback_text', type: 'text', nullable: true })
  feedbackText!: string | null;

  @Column({ name: 'latency_ms', type: 'double precision', nullable: true })
  latencyMs!: number | null;

  @Column({ type: 'text' })
  source!: 'USER' | 'LLM_JUDGE' | 'ANNOTATOR';

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
