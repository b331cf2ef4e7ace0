import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Version n of a dataset: an immutable snapshot with a content hash over its
 * items, the filter that selected them, and the version it was derived from
 * (for edits). Model versions and runs reference it by foreign key.
 */
@Entity({ name: 'dataset_version' })
@Index('uq_dataset_version_number', ['datasetId', 'version'], { unique: true })
export class DatasetVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId!: string;

  @Column({ type: 'integer' })
  version!: number;

  /** sha256 of the canonical JSON of the items; written once, in the creating transaction. */
  @Column({ type: 'char', length: 64, nullable: true })
  hash!: string | null;

  @Column({ name: 'item_count', type: 'integer', default: 0 })
  itemCount!: number;

  @Column({ type: 'jsonb' })
  filter!: unknown;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  /** What an edit changed (null for a snapshot taken by a filter). */
  @Column({ type: 'jsonb', nullable: true })
  change!: unknown;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
