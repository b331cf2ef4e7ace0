import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Where an alias such as `champion` points now; its moves are in {@link ModelRegistryEventEntity}. */
@Entity({ name: 'model_alias' })
export class ModelAliasEntity {
  @PrimaryColumn({ name: 'model_id', type: 'uuid' })
  modelId!: string;

  @PrimaryColumn({ type: 'text' })
  alias!: string;

  @Column({ name: 'version_id', type: 'uuid' })
  versionId!: string;

  @Column({ name: 'updated_by', type: 'text', nullable: true })
  updatedBy!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
