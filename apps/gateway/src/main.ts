import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDataSource, resolveDatabase } from '@flywheel/data';
import { ConfigError, connectWithRetry, createLogger, exitOnSignals, loadConfig, startHttpServer } from '@flywheel/server';
import { ApiKeyService } from './access/api-key.service';
import { AuditService } from './access/audit.service';
import { createAccessSchema } from './access/resolvers';
import { gatewayEnvShape, subgraphUrlVariable } from './config';
import { ACCESS_SUBGRAPH, createGateway, forwardHeaders, subgraphsOf, type GatewayContext } from './gateway';
import { auditPlugin, authenticator, requireKeyPlugin } from './security';

async function main(): Promise<void> {
  const config = loadConfig(gatewayEnvShape);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  if (config.FLYWHEEL_AUTH && !config.FLYWHEEL_GATEWAY_SECRET) {
    throw new ConfigError(['FLYWHEEL_GATEWAY_SECRET=(unset): required while FLYWHEEL_AUTH is on (it signs the principal sent to subgraphs)']);
  }
  if (!config.FLYWHEEL_AUTH) logger.warn('FLYWHEEL_AUTH=off: NO AUTHENTICATION. Every request is ADMIN. Use this for local experiments only.');
  const supergraphSdl = readFileSync(config.FLYWHEEL_SUPERGRAPH_PATH ?? join(__dirname, 'supergraph.graphql'), 'utf8');
  const env = config as unknown as Record<string, string | undefined>;
  const urlOverrides = Object.fromEntries(
    subgraphsOf(supergraphSdl)
      .filter(({ name }) => name !== ACCESS_SUBGRAPH)
      .map(({ name }) => [name, env[subgraphUrlVariable(name)]]),
  );

  const database = await resolveDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: join(config.FLYWHEEL_DATA_DIR, 'postgres'),
    embeddedPort: config.FLYWHEEL_EMBEDDED_PG_PORT,
  });
  const dataSource = createDataSource({
    url: database.url,
    poolSize: config.DATABASE_POOL_SIZE,
    applicationName: 'gateway',
    onConnectionError: (error) => logger.warn({ err: error.message }, 'database connection lost; it will be replaced'),
  });
  await connectWithRetry(dataSource, logger);
  const apiKeys = new ApiKeyService(dataSource, config.FLYWHEEL_KEY_CACHE_MS);
  if (config.FLYWHEEL_BOOTSTRAP_ADMIN_KEY) await apiKeys.ensureBootstrapKey(config.FLYWHEEL_BOOTSTRAP_ADMIN_KEY);
  const audit = new AuditService(dataSource, logger);
  const authenticate = authenticator({ auth: config.FLYWHEEL_AUTH, apiKeys });
  const protectedLabels = new Set(config.FLYWHEEL_PROTECTED_LABELS);

  const { apollo, close } = createGateway({
    supergraphSdl,
    urlOverrides,
    maxSockets: config.FLYWHEEL_SUBGRAPH_MAX_SOCKETS,
    introspection: config.FLYWHEEL_INTROSPECTION,
    gatewaySecret: config.FLYWHEEL_GATEWAY_SECRET,
    accessSchema: createAccessSchema(),
    limits: {
      maxDepth: config.FLYWHEEL_MAX_DEPTH,
      maxCost: config.FLYWHEEL_MAX_COST,
      maxAliases: config.FLYWHEEL_MAX_ALIASES,
      maxTokens: config.FLYWHEEL_MAX_TOKENS,
      maxDirectives: config.FLYWHEEL_MAX_DIRECTIVES,
    },
    plugins: [requireKeyPlugin(), auditPlugin(audit)],
  });
  await apollo.start();
  let started = false;
  const running = await startHttpServer({
    name: 'gateway',
    apollo,
    logger,
    port: config.PORT,
    host: config.HOST,
    maxBodyBytes: config.FLYWHEEL_MAX_BODY_BYTES,
    shutdownGraceMs: config.FLYWHEEL_SHUTDOWN_GRACE_MS,
    corsOrigins: config.FLYWHEEL_CORS_ORIGINS,
    // The context of the local access subgraph is this one too, hence the services in it.
    context: async ({ req, requestId }) =>
      ({
        requestId,
        logger,
        principal: await authenticate(req),
        protectedLabels,
        forwardHeaders: forwardHeaders(requestId),
        apiKeys,
        audit,
      }) as GatewayContext,
    // Ready once the supergraph is loaded and the key store is reachable; subgraph health is each subgraph's own probe.
    ready: async () => {
      await dataSource.query('SELECT 1');
      return started;
    },
    onShutdown: async () => {
      await apollo.stop();
      close();
      await audit.flush();
      await dataSource.destroy();
      await database.stop();
    },
  });
  started = true;
  exitOnSignals(running.shutdown, logger);
}

main().catch((error) => {
  console.error(`gateway failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
