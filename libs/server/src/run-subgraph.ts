import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { ApolloServer } from '@apollo/server';
import type { DataSource } from 'typeorm';
import { createDataSource, migrationsApplied, resolveDatabase, runMigrationsLocked } from '@flywheel/data';
import { GraphQLError } from 'graphql';
import { actorOf, PrincipalVerifier, SignatureError, type Principal } from './auth/principal';
import type { z } from 'zod';
import { authEnvShape, ConfigError, databaseEnvShape, httpUrlSchema, loadConfig, serverEnvShape, switchSchema } from './config';
import type { RequestContext } from './graphql';
import { exitOnSignals, startHttpServer, type RouteHandler, type RunningHttpServer } from './http-server';
import { createLogger, type Logger } from './logger';

/** Settings of a subgraph process. */
export const subgraphEnvShape = {
  ...serverEnvShape,
  ...databaseEnvShape,
  ...authEnvShape,
  /** Apply pending migrations at start (under the advisory lock). Off when a Job runs them. */
  FLYWHEEL_MIGRATE_ON_START: switchSchema.default(true),
  /**
   * Public base URL of the feedback subgraph (e.g. https://flywheel.example.com/feedback), for the
   * dataset download links it hands out; unset: the address the gateway reached it at. Other subgraphs ignore it.
   */
  FLYWHEEL_PUBLIC_FEEDBACK_URL: httpUrlSchema.optional(),
};

/** A subgraph process's validated settings. */
export type SubgraphConfig = z.infer<z.ZodObject<typeof subgraphEnvShape>>;

/** What a subgraph app hands to {@link runSubgraph}. */
export interface SubgraphDefinition<TContext extends RequestContext> {
  name: string;
  /** The port when `PORT` is unset, distinct per subgraph so each can run alone beside the others. */
  defaultPort: number;
  /** Builds the subgraph's Apollo Server and context factory over a connected DataSource (and the process's settings, for those that need them). */
  create(deps: { dataSource: DataSource; logger: Logger; config: SubgraphConfig }): {
    apollo: ApolloServer<TContext>;
    context(args: { req: IncomingMessage; requestId: string }): Promise<TContext>;
    routes?: Record<string, RouteHandler>;
  };
}

/**
 * The whole life of a subgraph process: validate the environment, connect
 * (waiting for PostgreSQL to come up, as in a fresh cluster), migrate under the
 * advisory lock, serve, and drain on SIGTERM.
 */
export async function runSubgraph<TContext extends RequestContext>(definition: SubgraphDefinition<TContext>): Promise<RunningHttpServer> {
  const config = loadConfig(subgraphEnvShape, { PORT: String(definition.defaultPort), ...process.env });
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  const authenticate = principalFromRequest(config, logger);
  const database = await resolveDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: join(config.FLYWHEEL_DATA_DIR, 'postgres'),
    embeddedPort: config.FLYWHEEL_EMBEDDED_PG_PORT,
    log: (line) => logger.debug({ postgres: line }),
  });
  const dataSource = createDataSource({
    url: database.url,
    poolSize: config.DATABASE_POOL_SIZE,
    applicationName: definition.name,
    onConnectionError: (error) => logger.warn({ err: error.message }, 'database connection lost; it will be replaced'),
  });
  await connectWithRetry(dataSource, logger);
  if (config.FLYWHEEL_MIGRATE_ON_START) {
    const applied = await runMigrationsLocked(dataSource);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  const { apollo, context: context_, routes } = definition.create({ dataSource, logger, config });
  const protectedLabels = new Set(config.FLYWHEEL_PROTECTED_LABELS);
  await apollo.start();
  let migrated = false;
  const running = await startHttpServer({
    name: definition.name,
    apollo,
    context: async (args) => {
      const principal = authenticate(args.req);
      const context = await context_(args);
      return { ...context, principal, actor: actorOf(principal), protectedLabels };
    },
    routes,
    corsOrigins: config.FLYWHEEL_CORS_ORIGINS,
    logger,
    port: config.PORT,
    host: config.HOST,
    maxBodyBytes: config.FLYWHEEL_MAX_BODY_BYTES,
    shutdownGraceMs: config.FLYWHEEL_SHUTDOWN_GRACE_MS,
    ready: async () => {
      await dataSource.query('SELECT 1');
      migrated ||= await migrationsApplied(dataSource);
      return migrated;
    },
    onShutdown: async () => {
      await apollo.stop();
      await dataSource.destroy();
      await database.stop();
    },
  });
  exitOnSignals(running.shutdown, logger);
  return running;
}

/** A principal for FLYWHEEL_AUTH=off: everyone may do everything. */
export const ANONYMOUS_ADMIN: Principal = Object.freeze({ keyId: 'anonymous', name: 'anonymous (FLYWHEEL_AUTH=off)', role: 'ADMIN' });

/**
 * The trust boundary of a subgraph: a request is answered only with a valid
 * signature from the gateway, whose principal then goes into the context. A
 * request straight to the subgraph's port gets UNAUTHENTICATED and no data.
 */
export function principalFromRequest(
  config: { FLYWHEEL_AUTH: boolean; FLYWHEEL_GATEWAY_SECRET?: string },
  logger: Logger,
): (req: IncomingMessage) => Principal {
  if (!config.FLYWHEEL_AUTH) {
    logger.warn('FLYWHEEL_AUTH=off: every request is treated as ADMIN. Use this for local experiments only.');
    return () => ANONYMOUS_ADMIN;
  }
  const secret = config.FLYWHEEL_GATEWAY_SECRET;
  if (!secret) throw new ConfigError(['FLYWHEEL_GATEWAY_SECRET=(unset): required while FLYWHEEL_AUTH is on (the gateway signs each request with it)']);
  const verifier = new PrincipalVerifier(secret);
  return (req) => {
    try {
      return verifier.verify(req.headers);
    } catch (error) {
      if (error instanceof SignatureError) {
        throw new GraphQLError(`Unauthenticated: ${error.message}`, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      }
      throw error;
    }
  };
}

/** Connects, retrying for up to a minute: in a fresh cluster the database may start after us. */
export async function connectWithRetry(dataSource: DataSource, logger: Logger, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await dataSource.initialize();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      logger.warn({ attempt, err: (error as Error).message }, 'database not reachable yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, Math.min(200 * attempt, 2000)));
    }
  }
}
