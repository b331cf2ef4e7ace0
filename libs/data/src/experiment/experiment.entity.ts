import { Column, CreateDateColumn, Entity, Generated, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Lifecycle states of an experiment: DRAFT → RUNNING ⇄ PAUSED → COMPLETED. */
export type ExperimentStatusValue = 'DRAFT' | 'RUNNING' | 'PAUSED' | 'COMPLETED';

/** An A/B test over prompt and model variants (table `experiment`). */
@Entity({ name: 'experiment' })
@Index('ix_experiment_status', ['status', 'seq'])
export class ExperimentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Creation order, for newest-first cursors (an identity column in the migration). */
  @Column({ type: 'bigint', unique: true, generatedIdentity: 'ALWAYS' })
  @Generated('increment')
  seq!: string;

  @Column({ type: 'text', unique: true })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'text', default: 'DRAFT' })
  status!: ExperimentStatusValue;

  /** Fixed at creation (default: the name) so that renaming never reshuffles units. */
  @Column({ type: 'text' })
  salt!: string;

  @Column({ name: 'traffic_allocation', type: 'double precision', default: 1 })
  trafficAllocation!: number;

  @Column({ name: 'layer_name', type: 'text', nullable: true })
  layerName!: string | null;

  @Column({ name: 'layer_start', type: 'double precision', nullable: true })
  layerStart!: number | null;

  @Column({ name: 'layer_end', type: 'double precision', nullable: true })
  layerEnd!: number | null;

  /** The winning variant's key, set when completed with a roll-out. */
  @Column({ type: 'text', nullable: true })
  winner!: string | null;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;
}
