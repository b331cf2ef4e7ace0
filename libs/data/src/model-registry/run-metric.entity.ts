import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One point of a run's metric: the full history is kept; the latest is the highest (step, timestamp). */
@Entity({ name: 'run_metric' })
@Index('ix_run_metric_key_step', ['runId', 'key', 'step', 'timestamp', 'id'])
export class RunMetricEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @Column({ type: 'text' })
  key!: string;

  @Column({ type: 'double precision' })
  value!: number;

  @Column({ type: 'integer', default: 0 })
  step!: number;

  @Column({ type: 'timestamptz' })
  timestamp!: Date;
}
