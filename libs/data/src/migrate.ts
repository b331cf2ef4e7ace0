// `npm run migrate`: applies pending migrations to DATABASE_URL (or the
// embedded PostgreSQL) and exits. Kubernetes runs the same as a Job.
import { join } from 'node:path';
import { createDataSource } from './data-source';
import { resolveDatabase } from './database';
import { runMigrationsLocked } from './migrations';

async function main(): Promise<void> {
  const database = await resolveDatabase({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: join(process.env.FLYWHEEL_DATA_DIR || '.data', 'postgres'),
    embeddedPort: Number(process.env.FLYWHEEL_EMBEDDED_PG_PORT || 54329),
  });
  const dataSource = createDataSource({ url: database.url, poolSize: 2, applicationName: 'flywheel-migrate' });
  try {
    await dataSource.initialize();
    const applied = await runMigrationsLocked(dataSource);
    console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await dataSource.destroy().catch(() => undefined);
    await database.stop();
  }
}

main().catch((error) => {
  console.error(`migrate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
