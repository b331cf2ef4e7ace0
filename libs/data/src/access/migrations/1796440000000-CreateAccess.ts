import { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys (salted hashes only) and the append-only audit log of mutations. */
export class CreateAccess1796440000000 implements MigrationInterface {
  name = 'CreateAccess1796440000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_key (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name        text NOT NULL,
        role        text NOT NULL CHECK (role IN ('VIEWER', 'INGEST', 'EDITOR', 'ADMIN')),
        lookup      text NOT NULL,
        salt        bytea NOT NULL,
        secret_hash bytea NOT NULL,
        created_by  text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        revoked_at  timestamptz,
        CONSTRAINT uq_api_key_lookup UNIQUE (lookup)
      )`);
    await q.query(`
      CREATE TABLE audit_event (
        id         bigserial PRIMARY KEY,
        at         timestamptz NOT NULL DEFAULT clock_timestamp(),
        key_id     text,
        actor      text,
        role       text,
        operation  text NOT NULL,
        target     jsonb NOT NULL,
        success    boolean NOT NULL,
        error_code text,
        request_id text
      )`);
    await q.query(`CREATE INDEX ix_audit_event_at ON audit_event (at DESC)`);
    await q.query(`CREATE INDEX ix_audit_event_operation ON audit_event (operation, at DESC)`);
    await q.query(`CREATE INDEX ix_audit_event_key ON audit_event (key_id, at DESC)`);
    await q.query(`
      CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_event`);
    await q.query(`DROP TABLE api_key`);
  }
}
