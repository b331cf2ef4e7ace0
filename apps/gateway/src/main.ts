import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, exitOnSignals, loadConfig, startHttpServer } from '@flywheel/server';
import { gatewayEnvShape, subgraphUrlVariable } from './config';
import { createGateway, forwardHeaders, subgraphsOf } from './gateway';

async function main(): Promise<void> {
  const config = loadConfig(gatewayEnvShape);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const supergraphSdl = readFileSync(config.FLYWHEEL_SUPERGRAPH_PATH ?? join(__dirname, 'supergraph.graphql'), 'utf8');
  const env = config as unknown as Record<string, string | undefined>;
  const urlOverrides = Object.fromEntries(subgraphsOf(supergraphSdl).map(({ name }) => [name, env[subgraphUrlVariable(name)]]));
  const { apollo, close } = createGateway({
    supergraphSdl,
    urlOverrides,
    maxSockets: config.FLYWHEEL_SUBGRAPH_MAX_SOCKETS,
    introspection: config.FLYWHEEL_INTROSPECTION,
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
    context: async ({ req, requestId }) => ({ requestId, logger, forwardHeaders: forwardHeaders(req.headers, requestId) }),
    // The gateway is ready once its supergraph is loaded; subgraph health is each subgraph's own probe.
    ready: async () => started,
    onShutdown: async () => {
      await apollo.stop();
      close();
    },
  });
  started = true;
  exitOnSignals(running.shutdown, logger);
}

main().catch((error) => {
  console.error(`gateway failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
