// `npm start`: the whole stack on one machine. PostgreSQL (embedded unless
// DATABASE_URL is set), migrations once, each subgraph in a process of its own
// on a free port (as on Kubernetes, where each runs alone), then the gateway on
// PORT. Children that die are restarted; SIGTERM/SIGINT drain everything.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createDataSource, resolveDatabase, runMigrationsLocked } from '@flywheel/data';
import { authEnvShape, createLogger, databaseEnvShape, freePort, listSchema, loadConfig, portSchema, serverEnvShape } from '@flywheel/server';
import { ApiKeyService } from './access/api-key.service';
import { subgraphUrlVariable } from './config';
import { ACCESS_SUBGRAPH, subgraphsOf } from './gateway';

const launcherEnvShape = {
  ...serverEnvShape,
  ...databaseEnvShape,
  ...authEnvShape,
  PORT: portSchema.default(4000),
  /** Extra node flags for every child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (not allowed in NODE_OPTIONS). */
  FLYWHEEL_CHILD_NODE_ARGS: listSchema.default([]),
};

interface Child {
  name: string;
  script: string;
  env: NodeJS.ProcessEnv;
  port: number;
  process?: ChildProcess;
  restarts: number;
}


async function waitReady(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process?.exitCode != null) throw new Error(`${child.name} exited with code ${child.process.exitCode} while starting`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${child.name} was not ready at ${url} after ${timeoutMs} ms`);
}

/**
 * On the first start of an installation (auth on, no FLYWHEEL_BOOTSTRAP_ADMIN_KEY,
 * no usable ADMIN key yet) creates an ADMIN key and returns its secret, to be
 * printed once. Later starts find the key and print nothing.
 */
async function ensureAdminKey(apiKeys: ApiKeyService, auth: boolean): Promise<string | null> {
  if (!auth || process.env.FLYWHEEL_BOOTSTRAP_ADMIN_KEY) return null;
  if (await apiKeys.hasActiveAdmin()) return null;
  const key = await apiKeys.create('first admin (created by npm start)', 'ADMIN', 'launcher');
  return key.secret;
}

async function main(): Promise<void> {
  const config = loadConfig(launcherEnvShape);
  const logger = createLogger('launcher', config.LOG_LEVEL);
  const dataDir = join(config.FLYWHEEL_DATA_DIR, 'postgres');
  const database = await resolveDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir,
    embeddedPort: config.FLYWHEEL_EMBEDDED_PG_PORT,
    log: (line) => logger.debug({ postgres: line }),
  });
  if (!config.DATABASE_URL) {
    logger.info(
      `${database.startedHere ? 'started' : 'reusing'} embedded PostgreSQL on 127.0.0.1:${config.FLYWHEEL_EMBEDDED_PG_PORT}, data in ${dataDir}`,
    );
  }
  const dataSource = createDataSource({ url: database.url, poolSize: 2, applicationName: 'flywheel-launcher' });
  await dataSource.initialize();
  const applied = await runMigrationsLocked(dataSource);
  logger.info(applied.length ? `applied ${applied.length} migration(s)` : 'database schema is up to date');
  const firstAdminKey = await ensureAdminKey(new ApiKeyService(dataSource), config.FLYWHEEL_AUTH);
  await dataSource.destroy();

  const supergraphSdl = readFileSync(process.env.FLYWHEEL_SUPERGRAPH_PATH || join(__dirname, 'supergraph.graphql'), 'utf8');
  // The processes of one stack share a gateway secret; a fresh one per start unless configured.
  const gatewaySecret = config.FLYWHEEL_GATEWAY_SECRET ?? randomBytes(32).toString('base64url');
  const childEnv = {
    // graphql-js skips its development-only checks in production mode, several per input value;
    // the gateway keeps Apollo Sandbox on explicitly, so nothing a user sees changes.
    NODE_ENV: 'production',
    ...process.env,
    DATABASE_URL: database.url,
    FLYWHEEL_MIGRATE_ON_START: 'off',
    FLYWHEEL_GATEWAY_SECRET: gatewaySecret,
  };
  const subgraphs: Child[] = [];
  for (const { name } of subgraphsOf(supergraphSdl).filter((subgraph) => subgraph.name !== ACCESS_SUBGRAPH)) {
    const script = join(__dirname, '..', name, 'main.js');
    if (!existsSync(script)) throw new Error(`${script} is missing: build the apps first (npm run build)`);
    const port = await freePort();
    subgraphs.push({ name, script, port, env: { ...childEnv, PORT: String(port), HOST: '127.0.0.1' }, restarts: 0 });
  }
  const gatewayEnv: NodeJS.ProcessEnv = { ...childEnv, PORT: String(config.PORT) };
  delete gatewayEnv.FLYWHEEL_MIGRATE_ON_START;
  for (const child of subgraphs) gatewayEnv[subgraphUrlVariable(child.name)] = `http://127.0.0.1:${child.port}/graphql`;
  const gateway: Child = { name: 'gateway', script: join(__dirname, 'main.js'), port: config.PORT, env: gatewayEnv, restarts: 0 };

  let stopping = false;
  const start = (child: Child) => {
    child.process = spawn(process.execPath, [...config.FLYWHEEL_CHILD_NODE_ARGS.flatMap((arg) => arg.split(' ')), child.script], {
      env: child.env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.process.on('exit', (code, signal) => {
      if (stopping) return;
      child.restarts += 1;
      const wait = Math.min(250 * 2 ** Math.min(child.restarts, 6), 15_000);
      logger.error({ code, signal, restarts: child.restarts }, `${child.name} exited; restarting in ${wait} ms`);
      setTimeout(() => !stopping && start(child), wait);
    });
  };

  const stopAll = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping Flywheel');
    const children = [gateway, ...subgraphs].filter((child) => child.process && child.process.exitCode === null);
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            child.process?.once('exit', () => resolve());
            child.process?.kill('SIGTERM');
          }),
      ),
    );
    await database.stop();
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      stopAll(signal)
        .then(() => process.exit(0))
        .catch(() => process.exit(1));
    });
  }

  try {
    for (const child of subgraphs) start(child);
    await Promise.all(subgraphs.map((child) => waitReady(`http://127.0.0.1:${child.port}/ready`, child, 60_000)));
    start(gateway);
    await waitReady(`http://127.0.0.1:${gateway.port}/ready`, gateway, 60_000);
  } catch (error) {
    await stopAll('start-up failed');
    throw error;
  }
  const url = `http://localhost:${gateway.port}/graphql`;
  // A plain line too, for people and for scripts that wait on it.
  const ports = Object.fromEntries(subgraphs.map((child) => [child.name, child.port]));
  process.stdout.write(`\nFlywheel gateway ready at ${url} (open it in a browser for Apollo Sandbox)\nsubgraph ports: ${JSON.stringify(ports)}\n\n`);
  if (firstAdminKey) {
    process.stdout.write(
      `An ADMIN API key was created for this installation. It is shown only now, so keep it:\n\n  ${firstAdminKey}\n\n` +
        `Send it as the header  Authorization: Bearer ${firstAdminKey}\n(in Apollo Sandbox: the Headers tab). Create narrower keys with createApiKey.\n\n`,
    );
  }
}

main().catch((error) => {
  console.error(`flywheel failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
