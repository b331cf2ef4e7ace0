// Starts the whole stack once for the gateway's end-to-end tests, as `npm start`
// runs it, on a database of its own copied from the migrated template.
// FLYWHEEL_TEST_SUBGRAPHS=prompt,experiment runs only part of it.
// Jest loads global setup outside its module map, so these imports are relative.
/* eslint-disable @nx/enforce-module-boundaries */
import globalSetup from '../../../tools/jest/global-setup';
import { startStack, type RunningStack } from '../../../tools/stack';
import { createTestDatabase, type TestDatabase } from '../../../libs/data/src/testing/test-database';
/* eslint-enable @nx/enforce-module-boundaries */

declare global {
  // eslint-disable-next-line no-var
  var __flywheelStack: { stack: RunningStack; database: TestDatabase } | undefined;
}

export default async function stackGlobalSetup(): Promise<void> {
  await globalSetup();
  const database = await createTestDatabase();
  const stack = await startStack({
    databaseUrl: database.url,
    subgraphs: process.env.FLYWHEEL_TEST_SUBGRAPHS?.split(',').map((name) => name.trim()),
    verbose: Boolean(process.env.FLYWHEEL_TEST_VERBOSE),
    env: { FLYWHEEL_KEY_CACHE_MS: '1000', ...JSON.parse(process.env.FLYWHEEL_TEST_STACK_ENV ?? '{}') },
  });
  // Keep draining the pipes so the children never block on a full buffer.
  stack.launcher.stdout?.resume();
  stack.launcher.stderr?.resume();
  // Workers inherit these: the gateway, the stack's ADMIN key, and the gateway
  // secret (so tests can play the gateway when calling a subgraph directly).
  process.env.FLYWHEEL_TEST_GATEWAY_URL = stack.url;
  process.env.FLYWHEEL_TEST_ADMIN_KEY = stack.adminKey;
  process.env.FLYWHEEL_TEST_GATEWAY_SECRET = stack.gatewaySecret;
  process.env.FLYWHEEL_TEST_SUBGRAPH_PORTS = JSON.stringify(stack.subgraphPorts);
  globalThis.__flywheelStack = { stack, database };
}

export async function stopStack(): Promise<void> {
  const running = globalThis.__flywheelStack;
  if (!running) return;
  await running.stack.stop();
  await running.database.drop();
}
