import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A run's parameter: immutable once logged (a different value for the key is a conflict). */
@Entity({ name: 'run_param' })
export class RunParamEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  value!: string;
}
