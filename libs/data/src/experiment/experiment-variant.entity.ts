import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One variant of an experiment (table `experiment_variant`); position 0 is the control. */
@Entity({ name: 'experiment_variant' })
@Index('uq_experiment_variant_position', ['experimentId', 'position'], { unique: true })
export class ExperimentVariantEntity {
  @PrimaryColumn({ name: 'experiment_id', type: 'uuid' })
  experimentId!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'integer' })
  position!: number;

  /** Normalised: an experiment's weights sum to 1. */
  @Column({ type: 'double precision' })
  weight!: number;

  /** References prompt_version (immutable rows), enforced by a foreign key. */
  @Column({ name: 'prompt_version_id', type: 'uuid', nullable: true })
  promptVersionId!: string | null;

  /** A model registry version; no foreign key (another module's table). */
  @Column({ name: 'model_version_id', type: 'uuid', nullable: true })
  modelVersionId!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  config!: unknown;
}
