import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A named model in the registry: the stable identity its numbered versions hang from. */
@Entity({ name: 'registered_model' })
export class RegisteredModelEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('uq_registered_model_name', { unique: true })
  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** Tag key → value. */
  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  tags!: Record<string, string>;

  /** The highest version number handed out; bumped under the row lock so numbers stay gap-free. */
  @Column({ name: 'version_count', type: 'integer', default: 0 })
  versionCount!: number;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
