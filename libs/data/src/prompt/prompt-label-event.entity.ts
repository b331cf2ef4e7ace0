import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One move of a prompt label: append-only history. */
@Entity({ name: 'prompt_label_event' })
@Index('ix_prompt_label_event_prompt', ['promptId', 'label', 'movedAt'])
export class PromptLabelEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'prompt_id', type: 'uuid' })
  promptId!: string;

  @Column({ type: 'text' })
  label!: string;

  @Column({ name: 'from_version_id', type: 'uuid', nullable: true })
  fromVersionId!: string | null;

  @Column({ name: 'to_version_id', type: 'uuid' })
  toVersionId!: string;

  @Column({ name: 'moved_by', type: 'text', nullable: true })
  movedBy!: string | null;

  @CreateDateColumn({ name: 'moved_at', type: 'timestamptz' })
  movedAt!: Date;
}
