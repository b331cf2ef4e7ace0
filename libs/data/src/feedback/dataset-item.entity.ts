import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One item of a dataset version: a copy of an interaction with its feedback
 * summary and provenance. `key` (the interaction id) is the same in every
 * version; `id` is new in each. Written by `INSERT … SELECT` in the dataset service.
 */
@Entity({ name: 'dataset_item' })
@Index('uq_dataset_item_position', ['datasetVersionId', 'position'], { unique: true })
@Index('uq_dataset_item_key', ['datasetVersionId', 'key'], { unique: true })
export class DatasetItemEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'dataset_version_id', type: 'uuid' })
  datasetVersionId!: string;

  /** 1, 2, 3 … within the version. */
  @Column({ type: 'integer' })
  position!: number;

  /** The interaction's id: stable across versions. */
  @Column({ type: 'uuid' })
  key!: string;

  @Column({ name: 'request_id', type: 'text' })
  requestId!: string;

  @Column({ type: 'jsonb', nullable: true })
  input!: unknown;

  @Column({ type: 'text', nullable: true })
  output!: string | null;

  @Column({ name: 'expected_output', type: 'text', nullable: true })
  expectedOutput!: string | null;

  @Column({ type: 'jsonb' })
  feedback!: unknown;

  @Column({ name: 'feedback_ids', type: 'uuid', array: true })
  feedbackIds!: string[];

  @Column({ name: 'prompt_version_id', type: 'uuid', nullable: true })
  promptVersionId!: string | null;

  @Column({ name: 'prompt_version_hash', type: 'char', length: 64, nullable: true })
  promptVersionHash!: string | null;

  @Column({ name: 'model_version_id', type: 'uuid', nullable: true })
  modelVersionId!: string | null;

  @Column({ name: 'experiment_id', type: 'uuid', nullable: true })
  experimentId!: string | null;

  @Column({ type: 'text', nullable: true })
  variant!: string | null;
}
