import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One mutation, as the gateway saw it: append-only. */
@Entity({ name: 'audit_event' })
export class AuditEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @CreateDateColumn({ name: 'at', type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'key_id', type: 'text', nullable: true })
  keyId!: string | null;

  @Column({ name: 'actor', type: 'text', nullable: true })
  actor!: string | null;

  @Column({ name: 'role', type: 'text', nullable: true })
  role!: string | null;

  /** The mutation field, e.g. `registerPrompt`. */
  @Column({ type: 'text' })
  operation!: string;

  /** Its arguments, with secrets redacted and long values shortened. */
  @Column({ type: 'jsonb' })
  target!: unknown;

  @Column({ type: 'boolean' })
  success!: boolean;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;
}
