import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A run's tag: mutable, also after the run ended (annotations such as `reviewed`). */
@Entity({ name: 'run_tag' })
export class RunTagEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  value!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
