// Gives every Jest run a real PostgreSQL: the one at DATABASE_URL, else an
// embedded one of its own (temporary data dir, free port). It then migrates a
// template database once, which test files copy (CREATE DATABASE … TEMPLATE)
// to get a fresh, migrated database each in milliseconds.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { freePort } from '../../libs/server/src/free-port';
import { startEmbeddedPostgres } from '../../libs/data/src/embedded-postgres';
import { migrate, withDatabase } from '../../libs/data/src/testing/test-database';

export interface TestInfrastructure {
  stopEmbedded?: () => Promise<void>;
  embeddedDir?: string;
  serverUrl: string;
  template: string;
}

declare global {
  // eslint-disable-next-line no-var
  var __flywheelTestInfrastructure: TestInfrastructure | undefined;
}


export default async function globalSetup(): Promise<void> {
  let stopEmbedded: (() => Promise<void>) | undefined;
  let embeddedDir: string | undefined;
  if (!process.env.DATABASE_URL) {
    embeddedDir = mkdtempSync(join(tmpdir(), 'flywheel-test-pg-'));
    // As root, PostgreSQL runs as a `postgres` user that must be able to enter this directory.
    chmodSync(embeddedDir, 0o755);
    const handle = await startEmbeddedPostgres({ dataDir: join(embeddedDir, 'pg'), port: await freePort(), database: 'postgres' });
    stopEmbedded = handle.stop;
    process.env.DATABASE_URL = handle.url;
  }
  const serverUrl = process.env.DATABASE_URL as string;
  const template = `fw_tpl_${process.pid}_${randomBytes(3).toString('hex')}`;
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${template}`);
  } finally {
    await client.end();
  }
  await migrate(withDatabase(serverUrl, template));
  process.env.FLYWHEEL_TEST_TEMPLATE = template;
  process.env.FLYWHEEL_TEST_RUN = String(process.pid);
  globalThis.__flywheelTestInfrastructure = { stopEmbedded, embeddedDir, serverUrl, template };
}

export async function teardownInfrastructure(): Promise<void> {
  const infrastructure = globalThis.__flywheelTestInfrastructure;
  if (!infrastructure) return;
  const client = new Client({ connectionString: infrastructure.serverUrl });
  await client.connect();
  try {
    // Test files drop their own databases; this catches any a crashed file left.
    const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE 'fw_test_%' OR datname = $1`, [infrastructure.template]);
    for (const { datname } of rows) {
      if (datname === infrastructure.template || datname.startsWith(`fw_test_${process.pid}_`)) {
        await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      }
    }
  } finally {
    await client.end();
  }
  await infrastructure.stopEmbedded?.();
  if (infrastructure.embeddedDir) rmSync(infrastructure.embeddedDir, { recursive: true, force: true });
}
