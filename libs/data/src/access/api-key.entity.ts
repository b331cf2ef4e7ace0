import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An API key. Only a salted hash of the secret is stored; the secret is shown once, at creation. */
@Entity({ name: 'api_key' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  role!: string;

  /** First 16 hex of sha256(secret): finds the row without storing anything that verifies the secret. */
  @Column({ name: 'lookup', type: 'text', unique: true })
  lookup!: string;

  @Column({ type: 'bytea' })
  salt!: Buffer;

  /** sha256(salt ‖ secret). */
  @Column({ name: 'secret_hash', type: 'bytea' })
  secretHash!: Buffer;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
