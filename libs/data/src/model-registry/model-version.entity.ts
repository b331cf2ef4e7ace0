import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { RegisteredModelEntity } from './registered-model.entity';
import { RunEntity } from './run.entity';

/** The stages of MLflow's registry, kept beside aliases because users still work with them. */
export type ModelStage = 'NONE' | 'STAGING' | 'PRODUCTION' | 'ARCHIVED';

/** Version n (1, 2, 3 … gap-free) of a registered model: where its weights are and how it was made. */
@Entity({ name: 'model_version' })
@Index('uq_model_version_number', ['modelId', 'version'], { unique: true })
export class ModelVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId!: string;

  @ManyToOne(() => RegisteredModelEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'model_id' })
  model?: RegisteredModelEntity;

  @Column({ type: 'integer' })
  version!: number;

  /** URI of the weights or the provider's model id, e.g. `openai:gpt-4o-mini-2024-07-18`. */
  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text', nullable: true })
  provider!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  parameters!: unknown;

  @Column({ name: 'run_id', type: 'uuid', nullable: true })
  runId!: string | null;

  @ManyToOne(() => RunEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'run_id' })
  run?: RunEntity | null;

  /** The dataset version it was trained on (foreign key to dataset_version, migration 1796460000000: versions are immutable). */
  @Column({ name: 'dataset_version_id', type: 'uuid', nullable: true })
  datasetVersionId!: string | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  tags!: Record<string, string>;

  @Column({ type: 'text', default: 'NONE' })
  stage!: ModelStage;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
