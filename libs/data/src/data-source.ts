import 'reflect-metadata';
import pg from 'pg';
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
  /** Told when a connection fails (the server restarted, an admin ended the backend). */
  onConnectionError?: (error: Error) => void;
}

/**
 * The `pg` module with a Pool that listens for errors on every connection it
 * opens. A connection that PostgreSQL terminates while TypeORM has it checked
 * out emits 'error' with no listener attached, which would crash the process;
 * with the listener the failed query rejects, the pool drops the connection,
 * and the next query opens a fresh one.
 */
function guardedPg(onError: (error: Error) => void): typeof pg {
  class GuardedPool extends pg.Pool {
    constructor(config?: pg.PoolConfig) {
      super(config);
      this.on('connect', (client) => client.on('error', onError));
    }
  }
  return { ...pg, Pool: GuardedPool } as typeof pg;
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
    driver: guardedPg(options.onConnectionError ?? (() => undefined)),
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
