import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A/B experiments: experiments, their variants, first exposures, forced (QA)
 * variants and the lifecycle history.
 *
 * Tables (other modules read some of them; keep names and columns stable):
 * - `experiment`: one A/B test. `salt` is fixed at creation (defaults to the
 *   name) so a rename never reshuffles units; `status` DRAFT → RUNNING ⇄ PAUSED
 *   → COMPLETED; `winner` (a variant key) only when COMPLETED; an optional
 *   layer slice `[layer_start, layer_end)` of `layer_name` makes experiments
 *   of one layer mutually exclusive.
 * - `experiment_variant (experiment_id, key, position, weight, prompt_version_id,
 *   model_version_id, config)`: unique (experiment_id, key); position 0 is the
 *   control; `weight` is normalised (the weights of an experiment sum to 1).
 *   `prompt_version_id` references the immutable prompt_version;
 *   `model_version_id` has no foreign key (the model registry's tables are
 *   another module's, and the reference may precede them).
 * - `experiment_exposure (experiment_id, unit_id, variant_key, forced, exposed_at)`:
 *   a unit's FIRST exposure only, unique (experiment_id, unit_id), written with
 *   `ON CONFLICT DO NOTHING`. `forced` rows (QA overrides) are excluded from
 *   the analysis, e.g. the feedback subgraph's sample-ratio check counts
 *   `WHERE NOT forced GROUP BY variant_key`.
 * - `experiment_forced_assignment (experiment_id, unit_id, variant_key)`: QA
 *   overrides; a unit forced here gets that variant while the experiment runs.
 * - `experiment_event`: append-only lifecycle history (created, updated,
 *   started, paused, resumed, completed, forced, unforced) with who and when.
 */
export class CreateExperiments1796410000000 implements MigrationInterface {
  name = 'CreateExperiments1796410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE experiment (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq                bigint GENERATED ALWAYS AS IDENTITY,
        name               text NOT NULL,
        description        text,
        status             text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'RUNNING', 'PAUSED', 'COMPLETED')),
        salt               text NOT NULL,
        traffic_allocation double precision NOT NULL DEFAULT 1 CHECK (traffic_allocation > 0 AND traffic_allocation <= 1),
        layer_name         text,
        layer_start        double precision,
        layer_end          double precision,
        winner             text,
        created_by         text,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        started_at         timestamptz,
        ended_at           timestamptz,
        CONSTRAINT uq_experiment_name UNIQUE (name),
        CONSTRAINT uq_experiment_seq UNIQUE (seq),
        CONSTRAINT ck_experiment_layer CHECK (
          (layer_name IS NULL AND layer_start IS NULL AND layer_end IS NULL)
          OR (layer_name IS NOT NULL AND layer_start >= 0 AND layer_start < layer_end AND layer_end <= 1)),
        CONSTRAINT ck_experiment_winner CHECK (winner IS NULL OR status = 'COMPLETED')
      )`);
    await q.query(`CREATE INDEX ix_experiment_layer ON experiment (layer_name) WHERE layer_name IS NOT NULL`);
    await q.query(`CREATE INDEX ix_experiment_status ON experiment (status, seq)`);
    await q.query(`
      CREATE TABLE experiment_variant (
        experiment_id     uuid NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
        key               text NOT NULL,
        position          integer NOT NULL CHECK (position >= 0),
        weight            double precision NOT NULL CHECK (weight > 0 AND weight <= 1),
        prompt_version_id uuid REFERENCES prompt_version (id) ON DELETE RESTRICT,
        model_version_id  uuid,
        config            jsonb,
        CONSTRAINT pk_experiment_variant PRIMARY KEY (experiment_id, key),
        CONSTRAINT uq_experiment_variant_position UNIQUE (experiment_id, position)
      )`);
    await q.query(`CREATE INDEX ix_experiment_variant_prompt_version ON experiment_variant (prompt_version_id) WHERE prompt_version_id IS NOT NULL`);
    await q.query(`CREATE INDEX ix_experiment_variant_model_version ON experiment_variant (model_version_id) WHERE model_version_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE experiment_exposure (
        experiment_id uuid NOT NULL,
        unit_id       text NOT NULL,
        variant_key   text NOT NULL,
        forced        boolean NOT NULL DEFAULT false,
        exposed_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_experiment_exposure PRIMARY KEY (experiment_id, unit_id),
        CONSTRAINT fk_experiment_exposure_variant FOREIGN KEY (experiment_id, variant_key)
          REFERENCES experiment_variant (experiment_id, key) ON DELETE RESTRICT
      )`);
    // Per-variant counts (Experiment.exposures, the sample-ratio check) read this index only.
    await q.query(`CREATE INDEX ix_experiment_exposure_variant ON experiment_exposure (experiment_id, variant_key, forced)`);
    await q.query(`
      CREATE TABLE experiment_forced_assignment (
        experiment_id uuid NOT NULL,
        unit_id       text NOT NULL,
        variant_key   text NOT NULL,
        created_by    text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_experiment_forced_assignment PRIMARY KEY (experiment_id, unit_id),
        CONSTRAINT fk_experiment_forced_assignment_variant FOREIGN KEY (experiment_id, variant_key)
          REFERENCES experiment_variant (experiment_id, key) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE experiment_event (
        id            bigserial PRIMARY KEY,
        experiment_id uuid NOT NULL REFERENCES experiment (id) ON DELETE RESTRICT,
        action        text NOT NULL CHECK (action IN ('CREATED', 'UPDATED', 'STARTED', 'PAUSED', 'RESUMED', 'COMPLETED', 'FORCED', 'UNFORCED')),
        from_status   text,
        to_status     text NOT NULL,
        details       jsonb,
        actor         text,
        at            timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX ix_experiment_event_experiment ON experiment_event (experiment_id, id)`);
    // History is append-only, like prompt_label_event (refuse_history_change comes from the prompt migration).
    await q.query(`
      CREATE TRIGGER experiment_event_append_only BEFORE UPDATE OR DELETE ON experiment_event
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE experiment_event`);
    await q.query(`DROP TABLE experiment_forced_assignment`);
    await q.query(`DROP TABLE experiment_exposure`);
    await q.query(`DROP TABLE experiment_variant`);
    await q.query(`DROP TABLE experiment`);
  }
}
