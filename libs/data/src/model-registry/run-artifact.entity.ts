import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A text artifact of a run (up to 1 MiB of UTF-8), e.g. the prompt template it evaluated. */
@Entity({ name: 'run_artifact' })
export class RunArtifactEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @PrimaryColumn({ type: 'text' })
  path!: string;

  @Column({ type: 'text' })
  text!: string;

  /** Size in bytes of the UTF-8 text. */
  @Column({ type: 'integer' })
  size!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
