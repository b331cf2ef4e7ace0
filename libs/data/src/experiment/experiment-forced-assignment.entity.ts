import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A variant forced on one unit for QA (table `experiment_forced_assignment`). */
@Entity({ name: 'experiment_forced_assignment' })
export class ExperimentForcedAssignmentEntity {
  @PrimaryColumn({ name: 'experiment_id', type: 'uuid' })
  experimentId!: string;

  @PrimaryColumn({ name: 'unit_id', type: 'text' })
  unitId!: string;

  @Column({ name: 'variant_key', type: 'text' })
  variantKey!: string;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
