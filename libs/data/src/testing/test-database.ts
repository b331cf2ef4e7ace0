import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDataSource } from '../data-source';
import { runMigrationsLocked } from '../migrations';

/** A database of a test file's own, dropped by `drop()`. */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** The server URL tests run against: `DATABASE_URL`, which the Jest global setup always sets. */
export function testServerUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error('testServerUrl: DATABASE_URL is not set; run tests through Jest, whose global setup provides a PostgreSQL');
  }
  return url;
}

/** The URL of another database on the same server as `url`. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * Creates a fresh, fully migrated database for one test file, so test files
 * are isolated and can run in parallel. It is copied from the template that the
 * global setup migrated once (`FLYWHEEL_TEST_TEMPLATE`), or migrated here when
 * there is none.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const run = process.env.FLYWHEEL_TEST_RUN ?? String(process.pid);
  const name = `fw_test_${run}_${randomBytes(4).toString('hex')}`;
  const template = process.env.FLYWHEEL_TEST_TEMPLATE;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  const url = withDatabase(serverUrl, name);
  if (!template) await migrate(url);
  return { url, name, drop: () => dropDatabase(serverUrl, name) };
}

/** Applies every migration to the database at `url`. */
export async function migrate(url: string): Promise<void> {
  const dataSource = createDataSource({ url, poolSize: 2, applicationName: 'flywheel-test' });
  await dataSource.initialize();
  try {
    await runMigrationsLocked(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** Drops a database, ending any sessions still connected to it. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
