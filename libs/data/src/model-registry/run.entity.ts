import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

/** One tracked run (MLflow's run): params, metrics, tags and artifacts hang from it. */
@Entity({ name: 'run' })
@Index('ix_run_project_started', ['project', 'startedAt', 'id'])
export class RunEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  project!: string;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  @Column({ type: 'text', default: 'RUNNING' })
  status!: RunStatus;

  /** The prompt version evaluated (foreign key to prompt_version: versions are immutable). */
  @Column({ name: 'prompt_version_id', type: 'uuid', nullable: true })
  promptVersionId!: string | null;

  /** The A/B experiment this run belongs to, if any (owned by the experiment subgraph). */
  @Column({ name: 'experiment_id', type: 'uuid', nullable: true })
  experimentId!: string | null;

  /** The dataset version it evaluated on (foreign key to dataset_version, migration 1796460000000). */
  @Column({ name: 'dataset_version_id', type: 'uuid', nullable: true })
  datasetVersionId!: string | null;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;
}
