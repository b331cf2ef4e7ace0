import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Where a label such as `production` points now; its moves are in {@link PromptLabelEventEntity}. */
@Entity({ name: 'prompt_label' })
export class PromptLabelEntity {
  @PrimaryColumn({ name: 'prompt_id', type: 'uuid' })
  promptId!: string;

  @PrimaryColumn({ type: 'text' })
  label!: string;

  @Column({ name: 'version_id', type: 'uuid' })
  versionId!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
