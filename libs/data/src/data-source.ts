import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { allEntities, allMigrations } from './schema';

/** What a server needs to reach its database. */
export interface DataSourceOptions {
  /** A `postgres://` URL. */
  url: string;
  /** Connections in this process's pool. */
  poolSize?: number;
  /** Application name shown in `pg_stat_activity`, e.g. the subgraph's name. */
  applicationName?: string;
}

/**
 * Builds (does not connect) the TypeORM DataSource for Flywheel's database:
 * explicit entity and migration lists, `synchronize` off (the schema comes
 * from migrations only), UTC timestamps.
 */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: allEntities,
    migrations: allMigrations,
    migrationsTableName: 'flywheel_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName: options.applicationName ?? 'flywheel',
    extra: {
      max: options.poolSize ?? 10,
      // Fail fast when the database is away, so /ready can say so promptly.
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
    },
  });
}
