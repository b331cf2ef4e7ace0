import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One lifecycle event of an experiment (table `experiment_event`): append-only history. */
@Entity({ name: 'experiment_event' })
@Index('ix_experiment_event_experiment', ['experimentId', 'id'])
export class ExperimentEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'experiment_id', type: 'uuid' })
  experimentId!: string;

  /** CREATED, UPDATED, STARTED, PAUSED, RESUMED, COMPLETED, FORCED or UNFORCED. */
  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'text' })
  toStatus!: string;

  @Column({ type: 'jsonb', nullable: true })
  details!: unknown;

  @Column({ type: 'text', nullable: true })
  actor!: string | null;

  @CreateDateColumn({ name: 'at', type: 'timestamptz' })
  at!: Date;
}
