// Migrations against a real PostgreSQL: several processes starting at once
// apply them exactly once, and readiness reflects what is applied.
import { Client } from 'pg';
import { createDataSource } from './data-source';
import { migrationsApplied, runMigrationsLocked } from './migrations';
import { dropDatabase, testServerUrl, withDatabase } from './testing';

const name = `fw_test_${process.env.FLYWHEEL_TEST_RUN ?? process.pid}_migrations`;

beforeAll(async () => {
  const client = new Client({ connectionString: testServerUrl() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
});

afterAll(() => dropDatabase(testServerUrl(), name));

describe('runMigrationsLocked', () => {
  it('applies every migration exactly once when six replicas start at the same moment', async () => {
    const url = withDatabase(testServerUrl(), name);
    const replicas = Array.from({ length: 6 }, () => createDataSource({ url, poolSize: 2 }));
    await Promise.all(replicas.map((dataSource) => dataSource.initialize()));
    try {
      expect(await migrationsApplied(replicas[0])).toBe(false);
      const applied = await Promise.all(replicas.map((dataSource) => runMigrationsLocked(dataSource)));
      const total = applied.flat();
      expect(total).toHaveLength(replicas[0].migrations.length);
      expect(new Set(total).size).toBe(total.length);
      expect(applied.filter((names) => names.length > 0)).toHaveLength(1);
      const rows = await replicas[0].query(`SELECT count(*)::int AS n FROM flywheel_migrations`);
      expect(rows[0].n).toBe(replicas[0].migrations.length);
      expect(await migrationsApplied(replicas[0])).toBe(true);
    } finally {
      await Promise.all(replicas.map((dataSource) => dataSource.destroy()));
    }
  });

  it('never synchronises the schema from entities', () => {
    const dataSource = createDataSource({ url: withDatabase(testServerUrl(), name) });
    expect(dataSource.options.synchronize).toBe(false);
    expect(dataSource.options.migrationsRun).toBe(false);
  });
});
