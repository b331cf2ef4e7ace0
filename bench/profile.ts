/**
 * Profiles the stack under one benchmark: every process runs with --cpu-prof
 * (written to FLYWHEEL_PROFILE_DIR, default /tmp/flywheel-profile) while the
 * named bench runs, then a per-process summary of where CPU time went is
 * printed. `node tools/run-ts.mjs bench/profile.ts ingest` (or gateway, …).
 */
import { readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { migrate, withDatabase } from '../libs/data/src/testing/test-database';
import { startStack } from '../tools/stack';
import { runGatewayBench } from './gateway.bench';
import { runIngestBench } from './ingest.bench';
import { runFeedbackLatencyBench } from './feedback-latency.bench';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Self time per package (or our bundle) and per function, as shares of the busy (non-idle) time. */
export function summariseProfile(file: string, top = 15): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const node = nodes.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') return;
    busy += delta;
    const url = node.callFrame.url;
    const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? (url.includes('/dist/apps/') ? `ours:${url.split('/dist/apps/')[1]}` : url || node.callFrame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + delta);
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + delta);
  });
  const lines = [`busy ${(busy / 1000).toFixed(0)} ms`];
  const share = (value: number) => `${((100 * value) / busy).toFixed(1).padStart(5)}%`;
  for (const [name, value] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${share(value)}  ${name}`);
  lines.push('  -- functions');
  for (const [name, value] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${share(value)}  ${name}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const bench = process.argv[2] ?? 'ingest';
  const dir = process.env.FLYWHEEL_PROFILE_DIR ?? '/tmp/flywheel-profile';
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('profile: set DATABASE_URL');
  const database = `fw_profile_${Date.now()}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const databaseUrl = withDatabase(serverUrl, database);
  try {
    await migrate(databaseUrl);
    const stack = await startStack({ databaseUrl, env: { FLYWHEEL_CHILD_NODE_ARGS: `--cpu-prof --cpu-prof-dir=${dir}` } });
    try {
      const context = { gatewayUrl: stack.url, databaseUrl, adminKey: stack.adminKey, quick: true };
      if (bench === 'ingest') console.log(await runIngestBench(stack.url, databaseUrl, stack.adminKey));
      else if (bench === 'feedback-latency') console.log(await runFeedbackLatencyBench(context));
      else console.log(await runGatewayBench({ gatewayUrl: stack.url, promptUrl: `http://127.0.0.1:${stack.subgraphPorts.prompt}/graphql`, adminKey: stack.adminKey, gatewaySecret: stack.gatewaySecret, seconds: 6 }));
    } finally {
      await stack.stop();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = readFileSync(join(dir, file), 'utf8');
    const app = profile.match(/dist\/apps\/([a-z-]+)\/main\.js/)?.[1] ?? file;
    console.log(`\n== ${app} (${file})\n${summariseProfile(join(dir, file))}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
