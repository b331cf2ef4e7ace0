import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The data flywheel (issue 6): named datasets, their immutable, content-hashed
 * versions, and the items of each version. An item is a self-contained
 * snapshot of one interaction with a summary of its feedback and its
 * provenance (prompt version + hash, model version, experiment, variant,
 * feedback ids), so later changes elsewhere never alter a version.
 *
 * No foreign key from items to `interaction`: a snapshot must outlive any
 * retention of the raw interactions; `key` (the interaction id) links back.
 * Versions and items are immutable once committed: triggers refuse updates
 * and deletes (a version's hash and count are written once, in the
 * transaction that creates it). Model-registry rows reference dataset
 * versions by foreign key (migration 1796460000000).
 */
export class CreateDatasets1796450000000 implements MigrationInterface {
  name = 'CreateDatasets1796450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dataset (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name        text NOT NULL,
        description text,
        created_by  text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_dataset_name UNIQUE (name)
      )`);
    await q.query(`
      CREATE TABLE dataset_version (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dataset_id uuid NOT NULL REFERENCES dataset (id) ON DELETE RESTRICT,
        version    integer NOT NULL CHECK (version > 0),
        hash       char(64),
        item_count integer NOT NULL DEFAULT 0 CHECK (item_count >= 0),
        filter     jsonb NOT NULL,
        parent_id  uuid REFERENCES dataset_version (id) ON DELETE RESTRICT,
        change     jsonb,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_dataset_version_number UNIQUE (dataset_id, version)
      )`);
    await q.query(`
      CREATE TABLE dataset_item (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dataset_version_id  uuid NOT NULL REFERENCES dataset_version (id) ON DELETE RESTRICT,
        position            integer NOT NULL CHECK (position > 0),
        key                 uuid NOT NULL,
        request_id          text NOT NULL,
        input               jsonb,
        output              text,
        expected_output     text,
        feedback            jsonb NOT NULL,
        feedback_ids        uuid[] NOT NULL,
        prompt_version_id   uuid,
        prompt_version_hash char(64),
        model_version_id    uuid,
        experiment_id       uuid,
        variant             text,
        CONSTRAINT uq_dataset_item_position UNIQUE (dataset_version_id, position),
        CONSTRAINT uq_dataset_item_key UNIQUE (dataset_version_id, key)
      )`);
    // Versions are written once: the hash and count are filled in by the transaction that inserted the row.
    await q.query(`
      CREATE FUNCTION dataset_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR OLD.hash IS NOT NULL THEN
          RAISE EXCEPTION 'dataset versions are immutable (version %)', OLD.id USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER tg_dataset_version_immutable BEFORE UPDATE OR DELETE ON dataset_version FOR EACH ROW EXECUTE FUNCTION dataset_version_immutable()`);
    await q.query(`
      CREATE FUNCTION dataset_item_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'dataset items are immutable: edits make a new version' USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`CREATE TRIGGER tg_dataset_item_immutable BEFORE UPDATE OR DELETE ON dataset_item FOR EACH ROW EXECUTE FUNCTION dataset_item_immutable()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dataset_item`);
    await q.query(`DROP TABLE dataset_version`);
    await q.query(`DROP TABLE dataset`);
    await q.query(`DROP FUNCTION dataset_item_immutable()`);
    await q.query(`DROP FUNCTION dataset_version_immutable()`);
  }
}
