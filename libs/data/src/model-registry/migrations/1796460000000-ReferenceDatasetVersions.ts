import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lineage (issue 6): a model version's and a run's `dataset_version_id` now
 * reference the feedback module's immutable `dataset_version` rows, so a model
 * can never claim to be trained on a dataset version that does not exist.
 * Indexed for `DatasetVersion.models` / `DatasetVersion.runs` (and the foreign
 * key checks). Dataset versions are new in the same release (1796450000000),
 * so no earlier row can point at one.
 */
export class ReferenceDatasetVersions1796460000000 implements MigrationInterface {
  name = 'ReferenceDatasetVersions1796460000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE model_version ADD CONSTRAINT fk_model_version_dataset_version
      FOREIGN KEY (dataset_version_id) REFERENCES dataset_version (id) ON DELETE RESTRICT`);
    await q.query(`ALTER TABLE run ADD CONSTRAINT fk_run_dataset_version
      FOREIGN KEY (dataset_version_id) REFERENCES dataset_version (id) ON DELETE RESTRICT`);
    await q.query(`CREATE INDEX ix_model_version_dataset_version ON model_version (dataset_version_id) WHERE dataset_version_id IS NOT NULL`);
    await q.query(`CREATE INDEX ix_run_dataset_version ON run (dataset_version_id) WHERE dataset_version_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_run_dataset_version`);
    await q.query(`DROP INDEX ix_model_version_dataset_version`);
    await q.query(`ALTER TABLE run DROP CONSTRAINT fk_run_dataset_version`);
    await q.query(`ALTER TABLE model_version DROP CONSTRAINT fk_model_version_dataset_version`);
  }
}
