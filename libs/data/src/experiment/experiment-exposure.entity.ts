import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A unit's first exposure to an experiment (table `experiment_exposure`); later ones are not kept. */
@Entity({ name: 'experiment_exposure' })
@Index('ix_experiment_exposure_variant', ['experimentId', 'variantKey', 'forced'])
export class ExperimentExposureEntity {
  @PrimaryColumn({ name: 'experiment_id', type: 'uuid' })
  experimentId!: string;

  @PrimaryColumn({ name: 'unit_id', type: 'text' })
  unitId!: string;

  @Column({ name: 'variant_key', type: 'text' })
  variantKey!: string;

  /** A QA override: excluded from the analysis. */
  @Column({ type: 'boolean', default: false })
  forced!: boolean;

  @Column({ name: 'exposed_at', type: 'timestamptz', default: () => 'now()' })
  exposedAt!: Date;
}
