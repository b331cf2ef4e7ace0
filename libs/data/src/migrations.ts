import type { DataSource } from 'typeorm';

/**
 * The advisory-lock key that serialises migration runs. Any constant works as
 * long as every Flywheel process uses the same one; this is 'flyw' in ASCII.
 */
const MIGRATION_LOCK_KEY = 0x666c7977;

/**
 * Applies pending migrations while holding a PostgreSQL advisory lock, so that
 * several replicas starting at once run them exactly once: the first takes
 * the lock and migrates, the others wait, then find nothing pending.
 *
 * The lock is held on a connection of its own, so the pool needs at least two.
 *
 * @returns the names of the migrations this call applied
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

/**
 * True when every migration this build knows has been applied (what `/ready`
 * reports). A database migrated by a newer build is fine: extra rows are ignored.
 */
export async function migrationsApplied(dataSource: DataSource): Promise<boolean> {
  const rows: Array<{ name: string }> = await dataSource
    .query(`SELECT name FROM flywheel_migrations`)
    .catch((error: { code?: string }) => {
      if (error.code === '42P01') return []; // no migrations table yet
      throw error;
    });
  const applied = new Set(rows.map((row) => row.name));
  return dataSource.migrations.every((migration) => migration.name !== undefined && applied.has(migration.name));
}
