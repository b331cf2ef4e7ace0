import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres';

/** Where Flywheel's data lives, from configuration. */
export interface DatabaseSettings {
  /** An external PostgreSQL; when empty, the embedded one is used. */
  databaseUrl?: string;
  /** Data directory of the embedded PostgreSQL. */
  dataDir: string;
  /** Port of the embedded PostgreSQL. */
  embeddedPort: number;
  log?: (line: string) => void;
}

/**
 * Resolves the database to use: `DATABASE_URL` when given, else the embedded
 * PostgreSQL (started, or reused if already running on the data dir).
 */
export async function resolveDatabase(settings: DatabaseSettings): Promise<EmbeddedPostgresHandle> {
  if (settings.databaseUrl) {
    return { url: settings.databaseUrl, startedHere: false, stop: async () => undefined };
  }
  return startEmbeddedPostgres({ dataDir: settings.dataDir, port: settings.embeddedPort, log: settings.log });
}
