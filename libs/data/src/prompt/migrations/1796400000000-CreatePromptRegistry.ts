import { MigrationInterface, QueryRunner } from 'typeorm';

/** The prompt registry: prompts, their immutable versions, labels and the labels' history. */
export class CreatePromptRegistry1796400000000 implements MigrationInterface {
  name = 'CreatePromptRegistry1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE prompt (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name          text NOT NULL,
        description   text,
        version_count integer NOT NULL DEFAULT 0,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_prompt_name UNIQUE (name)
      )`);
    await q.query(`
      CREATE TABLE prompt_version (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        prompt_id      uuid NOT NULL REFERENCES prompt (id) ON DELETE RESTRICT,
        number         integer NOT NULL CHECK (number > 0),
        hash           char(64) NOT NULL,
        template       text NOT NULL,
        variables      text[] NOT NULL,
        model_config   jsonb NOT NULL,
        metadata       jsonb,
        commit_message text,
        created_by     text,
        created_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_prompt_version_number UNIQUE (prompt_id, number),
        CONSTRAINT uq_prompt_version_hash UNIQUE (prompt_id, hash)
      )`);
    await q.query(`
      CREATE TABLE prompt_label (
        prompt_id  uuid NOT NULL REFERENCES prompt (id) ON DELETE RESTRICT,
        label      text NOT NULL,
        version_id uuid NOT NULL REFERENCES prompt_version (id) ON DELETE RESTRICT,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (prompt_id, label)
      )`);
    await q.query(`
      CREATE TABLE prompt_label_event (
        id              bigserial PRIMARY KEY,
        prompt_id       uuid NOT NULL REFERENCES prompt (id) ON DELETE RESTRICT,
        label           text NOT NULL,
        from_version_id uuid REFERENCES prompt_version (id) ON DELETE RESTRICT,
        to_version_id   uuid NOT NULL REFERENCES prompt_version (id) ON DELETE RESTRICT,
        moved_by        text,
        moved_at        timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX ix_prompt_label_event_prompt ON prompt_label_event (prompt_id, label, moved_at)`);
    // Label history is append-only: refuse updates and deletes at the database.
    await q.query(`
      CREATE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER prompt_label_event_append_only BEFORE UPDATE OR DELETE ON prompt_label_event
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE prompt_label_event`);
    await q.query(`DROP FUNCTION refuse_history_change()`);
    await q.query(`DROP TABLE prompt_label`);
    await q.query(`DROP TABLE prompt_version`);
    await q.query(`DROP TABLE prompt`);
  }
}
