import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ModelConfig } from '@flywheel/core';
import { PromptEntity } from './prompt.entity';

/** An immutable, content-addressed version of a prompt. */
@Entity({ name: 'prompt_version' })
@Index('uq_prompt_version_number', ['promptId', 'number'], { unique: true })
@Index('uq_prompt_version_hash', ['promptId', 'hash'], { unique: true })
export class PromptVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'prompt_id', type: 'uuid' })
  promptId!: string;

  @ManyToOne(() => PromptEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'prompt_id' })
  prompt?: PromptEntity;

  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'char', length: 64 })
  hash!: string;

  @Column({ type: 'text' })
  template!: string;

  @Column({ type: 'text', array: true })
  variables!: string[];

  @Column({ name: 'model_config', type: 'jsonb' })
  modelConfig!: ModelConfig;

  @Column({ type: 'jsonb', nullable: true })
  metadata!: unknown;

  @Column({ name: 'commit_message', type: 'text', nullable: true })
  commitMessage!: string | null;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
