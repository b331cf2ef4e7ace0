import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ModelStage } from './model-version.entity';

export type ModelRegistryEventKind = 'ALIAS_SET' | 'ALIAS_DELETED' | 'STAGE_TRANSITION';

/**
 * One alias move (set or deleted) or stage transition of a model's versions:
 * append-only history, the source of `aliasAt` time travel.
 */
@Entity({ name: 'model_registry_event' })
export class ModelRegistryEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId!: string;

  @Column({ type: 'text' })
  kind!: ModelRegistryEventKind;

  @Column({ type: 'text', nullable: true })
  alias!: string | null;

  /** The alias's new holder (null when deleted), or the version whose stage changed. */
  @Column({ name: 'version_id', type: 'uuid', nullable: true })
  versionId!: string | null;

  /** The alias's previous holder, if any. */
  @Column({ name: 'previous_version_id', type: 'uuid', nullable: true })
  previousVersionId!: string | null;

  @Column({ name: 'from_stage', type: 'text', nullable: true })
  fromStage!: ModelStage | null;

  @Column({ name: 'to_stage', type: 'text', nullable: true })
  toStage!: ModelStage | null;

  @Column({ type: 'text', nullable: true })
  actor!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;
}
