// Starts the whole Flywheel stack the way `npm start` does (built bundles, the
// launcher, one process per app) on a database of its own, for the gateway's
// end-to-end tests, the benchmarks and the fault tests.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort } from '../libs/server/src/free-port';

/** The workspace root, found from here whether this runs from source or from a bundle in dist/. */
export { freePort };

export const root = (() => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'nx.json'))) return dir;
  throw new Error(`no nx.json above ${__dirname}`);
})();

export interface StackOptions {
  /** A migrated database for this stack. */
  databaseUrl: string;
  /** Run only these subgraphs (composed into a supergraph of their own); all by default. */
  subgraphs?: string[];
  /** Extra environment for every process. */
  env?: NodeJS.ProcessEnv;
  /** Echo the stack's output to stderr. */
  verbose?: boolean;
  /** The launcher's port; a free one by default. */
  port?: number;
}

export interface RunningStack {
  url: string;
  port: number;
  /** Port of each subgraph process. */
  subgraphPorts: Record<string, number>;
  adminKey: string;
  gatewaySecret: string;
  launcher: ChildProcess;
  /** Everything the stack printed so far. */
  output(): string;
  stop(): Promise<void>;
}


const ALL_SUBGRAPHS = ['prompt', 'experiment', 'feedback', 'model-registry'];

/** Builds the apps (esbuild, about a second each); a subgraph without an entry point yet is skipped. */
export function buildApps(subgraphs: string[] = ALL_SUBGRAPHS): void {
  for (const project of [...subgraphs.map((name) => `apps/${name}`), 'apps/gateway']) {
    try {
      execFileSync(process.execPath, [join(root, 'tools/build.mjs'), project], { cwd: root, stdio: 'pipe' });
    } catch (error) {
      const output = String((error as { stderr?: Buffer }).stderr ?? '');
      if (!output.includes('no entry point')) throw new Error(`build of ${project} failed:\n${output}`);
    }
  }
}

/** Starts the launcher and resolves once the gateway is ready. */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const only = options.subgraphs;
  buildApps(only ?? ALL_SUBGRAPHS);
  const env: NodeJS.ProcessEnv = {};
  if (only) {
    mkdirSync(join(root, 'dist'), { recursive: true });
    const supergraphPath = join(root, 'dist', `supergraph-${process.pid}-${randomBytes(3).toString('hex')}.graphql`);
    execFileSync(process.execPath, [join(root, 'tools/compose-supergraph.mjs'), '--only', [...only, 'access'].join(','), '--out', supergraphPath], {
      cwd: root,
      stdio: 'pipe',
    });
    env.FLYWHEEL_SUPERGRAPH_PATH = supergraphPath;
  }
  const adminKey = `fw_admin_${randomBytes(24).toString('base64url')}`;
  const gatewaySecret = randomBytes(32).toString('base64url');
  const port = options.port ?? (await freePort());
  const launcher = spawn(process.execPath, [join(root, 'dist/apps/gateway/launcher.js')], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      FLYWHEEL_SHUTDOWN_GRACE_MS: '2000',
      FLYWHEEL_BOOTSTRAP_ADMIN_KEY: adminKey,
      FLYWHEEL_GATEWAY_SECRET: gatewaySecret,
      ...env,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let subgraphPorts: Record<string, number> = {};
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (options.verbose) process.stderr.write(chunk);
      const match = output.match(/subgraph ports: (\{[^}]*\})/);
      if (output.includes('Flywheel gateway ready at') && match) {
        subgraphPorts = JSON.parse(match[1]);
        resolve();
      }
    };
    launcher.stdout?.on('data', onData);
    launcher.stderr?.on('data', onData);
    launcher.once('exit', (code) => reject(new Error(`launcher exited with ${code} before it was ready:\n${output}`)));
  });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`stack not ready after 90 s:\n${output}`)), 90_000).unref());
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    launcher.kill('SIGKILL');
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    subgraphPorts,
    adminKey,
    gatewaySecret,
    launcher,
    output: () => output,
    stop: async () => {
      if (launcher.exitCode !== null || launcher.signalCode !== null) return;
      const exited = once(launcher, 'exit');
      launcher.kill('SIGTERM');
      await exited;
    },
  };
}
