// What every fault test shares: a whole stack of its own on a fresh database,
// a GraphQL client that never throws (a fault test expects failures and counts
// them), the pids of the launcher's children, and row counts of every table.
// Relative imports: `faults/` is a folder of tests, not an Nx project.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { startStack, type RunningStack } from '../../tools/stack';
import { createTestDatabase, type TestDatabase } from '../../libs/data/src/testing/test-database';
import { signPrincipal } from '../../libs/server/src/auth/principal';

export const ALL_SUBGRAPHS = ['prompt', 'experiment', 'feedback', 'model-registry'];

/** One GraphQL-over-HTTP exchange; `error` is set when no HTTP response came back at all. */
export interface Exchange<T = Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } & Record<string, unknown> }>;
  /** The raw body when it was not JSON. */
  text?: string;
  /** Network failure (connection refused or reset, timeout): the request was not acknowledged. */
  error?: string;
}

export interface FaultStack {
  stack: RunningStack;
  database: TestDatabase;
  /** A connection to the stack's database, for checks behind the API's back. */
  db: Client;
  /** Posts to the gateway with the stack's ADMIN key. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, options?: PostOptions): Promise<Exchange<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Like gql but throws unless the answer has data and no errors. */
  gqlOk<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** `http://127.0.0.1:<port>` of a subgraph process (no path). */
  subgraphOrigin(name: string): string;
  /** Headers that let a test call a subgraph directly, as the gateway would (signed ADMIN principal). */
  signedHeaders(): Record<string, string>;
  /** Pid of the launcher's child running `apps/<app>/main.js` (app = a subgraph or `gateway`). */
  pidOf(app: string): number;
  stop(): Promise<void>;
}

export interface PostOptions {
  url?: string;
  headers?: Record<string, string>;
  /** The raw body to send instead of `{ query, variables }`. */
  body?: string;
  timeoutMs?: number;
}

/** Starts the launcher with `subgraphs` on a fresh, migrated database and connects to that database. */
export async function startFaultStack(subgraphs: string[] = ALL_SUBGRAPHS): Promise<FaultStack> {
  const database = await createTestDatabase();
  let stack: RunningStack;
  try {
    stack = await startStack({ databaseUrl: database.url, subgraphs, verbose: Boolean(process.env.FLYWHEEL_TEST_VERBOSE) });
  } catch (error) {
    await database.drop();
    throw error;
  }
  const db = new Client({ connectionString: database.url, application_name: 'flywheel-fault-test' });
  await db.connect();
  const gql = <T>(query: string, variables: Record<string, unknown> = {}, options: PostOptions = {}) =>
    post<T>(options.url ?? stack.url, options.body ?? JSON.stringify({ query, variables }), {
      authorization: `Bearer ${stack.adminKey}`,
      ...options.headers,
    }, options.timeoutMs);
  return {
    stack,
    database,
    db,
    gql,
    async gqlOk<T>(query: string, variables: Record<string, unknown> = {}) {
      const result = await gql<T>(query, variables);
      if (result.error || result.errors?.length || !result.data) throw new Error(`GraphQL request failed: ${JSON.stringify(result).slice(0, 2000)}`);
      return result.data;
    },
    subgraphOrigin: (name) => `http://127.0.0.1:${stack.subgraphPorts[name]}`,
    signedHeaders: () => signPrincipal(stack.gatewaySecret, { keyId: 'fault-test', name: 'fault test', role: 'ADMIN' }),
    pidOf: (app) => childPidOf(stack.launcher.pid as number, app),
    async stop() {
      await db.end().catch(() => undefined);
      await stack.stop();
      await database.drop();
    },
  };
}

/** POSTs a body and reports what came back, never throwing. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function post<T = Record<string, any>>(url: string, body: string, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<Exchange<T>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { status: 0, error: cause?.code ?? (error as Error).name ?? String(error) };
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return { status: response.status, error: `body: ${(error as Error).message}` };
  }
  try {
    return { status: response.status, ...(JSON.parse(text) as object) };
  } catch {
    return { status: response.status, text };
  }
}

/** Pids whose parent is `parent`, read from /proc. */
export function childPids(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command may contain spaces and parentheses; the fields after the last ')' are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parent && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/** The launcher's child running `apps/<app>/main.js`. */
export function childPidOf(launcherPid: number, app: string): number {
  for (const pid of childPids(launcherPid)) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes(`apps/${app}/main.js`)) return pid;
    } catch {
      // exited while we looked
    }
  }
  throw new Error(`no child of the launcher (pid ${launcherPid}) runs apps/${app}/main.js`);
}

/** True once a process has exited (gone from /proc, or a zombie waiting for its parent). */
export function exited(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it returns a value other than undefined/false. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** HTTP status of GET `url` (0 when nothing answered). */
export async function statusOf(url: string, timeoutMs = 2_000): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** `SELECT count(*)` of every table of the public schema, in one statement. */
export async function tableCounts(db: Client): Promise<Record<string, number>> {
  const { rows: tables } = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const sql = tables.map(({ table_name }) => `SELECT '${table_name}' AS name, count(*)::int AS n FROM "${table_name}"`).join(' UNION ALL ');
  const { rows } = await db.query<{ name: string; n: number }>(sql);
  return Object.fromEntries(rows.map((row) => [row.name, row.n]));
}

/** A small seeded PRNG (mulberry32): the same seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Prints a line of figures to the test output (Jest shows stderr), so each run states its numbers. */
export function report(test: string, figures: Record<string, unknown>): void {
  process.stderr.write(`[fault:${test}] ${Object.entries(figures).map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : value}`).join(' ')}\n`);
}
