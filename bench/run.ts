/**
 * `npm run bench`: starts the stack (as `npm start` does) on a fresh database
 * of the PostgreSQL at DATABASE_URL, else of an embedded one, runs every
 * benchmark, prints `name  ours  baseline  ratio`, and writes
 * bench/results/latest.json and latest.svg. Each figure is measured beside
 * its baseline in the same run, because these machines are shared and noisy.
 * FLYWHEEL_BENCH_QUICK=1 scales the sizes down for a smoke run;
 * FLYWHEEL_BENCH_ONLY=gateway,ingest runs some of them.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../libs/data/src/embedded-postgres';
import { migrate, withDatabase } from '../libs/data/src/testing/test-database';
import { freePort, root, startStack } from '../tools/stack';
import type { BenchRow } from './bench-row';
import { renderChart } from './chart';
import { runAssignBatchBench } from './assign-batch.bench';
import { runAssignmentBench } from './assignment.bench';
import { runFeedbackLatencyBench } from './feedback-latency.bench';
import { runGatewayBench } from './gateway.bench';
import { runIngestBench } from './ingest.bench';
import { runResultsBench } from './results.bench';

type Bench = (context: BenchContext) => Promise<BenchRowLike | BenchRowLike[]>;

/** What the benches return; older ones leave out `better`, which their unit implies. */
type BenchRowLike = Omit<BenchRow, 'better'> & { better?: BenchRow['better'] };

export interface BenchContext {
  gatewayUrl: string;
  databaseUrl: string;
  adminKey: string;
  gatewaySecret: string;
  subgraphPorts: Record<string, number>;
  quick: boolean;
}

/** The benchmarks, in the order of the table. `needs` names the subgraph a bench talks to. */
const BENCHES: Array<{ name: string; needs?: string; run: Bench }> = [
  { name: 'ingest', needs: 'feedback', run: (c) => runIngestBench(c.gatewayUrl, c.databaseUrl, c.adminKey) },
  { name: 'feedback-latency', needs: 'feedback', run: (c) => runFeedbackLatencyBench(c) },
  {
    name: 'gateway',
    needs: 'prompt',
    run: (c) =>
      runGatewayBench({
        gatewayUrl: c.gatewayUrl,
        promptUrl: `http://127.0.0.1:${c.subgraphPorts.prompt}/graphql`,
        adminKey: c.adminKey,
        gatewaySecret: c.gatewaySecret,
        seconds: c.quick ? 2 : undefined,
      }),
  },
  {
    name: 'assign-batch',
    needs: 'experiment',
    run: (c) => {
      // This bench reads its database and key from the environment.
      process.env.DATABASE_URL = c.databaseUrl;
      process.env.FLYWHEEL_BENCH_API_KEY = c.adminKey;
      return runAssignBatchBench(c.gatewayUrl);
    },
  },
  { name: 'assign', run: () => runAssignmentBench() },
  {
    name: 'results',
    needs: 'feedback',
    run: (c) =>
      runResultsBench(c.gatewayUrl, c.databaseUrl, { small: 10_000, large: c.quick ? 100_000 : Number(process.env.FLYWHEEL_BENCH_ROWS ?? 10_000_000) }, c.adminKey),
  },
];

function complete(row: BenchRowLike): BenchRow {
  return { ...row, better: row.better ?? (/\/s$/.test(row.unit) ? 'higher' : 'lower') };
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

function printTable(rows: BenchRow[]): void {
  const lines = [['name', 'ours', 'baseline', 'ratio', 'goal', 'unit', 'pass']];
  for (const row of rows) {
    lines.push([row.name, format(row.ours), format(row.baseline), format(row.ratio), `${row.better === 'higher' ? '≥' : '≤'} ${row.goal}`, row.unit, row.pass ? 'yes' : 'NO']);
  }
  const widths = lines[0].map((_, column) => Math.max(...lines.map((line) => line[column].length)));
  for (const line of lines) console.log(line.map((cell, column) => cell.padEnd(widths[column])).join('  '));
}

async function main(): Promise<void> {
  const quick = process.env.FLYWHEEL_BENCH_QUICK === '1';
  let serverUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let embeddedDir: string | undefined;
  if (!serverUrl) {
    embeddedDir = mkdtempSync(join(tmpdir(), 'flywheel-bench-pg-'));
    chmodSync(embeddedDir, 0o755);
    const embedded = await startEmbeddedPostgres({ dataDir: join(embeddedDir, 'pg'), port: await freePort(), database: 'postgres' });
    serverUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const database = `fw_bench_${Date.now()}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const databaseUrl = withDatabase(serverUrl, database);
  const rows: BenchRow[] = [];
  try {
    await migrate(databaseUrl);
    const stack = await startStack({ databaseUrl, env: { DATABASE_POOL_SIZE: '20' } });
    try {
      const context: BenchContext = {
        gatewayUrl: stack.url,
        databaseUrl,
        adminKey: stack.adminKey,
        gatewaySecret: stack.gatewaySecret,
        subgraphPorts: stack.subgraphPorts,
        quick,
      };
      const only = process.env.FLYWHEEL_BENCH_ONLY?.split(',');
      for (const bench of BENCHES.filter((candidate) => !only || only.includes(candidate.name))) {
        if (bench.needs && !stack.subgraphPorts[bench.needs]) {
          console.error(`skipping ${bench.name}: the ${bench.needs} subgraph is not part of this build`);
          continue;
        }
        console.error(`running ${bench.name}…`);
        const result = await bench.run(context);
        rows.push(...(Array.isArray(result) ? result : [result]).map(complete));
      }
    } finally {
      await stack.stop();
    }
  } finally {
    const cleanup = new Client({ connectionString: serverUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await cleanup.end();
    await stopEmbedded?.();
    if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
  }
  printTable(rows);
  const out = join(root, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), `${JSON.stringify(rows.map(({ name, unit, ours, baseline, ratio, goal, pass }) => ({ name, unit, ours, baseline, ratio, goal, pass })), null, 2)}\n`);
  writeFileSync(join(out, 'latest.svg'), renderChart(rows, { quick, date: new Date().toISOString().slice(0, 10) }));
  console.log(`\nwrote bench/results/latest.json and bench/results/latest.svg${quick ? ' (quick run: smaller sizes)' : ''}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
