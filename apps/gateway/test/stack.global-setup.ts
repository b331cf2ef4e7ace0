// Starts the whole stack once for the gateway's end-to-end tests: a database
// of its own (copied from the migrated template), the apps built as `npm start`
// builds them, and the launcher on a free port.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
// Jest loads global setup outside its module map, so these imports are relative.
// eslint-disable-next-line @nx/enforce-module-boundaries
import globalSetup from '../../../tools/jest/global-setup';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createTestDatabase, type TestDatabase } from '../../../libs/data/src/testing/test-database';

declare global {
  // eslint-disable-next-line no-var
  var __flywheelStack: { launcher: ChildProcess; database: TestDatabase } | undefined;
}

const root = join(__dirname, '..', '..', '..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export default async function stackGlobalSetup(): Promise<void> {
  await globalSetup();
  // FLYWHEEL_TEST_SUBGRAPHS=prompt,experiment runs only part of the stack (its own composed supergraph).
  const only = process.env.FLYWHEEL_TEST_SUBGRAPHS?.split(',').map((name) => name.trim());
  const stackEnv: NodeJS.ProcessEnv = {};
  if (only) {
    mkdirSync(join(root, 'dist'), { recursive: true });
    const supergraphPath = join(root, 'dist', `test-supergraph-${process.pid}.graphql`);
    execFileSync(process.execPath, [join(root, 'tools/compose-supergraph.mjs'), '--only', [...only, 'access'].join(','), '--out', supergraphPath], {
      cwd: root,
      stdio: 'pipe',
    });
    stackEnv.FLYWHEEL_SUPERGRAPH_PATH = supergraphPath;
  }
  const projects = ['prompt', 'experiment', 'feedback', 'model-registry'].filter((name) => !only || only.includes(name)).map((name) => `apps/${name}`);
  for (const project of [...projects, 'apps/gateway']) {
    try {
      execFileSync(process.execPath, [join(root, 'tools/build.mjs'), project], { cwd: root, stdio: 'pipe' });
    } catch (error) {
      const output = String((error as { stderr?: Buffer }).stderr ?? '');
      // A subgraph that has no entry point yet is simply not part of the stack.
      if (!output.includes('no entry point')) throw new Error(`build of ${project} failed:\n${output}`);
    }
  }
  const database = await createTestDatabase();
  // The tests' own ADMIN key (FLYWHEEL_BOOTSTRAP_ADMIN_KEY); client.ts sends it unless told otherwise.
  const adminKey = `fw_test_admin_${randomBytes(24).toString('base64url')}`;
  process.env.FLYWHEEL_TEST_ADMIN_KEY = adminKey;
  // Known to the tests so they can play the gateway when calling a subgraph directly.
  const gatewaySecret = randomBytes(32).toString('base64url');
  process.env.FLYWHEEL_TEST_GATEWAY_SECRET = gatewaySecret;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    PORT: String(port),
    LOG_LEVEL: process.env.FLYWHEEL_TEST_LOG_LEVEL ?? 'warn',
    FLYWHEEL_SHUTDOWN_GRACE_MS: '2000',
    FLYWHEEL_BOOTSTRAP_ADMIN_KEY: adminKey,
    FLYWHEEL_GATEWAY_SECRET: gatewaySecret,
    FLYWHEEL_KEY_CACHE_MS: '1000',
    ...stackEnv,
    ...JSON.parse(process.env.FLYWHEEL_TEST_STACK_ENV ?? '{}'),
  };
  const launcher = spawn(process.execPath, [join(root, 'dist/apps/gateway/launcher.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (process.env.FLYWHEEL_TEST_LOG_LEVEL) process.stderr.write(chunk);
      const match = output.match(/subgraph ports: (\{[^}]*\})/);
      if (output.includes('Flywheel gateway ready at') && match) {
        process.env.FLYWHEEL_TEST_SUBGRAPH_PORTS = match[1];
        resolve();
      }
    };
    launcher.stdout?.on('data', onData);
    launcher.stderr?.on('data', onData);
    launcher.once('exit', (code) => reject(new Error(`launcher exited with ${code} before it was ready:\n${output}`)));
  });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`stack not ready after 90 s:\n${output}`)), 90_000).unref());
  await Promise.race([ready, timeout]);
  // Keep draining the pipes so the children never block on a full buffer.
  launcher.stdout?.resume();
  launcher.stderr?.resume();
  process.env.FLYWHEEL_TEST_GATEWAY_URL = `http://127.0.0.1:${port}/graphql`;
  globalThis.__flywheelStack = { launcher, database };
}

export async function stopStack(): Promise<void> {
  const stack = globalThis.__flywheelStack;
  if (!stack) return;
  if (stack.launcher.exitCode === null) {
    const exited = once(stack.launcher, 'exit');
    stack.launcher.kill('SIGTERM');
    await exited;
  }
  await stack.database.drop();
}
