import { MigrationInterface, QueryRunner } from 'typeorm';

// Every timestamp this module writes is truncated to milliseconds: GraphQL's
// DateTime carries milliseconds, so a time read from the API and sent back (to
// `aliasAt`, or as a pagination cursor) names exactly the stored instant.
const NOW_MS = `date_trunc('milliseconds', clock_timestamp())`;

/**
 * The model registry and run tracking: registered models, their numbered
 * versions, aliases, the append-only history of alias moves and stage
 * transitions, and MLflow-style runs with params, metrics, tags and text artifacts.
 */
export class CreateModelRegistry1796430000000 implements MigrationInterface {
  name = 'CreateModelRegistry1796430000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE run (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project            text NOT NULL,
        name               text,
        status             text NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'FINISHED', 'FAILED', 'KILLED')),
        prompt_version_id  uuid REFERENCES prompt_version (id) ON DELETE RESTRICT,
        experiment_id      uuid,
        dataset_version_id uuid,
        created_by         text,
        started_at         timestamptz NOT NULL DEFAULT ${NOW_MS},
        ended_at           timestamptz,
        CONSTRAINT ck_run_ended CHECK ((status = 'RUNNING') = (ended_at IS NULL))
      )`);
    await q.query(`CREATE INDEX ix_run_project_started ON run (project, started_at DESC, id DESC)`);
    await q.query(`CREATE INDEX ix_run_prompt_version ON run (prompt_version_id) WHERE prompt_version_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE run_param (
        run_id uuid NOT NULL REFERENCES run (id) ON DELETE RESTRICT,
        key    text NOT NULL,
        value  text NOT NULL,
        PRIMARY KEY (run_id, key)
      )`);
    await q.query(`
      CREATE TABLE run_metric (
        id        bigserial PRIMARY KEY,
        run_id    uuid NOT NULL REFERENCES run (id) ON DELETE RESTRICT,
        key       text NOT NULL,
        value     double precision NOT NULL,
        step      integer NOT NULL DEFAULT 0,
        timestamp timestamptz NOT NULL DEFAULT ${NOW_MS}
      )`);
    // Serves both the history of one key (ascending) and the latest value per key (descending scan).
    await q.query(`CREATE INDEX ix_run_metric_key_step ON run_metric (run_id, key, step, timestamp, id)`);
    await q.query(`
      CREATE TABLE run_tag (
        run_id     uuid NOT NULL REFERENCES run (id) ON DELETE RESTRICT,
        key        text NOT NULL,
        value      text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT ${NOW_MS},
        PRIMARY KEY (run_id, key)
      )`);
    await q.query(`
      CREATE TABLE run_artifact (
        run_id     uuid NOT NULL REFERENCES run (id) ON DELETE RESTRICT,
        path       text NOT NULL,
        text       text NOT NULL,
        size       integer NOT NULL CHECK (size >= 0),
        created_at timestamptz NOT NULL DEFAULT ${NOW_MS},
        PRIMARY KEY (run_id, path)
      )`);

    await q.query(`
      CREATE TABLE registered_model (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name          text NOT NULL,
        description   text,
        tags          jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(tags) = 'object'),
        version_count integer NOT NULL DEFAULT 0,
        created_by    text,
        created_at    timestamptz NOT NULL DEFAULT ${NOW_MS},
        updated_at    timestamptz NOT NULL DEFAULT ${NOW_MS},
        CONSTRAINT uq_registered_model_name UNIQUE (name)
      )`);
    await q.query(`CREATE INDEX ix_registered_model_tags ON registered_model USING gin (tags jsonb_path_ops)`);
    await q.query(`
      CREATE TABLE model_version (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model_id           uuid NOT NULL REFERENCES registered_model (id) ON DELETE RESTRICT,
        version            integer NOT NULL CHECK (version > 0),
        source             text NOT NULL,
        provider           text,
        parameters         jsonb,
        run_id             uuid REFERENCES run (id) ON DELETE RESTRICT,
        dataset_version_id uuid,
        description        text,
        tags               jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(tags) = 'object'),
        stage              text NOT NULL DEFAULT 'NONE' CHECK (stage IN ('NONE', 'STAGING', 'PRODUCTION', 'ARCHIVED')),
        created_by         text,
        created_at         timestamptz NOT NULL DEFAULT ${NOW_MS},
        updated_at         timestamptz NOT NULL DEFAULT ${NOW_MS},
        CONSTRAINT uq_model_version_number UNIQUE (model_id, version)
      )`);
    await q.query(`CREATE INDEX ix_model_version_run ON model_version (run_id) WHERE run_id IS NOT NULL`);
    await q.query(`CREATE INDEX ix_model_version_stage ON model_version (model_id, stage)`);
    await q.query(`
      CREATE TABLE model_alias (
        model_id   uuid NOT NULL REFERENCES registered_model (id) ON DELETE RESTRICT,
        alias      text NOT NULL,
        version_id uuid NOT NULL REFERENCES model_version (id) ON DELETE RESTRICT,
        updated_by text,
        updated_at timestamptz NOT NULL DEFAULT ${NOW_MS},
        PRIMARY KEY (model_id, alias)
      )`);
    await q.query(`CREATE INDEX ix_model_alias_version ON model_alias (version_id)`);
    // One row per alias move (set or deleted) and per stage transition; never rewritten.
    await q.query(`
      CREATE TABLE model_registry_event (
        id                  bigserial PRIMARY KEY,
        model_id            uuid NOT NULL REFERENCES registered_model (id) ON DELETE RESTRICT,
        kind                text NOT NULL CHECK (kind IN ('ALIAS_SET', 'ALIAS_DELETED', 'STAGE_TRANSITION')),
        alias               text,
        version_id          uuid REFERENCES model_version (id) ON DELETE RESTRICT,
        previous_version_id uuid REFERENCES model_version (id) ON DELETE RESTRICT,
        from_stage          text,
        to_stage            text,
        actor               text,
        occurred_at         timestamptz NOT NULL DEFAULT ${NOW_MS},
        CONSTRAINT ck_model_registry_event_shape CHECK (
          (kind = 'ALIAS_SET' AND alias IS NOT NULL AND version_id IS NOT NULL AND from_stage IS NULL AND to_stage IS NULL)
          OR (kind = 'ALIAS_DELETED' AND alias IS NOT NULL AND version_id IS NULL AND previous_version_id IS NOT NULL AND from_stage IS NULL AND to_stage IS NULL)
          OR (kind = 'STAGE_TRANSITION' AND alias IS NULL AND version_id IS NOT NULL AND previous_version_id IS NULL AND from_stage IS NOT NULL AND to_stage IS NOT NULL)
        )
      )`);
    await q.query(`CREATE INDEX ix_model_registry_event_alias ON model_registry_event (model_id, alias, occurred_at, id) WHERE alias IS NOT NULL`);
    await q.query(`CREATE INDEX ix_model_registry_event_model ON model_registry_event (model_id, id)`);
    // History is append-only (refuse_history_change() comes from the prompt registry's migration).
    await q.query(`
      CREATE TRIGGER model_registry_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON model_registry_event
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE model_registry_event`);
    await q.query(`DROP TABLE model_alias`);
    await q.query(`DROP TABLE model_version`);
    await q.query(`DROP TABLE registered_model`);
    await q.query(`DROP TABLE run_artifact`);
    await q.query(`DROP TABLE run_tag`);
    await q.query(`DROP TABLE run_metric`);
    await q.query(`DROP TABLE run_param`);
    await q.query(`DROP TABLE run`);
  }
}
